// The per-role One-Class SVM (comparison detector, off by default) over the same feature rows as the
// Isolation Forest, trained and run on the demo network's ordinary minutes.
import { describe, expect, it } from "vitest";
import type { Detection } from "@/lib/detect/detector";
import { expectedFor, trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { MULTIVARIATE_FEATURES, MULTIVARIATE_METRICS, multivariateFeatures, type RoleModelDevice } from "@/lib/detect/models/multivariate-model";
import { oneClassSvm } from "@/lib/detect/detectors/one-class-svm";
import {
  oneClassSvmScore,
  trainOneClassSvm,
  trainRoleSvmModels,
  type OneClassSvmModel,
} from "@/lib/detect/models/one-class-svm-model";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { mulberry32 } from "@/lib/simulator/prng";
import { emptyMetricValues, type MetricName, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const HISTORY_START = Date.parse("2025-01-06T00:00:00Z"); // a Monday
const HISTORY_DAYS = 14;
/** After the history: a Tuesday afternoon the baselines and models have never seen. */
const TUESDAY_14 = Date.parse("2025-01-21T14:00:00Z");

const fleet = demoFleet(20, 1);
const network = createNetworkModel({ devices: fleet, seed: 1 });
const indexOf = (name: string) => {
  const i = fleet.findIndex((d) => d.name === name);
  if (i < 0) throw new Error(`no demo device ${name}`);
  return i;
};
const FIREWALLS = ["fw-hq-1", "fw-dc1-1", "fw-branch-east-1"].map(indexOf);
const FW = FIREWALLS[0]!;

const minuteOf = (device: number, ms: number): MetricSample => ({
  deviceId: device,
  ts: new Date(ms),
  values: network.valuesAt(device, new Date(ms)),
});
const samplesOf = new Map<number, MetricSample[]>();
const baselineOf = new Map<number, BaselineIndex>();
for (const d of FIREWALLS) {
  samplesOf.set(d, Array.from({ length: HISTORY_DAYS * 1440 }, (_, m) => minuteOf(d, HISTORY_START + m * MINUTE)));
  baselineOf.set(d, trainBaselineIndex(samplesOf.get(d)!));
}
const roleDevice = (d: number): RoleModelDevice => ({ id: d, role: fleet[d]!.role, samples: samplesOf.get(d)!, baseline: baselineOf.get(d) });
const models = trainRoleSvmModels(FIREWALLS.map(roleDevice));

function robustZ(baseline: BaselineIndex, metric: MetricName, ts: Date, value: number): number {
  const usual = expectedFor(baseline, metric, ts)!;
  return (value - usual.median) / effectiveStd(metric, usual.mad / 0.6745, usual.median, 0.02);
}

function usualMinute(device: number, ms: number, changes: (usual: MetricValues) => Partial<MetricValues> = () => ({})): MetricSample {
  const ts = new Date(ms);
  const usual = emptyMetricValues();
  for (const metric of MULTIVARIATE_METRICS) usual[metric] = expectedFor(baselineOf.get(device)!, metric, ts)!.median;
  return { deviceId: device, ts, values: { ...usual, ...changes(usual) } };
}

const ON = { enabled: true };
const detect = (sample: MetricSample, overrides: unknown = ON, model: OneClassSvmModel | undefined = models.get(sample.deviceId)) =>
  oneClassSvm.run({ sample, baseline: baselineOf.get(sample.deviceId)!, ...(model ? { oneClassSvmModel: model } : {}) }, overrides);

/** Packets and connections ×10 and CPU to 95 % together. */
const burst = usualMinute(FW, TUESDAY_14, (usual) => ({
  packetsPerSec: usual.packetsPerSec! * 10,
  connectionsPerSec: usual.connectionsPerSec! * 10,
  cpuPct: 95,
}));
const MOVED = ["packetsPerSec", "connectionsPerSec", "cpuPct"];

describe("trainOneClassSvm", () => {
  const rng = mulberry32(5);
  const rows = Array.from({ length: 300 }, () => Float64Array.from(MULTIVARIATE_FEATURES, () => rng() - 0.5));

  it.each([
    { count: 0, trained: false },
    { count: 63, trained: false },
    { count: 64, trained: true },
  ])("$count rows → model: $trained", ({ count, trained }) => {
    const model = trainOneClassSvm(rows.slice(0, count));
    expect(model !== undefined).toBe(trained);
    if (model) expect(model.rows).toBe(count);
  });

  it("keeps a seeded subsample of at most maxRows rows, the same for the same seed", () => {
    const a = trainOneClassSvm(rows, { seed: 3, maxRows: 100 })!;
    const b = trainOneClassSvm(rows, { seed: 3, maxRows: 100 })!;
    const c = trainOneClassSvm(rows, { seed: 4, maxRows: 100 })!;
    expect(a.rows).toBe(100);
    expect(a).toEqual(b);
    expect(a.supportVectors).not.toEqual(c.supportVectors);
  });

  it("solves the ν-OCSVM: coefficients sum to 1, at least ν of the rows are support vectors, at most ν outside", () => {
    const model = trainOneClassSvm(rows, { nu: 0.1, gamma: 0.5 })!;
    expect(model.gamma).toBe(0.5);
    expect(model.alpha.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(model.alpha.length).toBeGreaterThanOrEqual(0.1 * rows.length);
    const outside = rows.filter((r) => oneClassSvmScore(model, r) < -1e-3).length;
    expect(outside).toBeLessThanOrEqual(0.1 * rows.length);
    // far from every support vector the score approaches −1
    expect(oneClassSvmScore(model, new Float64Array(MULTIVARIATE_FEATURES.length).fill(50))).toBeCloseTo(-1, 12);
  });

  it("rejects an invalid ν or γ", () => {
    expect(() => trainOneClassSvm(rows, { nu: 0 })).toThrow();
    expect(() => trainOneClassSvm(rows, { gamma: -1 })).toThrow();
  });
});

describe("trainRoleSvmModels", () => {
  it("gives every device of a role its role's one model, deterministically for a seed", () => {
    const model = models.get(FW)!;
    expect(model).toBeDefined();
    for (const d of FIREWALLS) expect(models.get(d)).toBe(model);
    expect(model.rows).toBe(1500);
    expect(trainRoleSvmModels(FIREWALLS.map(roleDevice), { seed: 1 }).get(FW)).toEqual(model);
  });

  it("trains nothing for a role with fewer than 64 rows", () => {
    const short = { ...roleDevice(FW), samples: samplesOf.get(FW)!.slice(0, 315) }; // 63 rows at stride 5
    expect(trainRoleSvmModels([short]).size).toBe(0);
  });
});

describe("oneClassSvm", () => {
  it("is off by default: nothing, even for a minute far outside", () => {
    expect(oneClassSvm.defaultConfig).toMatchObject({ enabled: false, minMetricDeviation: 5 });
    expect(detect(burst, {})).toEqual([]);
    expect(detect(burst, ON)).toHaveLength(1);
  });

  it("raises nothing without a model", () => {
    expect(oneClassSvm.run({ sample: burst, baseline: baselineOf.get(FW)! }, ON)).toEqual([]);
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
    const detections = detect(burst);
    const detection = detections[0] as Detection;
    const distance = (metric: MetricName) => Math.abs(robustZ(baselineOf.get(FW)!, metric, burst.ts, burst.values[metric]!));

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
      const furthest = [...MOVED].sort((a, b) => distance(b as MetricName) - distance(a as MetricName))[0] as MetricName;
      expect(detection.metric).toBe(furthest);
      expect(detection.observed.value).toBe(burst.values[furthest]);
      const contributions = detection.contributions ?? [];
      expect(contributions.map((c) => c.feature).sort()).toEqual([...MOVED].sort());
      const shares = contributions.map((c) => c.share);
      expect(shares).toEqual([...shares].sort((a, b) => b - a));
      expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-12);
      expect(detection.explanation).toMatch(
        /^Outside the usual combinations of metrics for this device's role and time \(one-class SVM decision -[01]\.\d\d, threshold -0\.50\); driven by /,
      );
    });

    it("is the same detection again for the same data and seed", () => {
      const retrained = trainRoleSvmModels(FIREWALLS.map(roleDevice), { seed: 1 }).get(FW);
      expect(detect(burst, ON, retrained)).toEqual(detections);
    });

    it("raises it only while its largest move exceeds minMetricDeviation", () => {
      const largest = Math.max(...MOVED.map((m) => distance(m as MetricName)));
      expect(detect(burst, { ...ON, minMetricDeviation: largest - 0.01 })).toHaveLength(1);
      expect(detect(burst, { ...ON, minMetricDeviation: largest + 0.01 })).toHaveLength(0);
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
