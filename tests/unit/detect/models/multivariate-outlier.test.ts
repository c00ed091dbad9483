// The per-role Isolation Forest over a device-minute's deviations from its hour-of-week baseline,
// trained and run on the demo network's ordinary minutes.
import { describe, expect, it } from "vitest";
import type { Detection } from "@/lib/detect/detector";
import { expectedFor, trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import {
  MULTIVARIATE_FEATURES,
  MULTIVARIATE_METRICS,
  multivariateFeatures,
  trainMultivariateModel,
  trainRoleModels,
  type MultivariateModel,
  type RoleModelDevice,
} from "@/lib/detect/models/multivariate-model";
import { multivariateOutlier } from "@/lib/detect/detectors/multivariate-outlier";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { mulberry32 } from "@/lib/simulator/prng";
import { emptyMetricValues, type MetricName, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const DAY = 86_400_000;
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
const EDGE_ROUTERS = ["edge-rtr-hq-1", "edge-rtr-branch-east-1"].map(indexOf);

const minuteOf = (device: number, ms: number): MetricSample => ({
  deviceId: device,
  ts: new Date(ms),
  values: network.valuesAt(device, new Date(ms)),
});
const history = (device: number, days = HISTORY_DAYS): MetricSample[] =>
  Array.from({ length: days * 1440 }, (_, m) => minuteOf(device, HISTORY_START + m * MINUTE));

const samplesOf = new Map<number, MetricSample[]>();
const baselineOf = new Map<number, BaselineIndex>();
for (const d of [...FIREWALLS, ...EDGE_ROUTERS]) {
  samplesOf.set(d, history(d));
  baselineOf.set(d, trainBaselineIndex(samplesOf.get(d)!));
}
const roleDevice = (d: number, overrides: Partial<RoleModelDevice> = {}): RoleModelDevice => ({
  id: d,
  role: fleet[d]!.role,
  samples: samplesOf.get(d)!,
  baseline: baselineOf.get(d),
  ...overrides,
});
const models = trainRoleModels([...FIREWALLS, ...EDGE_ROUTERS].map((d) => roleDevice(d)));
const FW = FIREWALLS[0]!;

/** Robust z of a value against the device's bucket, as the detector measures "how far it moved". */
function robustZ(baseline: BaselineIndex, metric: MetricName, ts: Date, value: number): number {
  const usual = expectedFor(baseline, metric, ts)!;
  return (value - usual.median) / effectiveStd(metric, usual.mad / 0.6745, usual.median, 0.02);
}

/** Every multivariate metric at exactly its usual (median) value for this device at `ms`, then `changes`. */
function usualMinute(device: number, ms: number, changes: (usual: MetricValues) => Partial<MetricValues> = () => ({})): MetricSample {
  const ts = new Date(ms);
  const usual = emptyMetricValues();
  for (const metric of MULTIVARIATE_METRICS) usual[metric] = expectedFor(baselineOf.get(device)!, metric, ts)!.median;
  return { deviceId: device, ts, values: { ...usual, ...changes(usual) } };
}

/**
 * The forest scores the minute below (three metrics far out together) about 0.52 — a value beyond the
 * training range isolates no faster however far out it is — so the alert's mechanics are checked just
 * above the ordinary 0.5 rather than at the default 0.65; minMetricDeviation stays at its default 5.
 */
const MECHANICS = { threshold: 0.51 };

const detect = (sample: MetricSample, overrides: unknown = MECHANICS, model: MultivariateModel | undefined = models.get(sample.deviceId)) =>
  multivariateOutlier.run({ sample, baseline: baselineOf.get(sample.deviceId)!, ...(model ? { multivariateModel: model } : {}) }, overrides);

describe("multivariateFeatures", () => {
  const baseline = baselineOf.get(FW)!;

  it("puts a minute at its usual values at the origin, with the time of day and week alongside", () => {
    const saturday6 = Date.parse("2025-01-25T06:00:00Z");
    const row = multivariateFeatures(usualMinute(FW, saturday6), baseline);
    expect(row).not.toBeNull();
    expect(Array.from(row!.slice(0, MULTIVARIATE_METRICS.length))).toEqual(MULTIVARIATE_METRICS.map(() => 0));
    // 06:00 is a quarter of the day round: sin 1, cos 0; Saturday is weekend.
    const [hourSin, hourCos, weekend] = Array.from(row!.slice(MULTIVARIATE_METRICS.length));
    expect(hourSin).toBeCloseTo(1, 12);
    expect(hourCos).toBeCloseTo(0, 12);
    expect(weekend).toBe(1);
    expect(row).toHaveLength(MULTIVARIATE_FEATURES.length);
    expect(multivariateFeatures(usualMinute(FW, TUESDAY_14), baseline)?.at(-1)).toBe(0);
  });

  it("reads a metric's move in robust σ, squashed with asinh; missing values count as usual", () => {
    const ts = new Date(TUESDAY_14);
    const usualCpu = expectedFor(baseline, "cpuPct", ts)!.median;
    const sample = usualMinute(FW, TUESDAY_14, () => ({ cpuPct: 95, latencyMs: null }));
    const row = multivariateFeatures(sample, baseline)!;
    const cpu = MULTIVARIATE_METRICS.indexOf("cpuPct");
    expect(usualCpu).toBeLessThan(80);
    expect(row[cpu]).toBeCloseTo(Math.asinh(robustZ(baseline, "cpuPct", ts, 95)), 12);
    expect(row[cpu]).toBeLessThan(10); // squashed: dozens of σ, yet a single-digit feature
    expect(row[MULTIVARIATE_METRICS.indexOf("latencyMs")]).toBe(0);
  });

  it("is null when the baseline knows none of the metrics", () => {
    expect(multivariateFeatures(usualMinute(FW, TUESDAY_14), new Map())).toBeNull();
  });
});

describe("trainMultivariateModel", () => {
  const rng = mulberry32(5);
  const rows = Array.from({ length: 300 }, () => Float64Array.from(MULTIVARIATE_FEATURES, () => rng() - 0.5));

  it.each([
    { count: 0, trained: false },
    { count: 63, trained: false },
    { count: 64, trained: true },
  ])("$count rows → model: $trained", ({ count, trained }) => {
    const model = trainMultivariateModel(rows.slice(0, count));
    expect(model !== undefined).toBe(trained);
    if (model) expect(model.rows).toBe(count);
  });

  it("keeps a seeded subsample of at most maxRows rows, the same for the same seed", () => {
    const a = trainMultivariateModel(rows, { seed: 3, maxRows: 100 })!;
    const b = trainMultivariateModel(rows, { seed: 3, maxRows: 100 })!;
    const c = trainMultivariateModel(rows, { seed: 4, maxRows: 100 })!;
    expect(a.rows).toBe(100);
    expect(a.forest).toEqual(b.forest);
    expect(a.forest.split).not.toEqual(c.forest.split);
  });
});

describe("trainRoleModels", () => {
  it("gives every device of a role its role's one model, and other roles their own", () => {
    const firewall = models.get(FIREWALLS[0]!);
    expect(firewall).toBeDefined();
    for (const d of FIREWALLS) expect(models.get(d)).toBe(firewall);
    const edge = models.get(EDGE_ROUTERS[0]!);
    expect(edge).toBeDefined();
    expect(models.get(EDGE_ROUTERS[1]!)).toBe(edge);
    expect(edge).not.toBe(firewall);
    // every 5th minute of every firewall's 14 days
    expect(firewall?.rows).toBe((FIREWALLS.length * HISTORY_DAYS * 1440) / 5);
  });

  it("is deterministic for a seed", () => {
    const devices = FIREWALLS.map((d) => roleDevice(d));
    const again = trainRoleModels(devices, { seed: 1 }).get(FW)!;
    expect(again.forest).toEqual(models.get(FW)!.forest);
    expect(trainRoleModels(devices, { seed: 2 }).get(FW)!.forest.split).not.toEqual(again.forest.split);
  });

  it("trains nothing for a role with too little history, nor for devices without a baseline", () => {
    const shortHistory = roleDevice(EDGE_ROUTERS[0]!, { samples: samplesOf.get(EDGE_ROUTERS[0]!)!.slice(0, 300) }); // 60 rows
    const noBaseline = roleDevice(EDGE_ROUTERS[1]!, { baseline: undefined });
    const trained = trainRoleModels([roleDevice(FW), shortHistory, noBaseline]);
    expect([...trained.keys()]).toEqual([FW]);
  });

  it("leaves excluded periods out: the same forest as if those minutes had never been recorded", () => {
    // Wednesday 8 January, a whole day (a multiple of the stride, so the remaining minutes line up).
    const day = { start: new Date(HISTORY_START + 2 * DAY), end: new Date(HISTORY_START + 3 * DAY) };
    const outside = (s: MetricSample) => s.ts < day.start || s.ts >= day.end;
    const withoutDay = FIREWALLS.map((d) => roleDevice(d, { samples: samplesOf.get(d)!.filter(outside) }));

    const fleetWide = trainRoleModels(FIREWALLS.map((d) => roleDevice(d)), { exclude: [day] }).get(FW)!;
    const perDevice = trainRoleModels(FIREWALLS.map((d) => roleDevice(d, { exclude: [day] }))).get(FW)!;
    const neverRecorded = trainRoleModels(withoutDay).get(FW)!;
    expect(fleetWide.rows).toBe(models.get(FW)!.rows - (FIREWALLS.length * 1440) / 5);
    expect(fleetWide.forest).toEqual(neverRecorded.forest);
    expect(perDevice.forest).toEqual(neverRecorded.forest);
    expect(neverRecorded.forest.split).not.toEqual(models.get(FW)!.forest.split);
  });
});

describe("multivariateOutlier", () => {
  it.each([
    { name: "by default", overrides: {} },
    { name: "at threshold 0.51", overrides: MECHANICS },
  ])("raises nothing $name over an ordinary day the models have not seen, on any of the role's devices", ({ overrides }) => {
    for (const d of [...FIREWALLS, ...EDGE_ROUTERS]) {
      const day = Array.from({ length: 1440 }, (_, m) => detect(minuteOf(d, TUESDAY_14 - 14 * 60 * MINUTE + m * MINUTE), overrides)).flat();
      expect(day).toEqual([]);
    }
  });

  describe("on a minute where packets and connections go ×10 and CPU to 95 %", () => {
    const sample = usualMinute(FW, TUESDAY_14, (usual) => ({
      packetsPerSec: usual.packetsPerSec! * 10,
      connectionsPerSec: usual.connectionsPerSec! * 10,
      cpuPct: 95,
    }));
    const MOVED = ["packetsPerSec", "connectionsPerSec", "cpuPct"];
    const detections = detect(sample);
    const detection = detections[0] as Detection;
    const distance = (metric: MetricName) => Math.abs(robustZ(baselineOf.get(FW)!, metric, sample.ts, sample.values[metric]!));

    it("raises one multivariate_outlier", () => {
      expect(detections).toHaveLength(1);
      expect(detection).toMatchObject({
        detector: "isolation-forest",
        anomalyType: "multivariate_outlier",
        observed: { ts: "2025-01-21T14:00:00.000Z" },
      });
      expect(detection.score).toBeGreaterThan(MECHANICS.threshold);
    });

    it("names the metric that moved furthest from its usual value", () => {
      const furthest = [...MOVED].sort((a, b) => distance(b as MetricName) - distance(a as MetricName))[0] as MetricName;
      expect(detection.metric).toBe(furthest);
      expect(detection.observed.value).toBe(sample.values[furthest]);
      expect(detection.expected.median).toBe(expectedFor(baselineOf.get(FW)!, furthest, sample.ts)!.median);
    });

    it("lists only the metrics that moved as contributions, largest share first", () => {
      const contributions = detection.contributions ?? [];
      expect(contributions.length).toBeGreaterThan(0);
      for (const c of contributions) {
        expect(MOVED).toContain(c.feature);
        expect(c.value).toBe(sample.values[c.feature as MetricName]);
        expect(c.expected).toBe(expectedFor(baselineOf.get(FW)!, c.feature as MetricName, sample.ts)!.median);
      }
      const shares = contributions.map((c) => c.share);
      expect(shares).toEqual([...shares].sort((a, b) => b - a));
      expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-12);
      expect(detection.explanation).toMatch(/^Unusual combination of metrics for this device and time \(isolation score 0\.\d\d, threshold 0\.51\); driven by /);
    });

    it("is the same detection again for the same data and seed", () => {
      const retrained = trainRoleModels(FIREWALLS.map((d) => roleDevice(d)), { seed: 1 }).get(FW);
      expect(detect(sample, MECHANICS, retrained)).toEqual(detections);
    });

    it("raises nothing without a model for the device's role", () => {
      expect(multivariateOutlier.run({ sample, baseline: baselineOf.get(FW)! }, MECHANICS)).toEqual([]);
    });

    it.each([
      { margin: -0.01, alerts: true },
      { margin: 0.01, alerts: false },
    ])("raises it only while its largest move exceeds minMetricDeviation (largest move + $margin → $alerts)", ({ margin, alerts }) => {
      const largest = Math.max(...MOVED.map((m) => distance(m as MetricName)));
      expect(detect(sample, { ...MECHANICS, minMetricDeviation: largest + margin })).toHaveLength(alerts ? 1 : 0);
    });
  });

  it.each([
    { packets: 10, connections: 10, furthest: "packetsPerSec" },
    { packets: 10, connections: 100, furthest: "connectionsPerSec" },
    { packets: 100, connections: 10, furthest: "packetsPerSec" },
  ])(
    "packets ×$packets, connections ×$connections, CPU 95 %: the alert is about $furthest, the furthest moved",
    ({ packets, connections, furthest }) => {
      const sample = usualMinute(FW, TUESDAY_14, (usual) => ({
        packetsPerSec: usual.packetsPerSec! * packets,
        connectionsPerSec: usual.connectionsPerSec! * connections,
        cpuPct: 95,
      }));
      const [detection, ...rest] = detect(sample);
      expect(rest).toEqual([]);
      // whichever metric earned the larger isolation share
      expect(detection).toMatchObject({ metric: furthest, observed: { value: sample.values[furthest as MetricName] } });
      expect(detection?.contributions?.map((c) => c.feature).sort()).toEqual(["connectionsPerSec", "cpuPct", "packetsPerSec"]);
    },
  );

  it.each([
    { name: "threshold 0.5", overrides: { threshold: 0.5 } },
    { name: "threshold 1", overrides: { threshold: 1 } },
    { name: "negative minMetricDeviation", overrides: { minMetricDeviation: -1 } },
  ])("rejects config with $name", ({ overrides }) => {
    expect(() => multivariateOutlier.resolveConfig(overrides)).toThrow();
  });

  it("defaults to threshold 0.65 and a 5 robust σ minimum move", () => {
    expect(multivariateOutlier.defaultConfig).toEqual({ threshold: 0.65, minMetricDeviation: 5 });
  });
});
