import { describe, expect, it } from "vitest";
import { ewmaBand, ewmaStats } from "@/lib/detect/ewma-band";
import { mulberry32 } from "@/lib/simulator/prng";
import { emptyMetricValues, type MetricName, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";

const NOW = Date.parse("2025-01-28T14:00:00Z");
const MINUTE = 60_000;
const DEVICE = 42;

function sampleAt(minutesAgo: number, values: Partial<MetricValues>): MetricSample {
  return { deviceId: DEVICE, ts: new Date(NOW - minutesAgo * MINUTE), values: { ...emptyMetricValues(), ...values } };
}

/** The `count` minutes before NOW, oldest first, with values from `valueAt(i)` (i = 0 is the oldest). */
function recentMinutes(count: number, metric: MetricName, valueAt: (i: number) => number | null): MetricSample[] {
  return Array.from({ length: count }, (_, i) => sampleAt(count - i, { [metric]: valueAt(i) }));
}

/** 95 and 105 Mbps alternating: EWMA mean ≈ 100 Mbps, σ ≈ 5 Mbps. */
const ALTERNATING = recentMinutes(30, "bandwidthOutBps", (i) => (i % 2 === 0 ? 95e6 : 105e6));

const run = (values: Partial<MetricValues>, recent: readonly MetricSample[] | undefined, overrides?: unknown) =>
  ewmaBand.run({ sample: sampleAt(0, values), baseline: new Map(), recent }, overrides);

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
  it("flags a tripling against the last half hour, whatever the hour of the week", () => {
    const [detection, ...rest] = run({ bandwidthOutBps: 300e6 }, ALTERNATING);
    expect(rest).toEqual([]);
    expect(detection).toMatchObject({
      detector: "ewma-band",
      anomalyType: "metric_spike",
      metric: "bandwidthOutBps",
      severity: "critical",
      observed: { value: 300e6, ts: "2025-01-28T14:00:00.000Z" },
      dedupKey: "42:ewma-band:bandwidthOutBps:metric_spike",
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
      alerts += ewmaBand.run({ sample: series[m]!, baseline: new Map(), recent: series.slice(m - 60, m) }).length;
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
    { name: "unknown metric", overrides: { metrics: ["temperature"] } },
  ])("rejects config with $name", ({ overrides }) => {
    expect(() => ewmaBand.resolveConfig(overrides)).toThrow();
  });

  it("defaults to alpha 0.1, a 5σ band, 20 points over the last 60 minutes and a 1% floor", () => {
    expect(ewmaBand.defaultConfig).toEqual({ alpha: 0.1, k: 5, minPoints: 20, windowMinutes: 60, minStd: 0.01 });
  });
});
