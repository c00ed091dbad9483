import { describe, expect, it } from "vitest";
import { buildBaselineIndex, trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { hourOfWeekZScore } from "@/lib/detect/detectors/hour-of-week-zscore";
import { robustZScore } from "@/lib/detect/detectors/robust-zscore";
import { mulberry32 } from "@/lib/simulator/prng";
import { emptyMetricValues, type MetricName, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";
import { offByDefault, ON, turnedOn } from "./opt-in-fixtures";

const TUESDAY_14 = new Date("2025-01-28T14:00:00Z"); // hour-of-week 38
const TUESDAY_14_HOW = 38;
const DEVICE = 42;

function sampleAt(ts: Date, values: Partial<MetricValues>): MetricSample {
  return { deviceId: DEVICE, ts, values: { ...emptyMetricValues(), ...values } };
}

/** Off by default (like the plain z-score) since the adaptive-baseline detector replaced it: its logic is tested turned on. */
const detect = turnedOn(robustZScore);

/** One hand-set Tuesday 14:00 bucket per metric; `mad` chosen so MAD / 0.6745 is a round number. */
function handBaseline(buckets: Partial<Record<MetricName, { median: number; mad: number }>>): BaselineIndex {
  return buildBaselineIndex(
    Object.entries(buckets).map(([metric, { median, mad }]) => ({
      metric,
      hourOfWeek: TUESDAY_14_HOW,
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

describe("robustZScore against a poisoned baseline", () => {
  // Three Tuesdays at 14:00 of ~100 connections/s, plus one counter glitch of a million.
  const rng = mulberry32(11);
  const history: MetricSample[] = [];
  for (let week = 0; week < 3; week++) {
    for (let minute = 0; minute < 60; minute++) {
      const ts = new Date(TUESDAY_14.getTime() - (week + 1) * 7 * 86_400_000 + minute * 60_000);
      history.push(sampleAt(ts, { connectionsPerSec: 100 + 10 * (rng() - 0.5) }));
    }
  }
  history[17] = sampleAt(history[17]!.ts, { connectionsPerSec: 1e6 });
  const baseline = trainBaselineIndex(history);
  const sample = sampleAt(TUESDAY_14, { connectionsPerSec: 300 });

  it("the plain z-score misses a tripled connection rate: the glitch inflated the std", () => {
    expect(baseline.get("connectionsPerSec:38")?.std).toBeGreaterThan(50_000);
    expect(hourOfWeekZScore.run({ sample, baseline }, ON)).toEqual([]);
  });

  it("the robust z-score still flags it as critical", () => {
    const [detection, ...rest] = detect({ sample, baseline });
    expect(rest).toEqual([]);
    expect(detection).toMatchObject({
      detector: "robust-zscore",
      anomalyType: "metric_spike",
      metric: "connectionsPerSec",
      severity: "critical",
    });
    expect(detection?.expected.median).toBeGreaterThan(95);
    expect(detection?.expected.median).toBeLessThan(105);
    expect(detection?.expected.high).toBeLessThan(150);
  });

  it("stays quiet for an ordinary value", () => {
    expect(detect({ sample: sampleAt(TUESDAY_14, { connectionsPerSec: 104 }), baseline })).toEqual([]);
  });
});

describe("robustZScore explanation and expected range", () => {
  it("names observed value, the median, the change, the hour and the robust z", () => {
    // MAD 6.745 Mbps → robust std 10 Mbps; band 200 ± 6 × 10 (the default threshold).
    const baseline = handBaseline({ bandwidthOutBps: { median: 200e6, mad: 6.745e6 } });
    const [detection] = detect({ sample: sampleAt(TUESDAY_14, { bandwidthOutBps: 500e6 }), baseline });
    expect(detection?.explanation).toBe(
      "Bandwidth out 500 Mbps is 150% above the median 200 Mbps for Tuesday 14:00 UTC (robust z = 30.0, normal range 140–260 Mbps).",
    );
    expect(detection?.score).toBeCloseTo(30, 9);
    expect(detection?.expected).toMatchObject({ median: 200e6, hourOfWeek: TUESDAY_14_HOW, sampleCount: 60 });
    expect(detection?.expected.std).toBeCloseTo(10e6, 0);
    expect(detection?.expected.low).toBeCloseTo(140e6, 0);
    expect(detection?.expected.high).toBeCloseTo(260e6, 0);
    expect(detection?.evidence).toEqual({ mad: 6.745e6, baselineSource: "hour-of-week" });
  });

  it("reports a drop in percentage points and clamps the range at 0 and 100", () => {
    const baseline = handBaseline({ cpuPct: { median: 97, mad: 0.6745 } });
    const [detection] = detect({ sample: sampleAt(TUESDAY_14, { cpuPct: 40 }), baseline });
    expect(detection).toMatchObject({ anomalyType: "metric_drop", severity: "critical" });
    expect(detection?.expected.high).toBe(100);
    expect(detection?.explanation).toMatch(/^CPU 40\.0% is 57\.0 points below the median 97\.0% for Tuesday 14:00 UTC/);
  });

  it("says which fallback level it compared against", () => {
    const mondayOnly = buildBaselineIndex([
      { metric: "cpuPct", hourOfWeek: 14, mean: 30, std: 1, median: 30, p95: 32, p99: 33, sampleCount: 60, mad: 0.6745 },
    ]);
    const [hourOfDay] = detect({ sample: sampleAt(TUESDAY_14, { cpuPct: 90 }), baseline: mondayOnly });
    expect(hourOfDay?.explanation).toContain("for 14:00 UTC across the week");
    const [global] = detect({ sample: sampleAt(new Date("2025-01-28T03:00:00Z"), { cpuPct: 90 }), baseline: mondayOnly });
    expect(global?.explanation).toContain("for any hour of the week");
    expect(global?.evidence).toMatchObject({ baselineSource: "global" });
  });
});

describe("robustZScore severity (threshold 5, median 100, robust std 10)", () => {
  const baseline = handBaseline({ connectionsPerSec: { median: 100, mad: 6.745 } });
  const THRESHOLD_5 = { threshold: 5 };
  it.each([
    { value: 149.9, expected: null },
    { value: 150, expected: null },
    { value: 150.1, expected: ["metric_spike", "medium"] },
    { value: 175.1, expected: ["metric_spike", "high"] },
    { value: 200.1, expected: ["metric_spike", "critical"] },
    { value: 49.9, expected: ["metric_drop", "medium"] },
    { value: 0, expected: ["metric_drop", "high"] },
  ])("connections $value → $expected", ({ value, expected }) => {
    const detections = detect({ sample: sampleAt(TUESDAY_14, { connectionsPerSec: value }), baseline }, THRESHOLD_5);
    expect(detections.map((d) => [d.anomalyType, d.severity])).toEqual(expected ? [expected] : []);
  });

  it("a higher configured threshold silences a medium deviation", () => {
    const sample = sampleAt(TUESDAY_14, { connectionsPerSec: 175 });
    expect(detect({ sample, baseline })).toHaveLength(1);
    expect(detect({ sample, baseline }, { threshold: 8 })).toEqual([]);
  });
});

describe("robustZScore on constant series (MAD 0)", () => {
  it.each<{ name: string; metric: MetricName; median: number; value: number; alerts: boolean }>([
    { name: "memory 0.3 points off a constant", metric: "memoryPct", median: 50, value: 50.3, alerts: false },
    { name: "memory 5 points off a constant", metric: "memoryPct", median: 50, value: 55, alerts: true },
    { name: "bandwidth 2% off a constant 100 Mbps", metric: "bandwidthInBps", median: 100e6, value: 102e6, alerts: false },
    { name: "bandwidth 10% off a constant 100 Mbps", metric: "bandwidthInBps", median: 100e6, value: 110e6, alerts: true },
    { name: "0.1% loss on a link that never loses", metric: "packetLossPct", median: 0, value: 0.1, alerts: false },
    { name: "3% loss on a link that never loses", metric: "packetLossPct", median: 0, value: 3, alerts: true },
  ])("$name → alerts: $alerts", ({ metric, median, value, alerts }) => {
    const baseline = handBaseline({ [metric]: { median, mad: 0 } });
    const detections = detect({ sample: sampleAt(TUESDAY_14, { [metric]: value }), baseline });
    expect(detections.length > 0).toBe(alerts);
    for (const d of detections) expect(Number.isFinite(d.score)).toBe(true);
  });

  it("stays quiet on the constant value itself", () => {
    const baseline = handBaseline({ packetLossPct: { median: 0, mad: 0 } });
    expect(detect({ sample: sampleAt(TUESDAY_14, { packetLossPct: 0 }), baseline })).toEqual([]);
  });
});

describe("robustZScore input handling", () => {
  const baseline = handBaseline({ cpuPct: { median: 20, mad: 1 }, bandwidthInBps: { median: 1e6, mad: 1e5 } });

  it("checks only the configured metrics", () => {
    const sample = sampleAt(TUESDAY_14, { cpuPct: 90, bandwidthInBps: 50e6 });
    expect(detect({ sample, baseline }).map((d) => d.metric).sort()).toEqual(["bandwidthInBps", "cpuPct"]);
    expect(detect({ sample, baseline }, { metrics: ["cpuPct"] }).map((d) => d.metric)).toEqual(["cpuPct"]);
  });

  it("skips null, NaN and infinite values and metrics without a baseline", () => {
    const sample = sampleAt(TUESDAY_14, { cpuPct: Number.NaN, bandwidthInBps: null, memoryPct: 99 });
    expect(detect({ sample, baseline })).toEqual([]);
    expect(detect({ sample: sampleAt(TUESDAY_14, { cpuPct: Number.POSITIVE_INFINITY }), baseline })).toEqual([]);
  });

  it("raises nothing against an empty baseline", () => {
    expect(detect({ sample: sampleAt(TUESDAY_14, { cpuPct: 100 }), baseline: new Map() })).toEqual([]);
  });

  it.each([
    { name: "zero threshold", overrides: { threshold: 0 } },
    { name: "NaN threshold", overrides: { threshold: Number.NaN } },
    { name: "negative minStd", overrides: { minStd: -0.1 } },
    { name: "unknown metric", overrides: { metrics: ["temperature"] } },
    { name: "a non-boolean enabled", overrides: { enabled: "yes" } },
  ])("rejects config with $name", ({ overrides }) => {
    expect(() => robustZScore.resolveConfig(overrides)).toThrow();
  });

  it("defaults to off, threshold 6 and a 1% relative floor", () => {
    expect(robustZScore.defaultConfig).toEqual({ enabled: false, threshold: 6, minStd: 0.01 });
  });

  it("is off by default: nothing without overrides, even for CPU at 90 % against a median of 20 (robust z ≈ 47)", () => {
    const sample = sampleAt(TUESDAY_14, { cpuPct: 90 });
    const on = offByDefault(robustZScore, { sample, baseline }, { threshold: 5 });
    expect(on.map((d) => [d.metric, d.severity])).toEqual([["cpuPct", "critical"]]);
  });

  // median 100, robust std 10: at the default threshold 6 robust σ is the edge, high past 9, critical past 12.
  it.each([
    { value: 159.9, expected: null },
    { value: 160, expected: null },
    { value: 160.1, expected: ["metric_spike", "medium"] },
    { value: 190.1, expected: ["metric_spike", "high"] },
    { value: 220.1, expected: ["metric_spike", "critical"] },
    { value: 40.1, expected: null },
    { value: 39.9, expected: ["metric_drop", "medium"] },
  ])("turned on at the default threshold: connections $value against median 100, robust std 10 → $expected", ({ value, expected }) => {
    const baseline = handBaseline({ connectionsPerSec: { median: 100, mad: 6.745 } });
    const detections = detect({ sample: sampleAt(TUESDAY_14, { connectionsPerSec: value }), baseline });
    expect(detections.map((d) => [d.anomalyType, d.severity])).toEqual(expected ? [expected] : []);
  });
});
