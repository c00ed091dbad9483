import { describe, expect, it } from "vitest";
import { ewmaBand, ewmaStats } from "@/lib/detect/detectors/ewma-band";
import { buildBaselineIndex, trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { mulberry32 } from "@/lib/simulator/prng";
import { emptyMetricValues, type MetricName, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";
import { offByDefault, turnedOn } from "./opt-in-fixtures";

const NOW = Date.parse("2025-01-28T14:00:00Z");
const TUESDAY_14_HOW = 38; // NOW's hour of the week
const MINUTE = 60_000;
const DAY = 86_400_000;
const DEVICE = 42;

function sampleAt(minutesAgo: number, values: Partial<MetricValues>): MetricSample {
  return { deviceId: DEVICE, ts: new Date(NOW - minutesAgo * MINUTE), values: { ...emptyMetricValues(), ...values } };
}

/** The `count` minutes before NOW, oldest first, with values from `valueAt(i)` (i = 0 is the oldest). */
function recentMinutes(count: number, metric: MetricName, valueAt: (i: number) => number | null): MetricSample[] {
  return Array.from({ length: count }, (_, i) => sampleAt(count - i, { [metric]: valueAt(i) }));
}

/** One hand-set bucket per metric at hour-of-week `how`; MAD / 0.6745 (the robust σ) is `mad` × 1.4826. */
function handBaseline(how: number, buckets: Partial<Record<MetricName, { median: number; mad: number }>>): BaselineIndex {
  return buildBaselineIndex(
    Object.entries(buckets).map(([metric, { median, mad }]) => ({
      metric,
      hourOfWeek: how,
      mean: median,
      std: mad / 0.6745,
      median,
      p05: median - 2.4 * mad,
      p25: median - mad,
      p75: median + mad,
      p95: median + 2.4 * mad,
      p99: median + 3.5 * mad,
      mad,
      sampleCount: 60,
    })),
  );
}

/** Off by default since the adaptive-baseline detector replaced it: its logic is tested turned on. */
const ewma = turnedOn(ewmaBand);

/** 95 and 105 Mbps alternating: EWMA mean ≈ 100 Mbps, σ ≈ 5 Mbps. */
const ALTERNATING = recentMinutes(30, "bandwidthOutBps", (i) => (i % 2 === 0 ? 95e6 : 105e6));

/**
 * The band mechanics on their own: the pre-tuning k 5, and no hour-of-week cross-check (these tests
 * have no baseline, and by default the detector says nothing without one).
 */
const MECHANICS = { k: 5, minBaselineDeviation: 0 };

const run = (values: Partial<MetricValues>, recent: readonly MetricSample[] | undefined, overrides: Record<string, unknown> = {}) =>
  ewma({ sample: sampleAt(0, values), baseline: new Map(), recent }, { ...MECHANICS, ...overrides });

describe("ewmaStats", () => {
  it.each([
    { name: "empty", values: [], alpha: 0.1, expected: { mean: Number.NaN, std: 0, count: 0 } },
    { name: "one value", values: [7], alpha: 0.1, expected: { mean: 7, std: 0, count: 1 } },
    { name: "constant", values: [3, 3, 3, 3], alpha: 0.3, expected: { mean: 3, std: 0, count: 4 } },
    { name: "two values, alpha 0.5", values: [0, 10], alpha: 0.5, expected: { mean: 5, std: 5, count: 2 } },
    { name: "alpha 1 follows the last value", values: [1, 50, 9], alpha: 1, expected: { mean: 9, std: 0, count: 3 } },
    { name: "NaN and infinities skipped", values: [0, Number.NaN, 10, Number.POSITIVE_INFINITY], alpha: 0.5, expected: { mean: 5, std: 5, count: 2 } },
  ])("$name", ({ values, alpha, expected }) => {
    expect(ewmaStats(values, alpha)).toEqual(expected);
  });

  it("weights recent values more: the mean moves towards a new level", () => {
    const stats = ewmaStats([...Array<number>(30).fill(10), ...Array<number>(10).fill(20)], 0.1);
    expect(stats.mean).toBeGreaterThan(15);
    expect(stats.mean).toBeLessThan(20);
  });
});

describe("ewmaBand on a sudden level shift", () => {
  it("flags a tripling against the last half hour", () => {
    const [detection, ...rest] = run({ bandwidthOutBps: 300e6 }, ALTERNATING);
    expect(rest).toEqual([]);
    expect(detection).toMatchObject({
      detector: "ewma-band",
      anomalyType: "metric_spike",
      metric: "bandwidthOutBps",
      severity: "critical",
      observed: { value: 300e6, ts: "2025-01-28T14:00:00.000Z" },
    });
    expect(detection?.explanation).toBe(
      "Bandwidth out 300 Mbps is 200% above the recent average 100 Mbps of the last 30 minutes (EWMA z = 40.0, recent band 75–125 Mbps).",
    );
    expect(detection?.expected.sampleCount).toBe(30);
    expect(detection?.expected.mean).toBeCloseTo(100e6, -5);
    expect(detection?.expected.std).toBeCloseTo(5e6, -5);
    expect(detection?.score).toBeCloseTo(((detection?.observed.value ?? 0) - (detection?.expected.mean ?? 0)) / (detection?.expected.std ?? 1), 9);
  });

  it("flags a collapse as a metric_drop", () => {
    const [detection] = run({ bandwidthOutBps: 1e6 }, ALTERNATING);
    expect(detection).toMatchObject({ anomalyType: "metric_drop", severity: "critical" });
    expect(detection?.expected.low).toBeGreaterThan(0);
  });

  it("stays quiet inside the band", () => {
    expect(run({ bandwidthOutBps: 110e6 }, ALTERNATING)).toEqual([]);
  });

  it("stops alerting once a shift has persisted long enough to be the recent normal", () => {
    const shifted = recentMinutes(60, "bandwidthOutBps", (i) => (i < 30 ? 100e6 : 300e6) + (i % 2 === 0 ? -5e6 : 5e6));
    expect(run({ bandwidthOutBps: 300e6 }, shifted)).toEqual([]);
  });

  it("raises nothing over a day of stationary Gaussian noise (5% on bandwidth, 3 points on CPU)", () => {
    const rng = mulberry32(1);
    const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const series = Array.from({ length: 1500 }, (_, m) =>
      sampleAt(1500 - m, { bandwidthInBps: 100e6 * (1 + 0.05 * gaussian()), cpuPct: 30 + 3 * gaussian() }),
    );
    let alerts = 0;
    for (let m = 60; m < series.length; m++) {
      alerts += ewma({ sample: series[m]!, baseline: new Map(), recent: series.slice(m - 60, m) }, MECHANICS).length;
    }
    expect(alerts).toBe(0);
  });
});

describe("ewmaBand severity (k 5, a constant recent 100 conn/s, so σ is the 1 conn/s relative floor)", () => {
  const recent = recentMinutes(30, "connectionsPerSec", () => 100);
  it.each([
    { value: 104.9, expected: null },
    { value: 105, expected: null },
    { value: 105.1, expected: ["metric_spike", "medium"] },
    { value: 107.6, expected: ["metric_spike", "high"] },
    { value: 110.1, expected: ["metric_spike", "critical"] },
    { value: 94.9, expected: ["metric_drop", "medium"] },
    { value: 0, expected: ["metric_drop", "critical"] },
  ])("connections $value → $expected", ({ value, expected }) => {
    const detections = run({ connectionsPerSec: value }, recent);
    expect(detections.map((d) => [d.anomalyType, d.severity])).toEqual(expected ? [expected] : []);
  });
});

describe("ewmaBand on constant recent series", () => {
  it.each<{ name: string; metric: MetricName; level: number; value: number; alerts: boolean }>([
    { name: "memory 0.3 points off a flat hour", metric: "memoryPct", level: 50, value: 50.3, alerts: false },
    { name: "memory 5 points off a flat hour", metric: "memoryPct", level: 50, value: 55, alerts: true },
    { name: "0.1% loss after an hour without loss", metric: "packetLossPct", level: 0, value: 0.1, alerts: false },
    { name: "3% loss after an hour without loss", metric: "packetLossPct", level: 0, value: 3, alerts: true },
    { name: "the flat value itself", metric: "packetLossPct", level: 0, value: 0, alerts: false },
  ])("$name → alerts: $alerts", ({ metric, level, value, alerts }) => {
    const detections = run({ [metric]: value }, recentMinutes(60, metric, () => level));
    expect(detections.length > 0).toBe(alerts);
    for (const d of detections) expect(Number.isFinite(d.score)).toBe(true);
  });
});

describe("ewmaBand input handling", () => {
  it.each([
    { name: "no recent minutes", recent: undefined },
    { name: "an empty window", recent: [] },
    { name: "19 of the 20 required minutes", recent: ALTERNATING.slice(-19) },
    {
      name: "20 minutes of which one value is null and one NaN",
      recent: recentMinutes(20, "bandwidthOutBps", (i) => (i === 3 ? null : i === 4 ? Number.NaN : 100e6)),
    },
    {
      name: "minutes older than the window",
      recent: Array.from({ length: 30 }, (_, i) => sampleAt(120 - i, { bandwidthOutBps: 100e6 })),
    },
    {
      name: "minutes at or after the sample itself",
      recent: Array.from({ length: 30 }, (_, i) => sampleAt(-i, { bandwidthOutBps: 100e6 })),
    },
  ])("has no opinion with $name", ({ recent }) => {
    expect(run({ bandwidthOutBps: 1e9 }, recent)).toEqual([]);
  });

  it("counts exactly 20 usable minutes as enough, and honours a configured minPoints", () => {
    const twenty = ALTERNATING.slice(-20);
    expect(run({ bandwidthOutBps: 300e6 }, twenty)).toHaveLength(1);
    expect(run({ bandwidthOutBps: 300e6 }, twenty, { minPoints: 21 })).toEqual([]);
  });

  it("reads minutes in time order even when given out of order", () => {
    const shuffled = [...ALTERNATING].reverse();
    expect(run({ bandwidthOutBps: 300e6 }, shuffled)).toEqual(run({ bandwidthOutBps: 300e6 }, ALTERNATING));
  });

  it("skips null and NaN current values and checks only the configured metrics", () => {
    const recent = ALTERNATING.map((s) => ({ ...s, values: { ...s.values, cpuPct: 20 } }));
    expect(run({ bandwidthOutBps: null, cpuPct: Number.NaN }, recent)).toEqual([]);
    const both = { bandwidthOutBps: 300e6, cpuPct: 90 };
    expect(run(both, recent).map((d) => d.metric).sort()).toEqual(["bandwidthOutBps", "cpuPct"]);
    expect(run(both, recent, { metrics: ["cpuPct"] }).map((d) => d.metric)).toEqual(["cpuPct"]);
  });

  it("a wider band silences a moderate shift", () => {
    expect(run({ bandwidthOutBps: 140e6 }, ALTERNATING)).toHaveLength(1);
    expect(run({ bandwidthOutBps: 140e6 }, ALTERNATING, { k: 10 })).toEqual([]);
  });

  it.each([
    { name: "alpha 0", overrides: { alpha: 0 } },
    { name: "alpha above 1", overrides: { alpha: 1.5 } },
    { name: "zero k", overrides: { k: 0 } },
    { name: "minPoints 1", overrides: { minPoints: 1 } },
    { name: "fractional minPoints", overrides: { minPoints: 20.5 } },
    { name: "a window over 60 minutes", overrides: { windowMinutes: 61 } },
    { name: "negative minStd", overrides: { minStd: -0.1 } },
    { name: "negative minBaselineDeviation", overrides: { minBaselineDeviation: -1 } },
    { name: "unknown metric", overrides: { metrics: ["temperature"] } },
    { name: "a non-boolean enabled", overrides: { enabled: "yes" } },
  ])("rejects config with $name", ({ overrides }) => {
    expect(() => ewmaBand.resolveConfig(overrides)).toThrow();
  });

  it("defaults to off, alpha 0.1, a 6σ band, 20 points over the last 60 minutes, a 1% floor and 3 robust σ from the hour's usual", () => {
    expect(ewmaBand.defaultConfig).toEqual({
      enabled: false,
      alpha: 0.1,
      k: 6,
      minPoints: 20,
      windowMinutes: 60,
      minStd: 0.01,
      minBaselineDeviation: 3,
    });
  });

  it("is off by default: nothing without overrides, even for a tripling against the last half hour and the hour's usual", () => {
    const baseline = handBaseline(TUESDAY_14_HOW, { bandwidthOutBps: { median: 100e6, mad: 6.745e6 } });
    const input = { sample: sampleAt(0, { bandwidthOutBps: 300e6 }), baseline, recent: ALTERNATING };
    const on = offByDefault(ewmaBand, input, MECHANICS);
    expect(on.map((d) => [d.metric, d.anomalyType, d.severity])).toEqual([["bandwidthOutBps", "metric_spike", "critical"]]);
  });

  it("at its default k a jump between 5σ and 6σ of the recent band raises nothing, even where the hour's baseline finds it unusual", () => {
    const constant = recentMinutes(30, "connectionsPerSec", () => 100); // σ is the 1 conn/s relative floor
    const baseline = handBaseline(TUESDAY_14_HOW, { connectionsPerSec: { median: 50, mad: 0.6745 } });
    const sample = sampleAt(0, { connectionsPerSec: 105.5 });
    expect(ewma({ sample, baseline, recent: constant })).toEqual([]);
    expect(ewma({ sample, baseline, recent: constant }, { k: 5 }).map((d) => d.anomalyType)).toEqual(["metric_spike"]);
    expect(ewma({ sample: sampleAt(0, { connectionsPerSec: 106.1 }), baseline, recent: constant })).toHaveLength(1);
  });
});

describe("ewmaBand checks a jump against the hour-of-week baseline (minBaselineDeviation)", () => {
  // The last half hour at a constant 100 conn/s (σ is the 1 conn/s relative floor), so every value
  // below is far outside the recent band; the Tuesday 14:00 bucket is median 100, robust σ 10.
  const flat = recentMinutes(30, "connectionsPerSec", () => 100);
  const usual100 = handBaseline(TUESDAY_14_HOW, { connectionsPerSec: { median: 100, mad: 6.745 } });
  const detect = (value: number, baseline: BaselineIndex, overrides?: Record<string, unknown>) =>
    ewma({ sample: sampleAt(0, { connectionsPerSec: value }), baseline, recent: flat }, overrides).map((d) => d.anomalyType);

  it.each([
    { value: 129.9, overrides: undefined, expected: [] },
    { value: 130.1, overrides: undefined, expected: ["metric_spike"] },
    { value: 70.1, overrides: undefined, expected: [] },
    { value: 69.9, overrides: undefined, expected: ["metric_drop"] },
    { value: 149.9, overrides: { minBaselineDeviation: 5 }, expected: [] },
    { value: 150.1, overrides: { minBaselineDeviation: 5 }, expected: ["metric_spike"] },
    { value: 110, overrides: { minBaselineDeviation: 0 }, expected: ["metric_spike"] },
  ])("connections $value (1 robust σ = 10 from the usual 100), $overrides → $expected", ({ value, overrides, expected }) => {
    expect(detect(value, usual100, overrides)).toEqual(expected);
  });

  it.each([
    {
      name: "a fall back towards the usual level after a busy hour",
      recentLevel: 400e6,
      usual: { median: 100e6, mad: 6.745e6 },
      value: 150e6,
      unchecked: "metric_drop",
    },
    {
      name: "a rise that is still below what is usual for the hour",
      recentLevel: 100e6,
      usual: { median: 500e6, mad: 33.725e6 },
      value: 300e6,
      unchecked: "metric_spike",
    },
  ])("$name raises nothing at the default minBaselineDeviation (the jump and the deviation from the usual disagree)", ({ recentLevel, usual, value, unchecked }) => {
    const recent = recentMinutes(30, "bandwidthOutBps", (i) => recentLevel + (i % 2 === 0 ? -5e6 : 5e6));
    const baseline = handBaseline(TUESDAY_14_HOW, { bandwidthOutBps: usual });
    const sample = sampleAt(0, { bandwidthOutBps: value });
    expect(ewma({ sample, baseline, recent })).toEqual([]);
    // the jump itself is far outside the recent band: only the baseline check holds it back
    expect(ewma({ sample, baseline, recent }, { minBaselineDeviation: 0 }).map((d) => d.anomalyType)).toEqual([unchecked]);
  });

  it("a collapse below what is usual for the hour is raised as a drop", () => {
    const baseline = handBaseline(TUESDAY_14_HOW, { bandwidthOutBps: { median: 100e6, mad: 6.745e6 } });
    const [detection, ...rest] = ewma({ sample: sampleAt(0, { bandwidthOutBps: 10e6 }), baseline, recent: ALTERNATING });
    expect(rest).toEqual([]);
    expect(detection).toMatchObject({ anomalyType: "metric_drop", metric: "bandwidthOutBps", severity: "critical" });
  });

  it("says nothing about a metric the baseline has never seen, unless the check is off", () => {
    const cpuOnly = handBaseline(TUESDAY_14_HOW, { cpuPct: { median: 20, mad: 1 } });
    const sample = sampleAt(0, { bandwidthOutBps: 300e6 });
    expect(ewma({ sample, baseline: cpuOnly, recent: ALTERNATING })).toEqual([]);
    expect(ewma({ sample, baseline: new Map(), recent: ALTERNATING })).toEqual([]);
    expect(ewma({ sample, baseline: new Map(), recent: ALTERNATING }, { minBaselineDeviation: 0 })).toHaveLength(1);
  });
});

describe("ewmaBand on the demo file server's weekly backup (Sunday 02:00–03:00 UTC)", () => {
  const fleet = demoFleet(20, 1);
  const model = createNetworkModel({ devices: fleet, seed: 1 });
  const FILE_SERVER = fleet.findIndex((d) => d.name === "file-hq-1");
  const minuteAt = (ms: number): MetricSample => ({ deviceId: FILE_SERVER, ts: new Date(ms), values: model.valuesAt(FILE_SERVER, new Date(ms)) });
  const previousHour = (ms: number) => Array.from({ length: 60 }, (_, i) => minuteAt(ms - (60 - i) * MINUTE));
  // Two weeks (Monday 6 – Sunday 19 January 2025): the Sunday 02:00 bucket has learned two backups.
  const historyStart = Date.parse("2025-01-06T00:00:00Z");
  const baseline = trainBaselineIndex(Array.from({ length: 14 * 1440 }, (_, m) => minuteAt(historyStart + m * MINUTE)));
  const BACKUP_START = Date.parse("2025-01-26T02:00:00Z");

  /** Every minute of [from, from + minutes) with its previous hour, as the detection engine feeds it. */
  const detectOver = (from: number, minutes: number, overrides?: Record<string, unknown>) =>
    Array.from({ length: minutes }, (_, m) => {
      const t = from + m * MINUTE;
      return ewma({ sample: minuteAt(t), baseline, recent: previousHour(t) }, overrides);
    }).flat();

  it("learned a Sunday 02:00 outbound level far above the hour before it", () => {
    const backupHour = baseline.get("bandwidthOutBps:146")?.median ?? 0;
    const hourBefore = baseline.get("bandwidthOutBps:145")?.median ?? Number.POSITIVE_INFINITY;
    expect(backupHour).toBeGreaterThan(5 * hourBefore);
  });

  it("raises nothing from 01:30 to 03:30 at its default settings, though the backup's start and end leave the recent band", () => {
    const from = BACKUP_START - 30 * MINUTE;
    expect(detectOver(from, 120)).toEqual([]);
    const unchecked = detectOver(from, 120, { minBaselineDeviation: 0 });
    const outbound = unchecked.filter((d) => d.metric === "bandwidthOutBps");
    expect(outbound.map((d) => [d.observed.ts, d.anomalyType])).toEqual(
      expect.arrayContaining([
        ["2025-01-26T02:00:00.000Z", "metric_spike"],
        ["2025-01-26T03:00:00.000Z", "metric_drop"],
      ]),
    );
  });

  it("the same jump at Saturday 02:00, whose usual outbound is low, is raised", () => {
    const saturday = BACKUP_START - DAY;
    const sample: MetricSample = { ...minuteAt(BACKUP_START), ts: new Date(saturday) };
    const detections = ewma({ sample, baseline, recent: previousHour(saturday) });
    expect(detections.find((d) => d.metric === "bandwidthOutBps")).toMatchObject({
      anomalyType: "metric_spike",
      observed: { ts: "2025-01-25T02:00:00.000Z" },
    });
    expect(detections.every((d) => d.anomalyType === "metric_spike")).toBe(true);
  });
});
