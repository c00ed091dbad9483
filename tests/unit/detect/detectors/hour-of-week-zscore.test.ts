import { describe, expect, it } from "vitest";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { buildBaselineIndex, trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { hourOfWeekZScore } from "@/lib/detect/detectors/hour-of-week-zscore";
import { mulberry32 } from "@/lib/simulator/prng";
import { emptyMetricValues, type MetricName, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";
import { offByDefault, turnedOn } from "./opt-in-fixtures";

const TUESDAY_14 = new Date("2025-01-28T14:00:00Z"); // hour-of-week 38
const TUESDAY_14_HOW = 38;
const DEVICE = 42;

function sampleAt(ts: Date, values: Partial<MetricValues>): MetricSample {
  return { deviceId: DEVICE, ts, values: { ...emptyMetricValues(), ...values } };
}

/** Off by default since the adaptive-baseline detector replaced it: its logic is tested turned on. */
const detect = turnedOn(hourOfWeekZScore);

/** A baseline with one hand-set bucket per metric at Tuesday 14:00. */
function handBaseline(buckets: Partial<Record<MetricName, { mean: number; std: number }>>): BaselineIndex {
  return buildBaselineIndex(
    Object.entries(buckets).map(([metric, { mean, std }]) => ({
      metric,
      hourOfWeek: TUESDAY_14_HOW,
      mean,
      std,
      median: mean,
      p95: mean + 2 * std,
      p99: mean + 3 * std,
      sampleCount: 60,
    })),
  );
}

/** Three weeks (from Monday 2025-01-06) of 2-minute bandwidth-out samples: 50 Mbps at night, 200 at midday. */
function threeWeekDailyPattern(): MetricSample[] {
  const rng = mulberry32(7);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const samples: MetricSample[] = [];
  const start = Date.UTC(2025, 0, 6);
  for (let minute = 0; minute < 21 * 1440; minute += 2) {
    const hour = (minute % 1440) / 60;
    const daytime = Math.max(0, Math.sin(((hour - 6) / 14) * Math.PI)); // 06:00–20:00 hump
    const usual = 50e6 + 150e6 * daytime;
    samples.push(sampleAt(new Date(start + minute * 60_000), { bandwidthOutBps: usual * (1 + 0.05 * gaussian()) }));
  }
  return samples;
}

describe("hourOfWeekZScore on a learned daily pattern", () => {
  const baseline = trainBaselineIndex(threeWeekDailyPattern());
  const usual = baseline.get(`bandwidthOutBps:${TUESDAY_14_HOW}`);

  it("learned a Tuesday 14:00 bucket near the daytime level", () => {
    expect(usual?.mean).toBeGreaterThan(150e6);
    expect(usual?.mean).toBeLessThan(210e6);
  });

  it("raises nothing for an ordinary Tuesday 14:00 value", () => {
    const ordinary = (usual?.mean ?? 0) * 1.04;
    expect(detect({ sample: sampleAt(TUESDAY_14, { bandwidthOutBps: ordinary }), baseline })).toEqual([]);
  });

  it("raises a critical metric_spike for a 10× spike, explained with observed and usual values", () => {
    const spike = (usual?.mean ?? 0) * 10;
    const [detection, ...rest] = detect({ sample: sampleAt(TUESDAY_14, { bandwidthOutBps: spike }), baseline });
    expect(rest).toEqual([]);
    expect(detection).toMatchObject({
      detector: "hour-of-week-zscore",
      anomalyType: "metric_spike",
      metric: "bandwidthOutBps",
      severity: "critical",
      observed: { value: spike, ts: "2025-01-28T14:00:00.000Z" },
    });
    expect(detection?.score).toBeGreaterThan(8);
    expect(detection?.expected.hourOfWeek).toBe(TUESDAY_14_HOW);
    expect(detection?.explanation).toContain("Bandwidth out");
    expect(detection?.explanation).toContain(formatMetricValue("bandwidthOutBps", spike));
    expect(detection?.explanation).toContain(`the usual ${formatMetricValue("bandwidthOutBps", usual?.mean ?? 0)}`);
    expect(detection?.explanation).toContain("900% above");
    expect(detection?.explanation).toContain("Tuesday 14:00 UTC");
  });

  it("raises a metric_drop when traffic collapses", () => {
    const [detection] = detect({ sample: sampleAt(TUESDAY_14, { bandwidthOutBps: 5e6 }), baseline });
    expect(detection).toMatchObject({ anomalyType: "metric_drop", severity: "critical" });
    expect(detection?.explanation).toMatch(/^Bandwidth out 5 Mbps is 9\d% below the usual/);
    expect(detection?.dedupKey).toBeUndefined();
  });
});

describe("hourOfWeekZScore explanation and expected range", () => {
  it("reads like the product copy, the normal range being the usual ± 5σ by default", () => {
    const baseline = handBaseline({ bandwidthOutBps: { mean: 207e6, std: 21.75e6 } });
    const [detection] = detect({ sample: sampleAt(TUESDAY_14, { bandwidthOutBps: 910.8e6 }), baseline });
    expect(detection?.explanation).toBe(
      "Bandwidth out 911 Mbps is 340% above the usual 207 Mbps for Tuesday 14:00 UTC (z = 32.4, normal range 98.3–316 Mbps).",
    );
    expect(detection?.expected).toEqual({
      mean: 207e6,
      std: 21.75e6,
      low: 98.25e6,
      high: 315.75e6,
      median: 207e6,
      p95: 207e6 + 43.5e6,
      p99: 207e6 + 65.25e6,
      hourOfWeek: TUESDAY_14_HOW,
      sampleCount: 60,
    });
  });

  it("draws the normal range at the configured threshold", () => {
    const baseline = handBaseline({ bandwidthOutBps: { mean: 207e6, std: 21.75e6 } });
    const sample = sampleAt(TUESDAY_14, { bandwidthOutBps: 910.8e6 });
    const [detection] = detect({ sample, baseline }, { threshold: 4 });
    expect(detection?.explanation).toContain("(z = 32.4, normal range 120–294 Mbps).");
    expect(detection?.expected).toMatchObject({ low: 120e6, high: 294e6 });
  });

  it("talks in percentage points for percentage metrics and clamps the range at 100", () => {
    const baseline = handBaseline({ cpuPct: { mean: 40, std: 2 } });
    const [detection] = detect({ sample: sampleAt(TUESDAY_14, { cpuPct: 98 }), baseline });
    expect(detection?.explanation).toBe(
      "CPU 98.0% is 58.0 points above the usual 40.0% for Tuesday 14:00 UTC (z = 29.0, normal range 30.0–50.0%).",
    );
    const [high] = detect({
      sample: sampleAt(TUESDAY_14, { cpuPct: 40 }),
      baseline: handBaseline({ cpuPct: { mean: 97, std: 2 } }),
    });
    expect(high?.expected.high).toBe(100);
    expect(high?.anomalyType).toBe("metric_drop");
  });

  it("clamps the low end of the range at zero", () => {
    const baseline = handBaseline({ bandwidthInBps: { mean: 10e6, std: 5e6 } });
    const [detection] = detect({ sample: sampleAt(TUESDAY_14, { bandwidthInBps: 100e6 }), baseline });
    expect(detection?.expected.low).toBe(0);
    expect(detection?.expected.high).toBe(35e6);
  });

  it("omits a percentage change when the usual value is zero", () => {
    const baseline = handBaseline({ flowsPerSec: { mean: 0, std: 0 } });
    const [detection] = detect({ sample: sampleAt(TUESDAY_14, { flowsPerSec: 50 }), baseline });
    expect(detection?.explanation).toMatch(/^Flows\/s 50 flows\/s is above the usual 0 flows\/s for/);
  });

  it("says so when it had to fall back to the hour of day", () => {
    const mondayOnly = buildBaselineIndex([
      { metric: "cpuPct", hourOfWeek: 14, mean: 30, std: 1, median: 30, p95: 32, p99: 33, sampleCount: 60 },
    ]);
    const [detection] = detect({ sample: sampleAt(TUESDAY_14, { cpuPct: 90 }), baseline: mondayOnly });
    expect(detection?.expected).toMatchObject({ hourOfWeek: TUESDAY_14_HOW, mean: 30, sampleCount: 60 });
    expect(detection?.explanation).toContain("for 14:00 UTC across the week");
  });
});

describe("hourOfWeekZScore severity (threshold 4, mean 100, std 10)", () => {
  const baseline = handBaseline({ connectionsPerSec: { mean: 100, std: 10 } });
  const THRESHOLD_4 = { threshold: 4 };
  it.each([
    { value: 139.9, expected: null },
    { value: 140, expected: null },
    { value: 140.1, expected: ["metric_spike", "medium"] },
    { value: 160, expected: ["metric_spike", "medium"] },
    { value: 160.1, expected: ["metric_spike", "high"] },
    { value: 180, expected: ["metric_spike", "high"] },
    { value: 180.1, expected: ["metric_spike", "critical"] },
    { value: 59.9, expected: ["metric_drop", "medium"] },
    { value: 0, expected: ["metric_drop", "critical"] },
  ])("connections $value → $expected", ({ value, expected }) => {
    const detections = detect({ sample: sampleAt(TUESDAY_14, { connectionsPerSec: value }), baseline }, THRESHOLD_4);
    expect(detections.map((d) => [d.anomalyType, d.severity])).toEqual(expected ? [expected] : []);
  });

  it("a higher configured threshold silences a medium deviation", () => {
    const sample = sampleAt(TUESDAY_14, { connectionsPerSec: 160 });
    expect(detect({ sample, baseline })).toHaveLength(1);
    expect(detect({ sample, baseline }, { threshold: 8 })).toEqual([]);
  });
});

describe("hourOfWeekZScore std floor on near-constant series", () => {
  it.each<{ name: string; metric: MetricName; mean: number; value: number; alerts: boolean }>([
    { name: "memory wobbling 0.3 points around a constant", metric: "memoryPct", mean: 50, value: 50.3, alerts: false },
    { name: "memory 3 points off a constant", metric: "memoryPct", mean: 50, value: 53, alerts: true },
    { name: "bandwidth 1% off a constant 100 Mbps", metric: "bandwidthInBps", mean: 100e6, value: 101e6, alerts: false },
    { name: "bandwidth 10% off a constant 100 Mbps", metric: "bandwidthInBps", mean: 100e6, value: 110e6, alerts: true },
    { name: "0.1% loss on a link that never loses", metric: "packetLossPct", mean: 0, value: 0.1, alerts: false },
    { name: "3% loss on a link that never loses", metric: "packetLossPct", mean: 0, value: 3, alerts: true },
  ])("$name → alerts: $alerts", ({ metric, mean, value, alerts }) => {
    const baseline = handBaseline({ [metric]: { mean, std: 0 } });
    const detections = detect({ sample: sampleAt(TUESDAY_14, { [metric]: value }), baseline });
    expect(detections.length > 0).toBe(alerts);
    for (const d of detections) expect(Number.isFinite(d.score)).toBe(true);
  });
});

describe("hourOfWeekZScore input handling", () => {
  const baseline = handBaseline({ cpuPct: { mean: 20, std: 2 }, bandwidthInBps: { mean: 1e6, std: 1e5 } });

  it("checks only the configured metrics", () => {
    const sample = sampleAt(TUESDAY_14, { cpuPct: 90, bandwidthInBps: 50e6 });
    expect(detect({ sample, baseline }).map((d) => d.metric).sort()).toEqual(["bandwidthInBps", "cpuPct"]);
    expect(detect({ sample, baseline }, { metrics: ["cpuPct"] }).map((d) => d.metric)).toEqual(["cpuPct"]);
  });

  it("skips null and NaN values and metrics without a baseline", () => {
    const sample = sampleAt(TUESDAY_14, { cpuPct: Number.NaN, bandwidthInBps: null, memoryPct: 99 });
    expect(detect({ sample, baseline })).toEqual([]);
  });

  it("raises nothing against an empty baseline", () => {
    expect(detect({ sample: sampleAt(TUESDAY_14, { cpuPct: 100 }), baseline: new Map() })).toEqual([]);
  });

  it.each([
    { name: "zero threshold", overrides: { threshold: 0 } },
    { name: "negative threshold", overrides: { threshold: -1 } },
    { name: "negative minStd", overrides: { minStd: -0.1 } },
    { name: "unknown metric", overrides: { metrics: ["temperature"] } },
    { name: "a non-boolean enabled", overrides: { enabled: "yes" } },
  ])("rejects config with $name", ({ overrides }) => {
    expect(() => hourOfWeekZScore.resolveConfig(overrides)).toThrow();
  });

  it("defaults to off, threshold 5 and a 1% relative std floor", () => {
    expect(hourOfWeekZScore.defaultConfig).toEqual({ enabled: false, threshold: 5, minStd: 0.01 });
  });

  it("is off by default: nothing without overrides, even for CPU at 90 % against 20 ± 2 (z = 35)", () => {
    const sample = sampleAt(TUESDAY_14, { cpuPct: 90 });
    const on = offByDefault(hourOfWeekZScore, { sample, baseline }, { threshold: 4 });
    expect(on.map((d) => [d.metric, d.severity])).toEqual([["cpuPct", "critical"]]);
  });

  // mean 100, std 10: at the default threshold 5σ is the edge, high past 7.5σ, critical past 10σ.
  it.each([
    { value: 149.9, expected: null },
    { value: 150, expected: null },
    { value: 150.1, expected: ["metric_spike", "medium"] },
    { value: 175.1, expected: ["metric_spike", "high"] },
    { value: 200.1, expected: ["metric_spike", "critical"] },
    { value: 50.1, expected: null },
    { value: 49.9, expected: ["metric_drop", "medium"] },
  ])("turned on at the default threshold: connections $value against 100 ± 10 → $expected", ({ value, expected }) => {
    const baseline = handBaseline({ connectionsPerSec: { mean: 100, std: 10 } });
    const detections = detect({ sample: sampleAt(TUESDAY_14, { connectionsPerSec: value }), baseline });
    expect(detections.map((d) => [d.anomalyType, d.severity])).toEqual(expected ? [expected] : []);
  });
});
