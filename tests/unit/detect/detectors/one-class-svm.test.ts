// The One-Class SVM detector (comparison detector, off by default): the per-role SVM's verdict on a
// device-minute, run on the demo network's ordinary minutes and on a planted burst.
import { describe, expect, it } from "vitest";
import type { Detection } from "@/lib/detect/detector";
import { multivariateFeatures } from "@/lib/detect/models/multivariate-model";
import { oneClassSvm } from "@/lib/detect/detectors/one-class-svm";
import { oneClassSvmScore, trainRoleSvmModels, type OneClassSvmModel } from "@/lib/detect/models/one-class-svm-model";
import type { MetricSample } from "@/lib/telemetry/metrics";
import {
  baselineOf,
  BURST,
  BURST_FURTHEST,
  BURST_MOVED,
  burstMove,
  FIREWALLS,
  FW,
  MINUTE,
  minuteOf,
  roleDevice,
  TUESDAY_14,
  usualMinute,
} from "../models/role-model-fixtures";
import { offByDefault, ON } from "./opt-in-fixtures";

const models = trainRoleSvmModels(FIREWALLS.map((d) => roleDevice(d)));

/** Off by default (a comparison detector): its logic is tested turned on. */
const detect = (sample: MetricSample, overrides: unknown = ON, model: OneClassSvmModel | undefined = models.get(sample.deviceId)) =>
  oneClassSvm.run({ sample, baseline: baselineOf.get(sample.deviceId)!, ...(model ? { oneClassSvmModel: model } : {}) }, overrides);


describe("oneClassSvm", () => {
  it("is off by default: nothing, even for a minute far outside", () => {
    expect(oneClassSvm.defaultConfig).toMatchObject({ enabled: false, minMetricDeviation: 5 });
    const input = { sample: BURST, baseline: baselineOf.get(FW)!, oneClassSvmModel: models.get(FW)! };
    expect(offByDefault(oneClassSvm, input, { threshold: -0.1 })).toHaveLength(1);
  });

  it("raises nothing without a model", () => {
    expect(oneClassSvm.run({ sample: BURST, baseline: baselineOf.get(FW)! }, ON)).toEqual([]);
  });

  it("scores an ordinary day the model has not seen inside the boundary or close to it, and raises nothing", () => {
    for (const d of FIREWALLS) {
      const minutes = Array.from({ length: 1440 }, (_, m) => minuteOf(d, TUESDAY_14 - 14 * 60 * MINUTE + m * MINUTE));
      const scores = minutes.map((s) => oneClassSvmScore(models.get(d)!, multivariateFeatures(s, baselineOf.get(d)!)!));
      // ν = 0.01 leaves ~1 % of training minutes outside; an unseen day has a few % just past the boundary
      expect(scores.filter((s) => s >= 0).length / scores.length).toBeGreaterThan(0.9);
      expect(Math.min(...scores)).toBeGreaterThan(oneClassSvm.defaultConfig.threshold);
      // and detection raises nothing even with the minimum move gate off
      expect(minutes.flatMap((s) => detect(s, { ...ON, minMetricDeviation: 0 }))).toEqual([]);
    }
  });

  it("puts a minute at its usual values inside", () => {
    expect(oneClassSvmScore(models.get(FW)!, multivariateFeatures(usualMinute(FW, TUESDAY_14), baselineOf.get(FW)!)!)).toBeGreaterThan(0);
  });

  describe("on a minute where packets and connections go ×10 and CPU to 95 %", () => {
    const detections = detect(BURST);
    const detection = detections[0] as Detection;

    it("scores it far outside and raises one multivariate_outlier", () => {
      expect(detections).toHaveLength(1);
      expect(detection).toMatchObject({
        detector: "one-class-svm",
        anomalyType: "multivariate_outlier",
        observed: { ts: "2025-01-21T14:00:00.000Z" },
      });
      expect(detection.score).toBeLessThan(oneClassSvm.defaultConfig.threshold);
      expect(detection.severity).toBe("critical"); // near −1, the far end of the scale
    });

    it("names the metric that moved furthest, lists only moved metrics as contributions", () => {
      expect(detection.metric).toBe(BURST_FURTHEST);
      expect(detection.observed.value).toBe(BURST.values[BURST_FURTHEST]);
      const contributions = detection.contributions ?? [];
      expect(contributions.map((c) => c.feature).sort()).toEqual([...BURST_MOVED].sort());
      const shares = contributions.map((c) => c.share);
      expect(shares).toEqual([...shares].sort((a, b) => b - a));
      expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-12);
      expect(detection.explanation).toMatch(
        /^Outside the usual combinations of metrics for this device's role and time \(one-class SVM decision -[01]\.\d\d, threshold -0\.50\); driven by /,
      );
    });

    it("is the same detection again for the same data and seed", () => {
      const retrained = trainRoleSvmModels(FIREWALLS.map((d) => roleDevice(d)), { seed: 1 }).get(FW);
      expect(detect(BURST, ON, retrained)).toEqual(detections);
    });

    it("raises it only while its largest move exceeds minMetricDeviation", () => {
      const largest = Math.max(...BURST_MOVED.map(burstMove));
      expect(detect(BURST, { ...ON, minMetricDeviation: largest - 0.01 })).toHaveLength(1);
      expect(detect(BURST, { ...ON, minMetricDeviation: largest + 0.01 })).toHaveLength(0);
    });
  });

  it.each([
    { name: "threshold -1", overrides: { threshold: -1 } },
    { name: "threshold above 0", overrides: { threshold: 0.1 } },
    { name: "negative minMetricDeviation", overrides: { minMetricDeviation: -1 } },
  ])("rejects config with $name", ({ overrides }) => {
    expect(() => oneClassSvm.resolveConfig(overrides)).toThrow();
  });
});
