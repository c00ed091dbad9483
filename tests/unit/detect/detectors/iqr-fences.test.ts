import { describe, expect, it } from "vitest";
import { buildBaselineIndex, trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { iqrFences } from "@/lib/detect/detectors/iqr-fences";
import { emptyMetricValues, type MetricName, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";
import { offByDefault, turnedOn } from "./opt-in-fixtures";

const TUESDAY_14 = new Date("2025-01-28T14:00:00Z"); // hour-of-week 38
const TUESDAY_14_HOW = 38;
const DEVICE = 42;

function sampleAt(ts: Date, values: Partial<MetricValues>): MetricSample {
  return { deviceId: DEVICE, ts, values: { ...emptyMetricValues(), ...values } };
}

/** One hand-set Tuesday 14:00 bucket per metric from its quartiles. */
function handBaseline(buckets: Partial<Record<MetricName, { p25: number; median: number; p75: number }>>): BaselineIndex {
  return buildBaselineIndex(
    Object.entries(buckets).map(([metric, { p25, median, p75 }]) => ({
      metric,
      hourOfWeek: TUESDAY_14_HOW,
      mean: median,
      std: (p75 - p25) / 1.349,
      median,
      p05: p25,
      p25,
      p75,
      p95: p75,
      p99: p75,
      mad: (p75 - p25) / 2,
      sampleCount: 60,
    })),
  );
}

/** Off by default since the adaptive-baseline detector replaced it: its logic is tested turned on. */
const on = turnedOn(iqrFences);
const run = (values: Partial<MetricValues>, baseline: BaselineIndex, overrides: Record<string, unknown> = {}) =>
  on({ sample: sampleAt(TUESDAY_14, values), baseline }, overrides);

describe("iqrFences severity (k 3, quartiles 90–110, so IQR 20 and fences 30–170)", () => {
  const baseline = handBaseline({ connectionsPerSec: { p25: 90, median: 100, p75: 110 } });
  const K_3 = { k: 3 };
  // Score is the distance from the nearer quartile in IQRs: the fence is at 3, high past 4.5, critical past 6.
  it.each([
    { value: 100, expected: null, score: null },
    { value: 170, expected: null, score: null },
    { value: 170.2, expected: ["metric_spike", "medium"], score: 3.01 },
    { value: 200, expected: ["metric_spike", "medium"], score: 4.5 },
    { value: 200.2, expected: ["metric_spike", "high"], score: 4.51 },
    { value: 230.2, expected: ["metric_spike", "critical"], score: 6.01 },
    { value: 30, expected: null, score: null },
    { value: 29.8, expected: ["metric_drop", "medium"], score: 3.01 },
    { value: 0, expected: ["metric_drop", "medium"], score: 4.5 },
  ])("connections $value → $expected", ({ value, expected, score }) => {
    const detections = run({ connectionsPerSec: value }, baseline, K_3);
    expect(detections.map((d) => [d.anomalyType, d.severity])).toEqual(expected ? [expected] : []);
    if (score !== null) expect(detections[0]?.score).toBeCloseTo(score, 9);
  });

  it("a wider k moves the fences out", () => {
    expect(run({ connectionsPerSec: 200 }, baseline)).toHaveLength(1);
    expect(run({ connectionsPerSec: 200 }, baseline, { k: 5 })).toEqual([]);
  });
});

describe("iqrFences explanation and expected range", () => {
  it("names observed value, the median, how far past which fence, and the fences", () => {
    const baseline = handBaseline({ bandwidthOutBps: { p25: 180e6, median: 200e6, p75: 230e6 } });
    const [detection, ...rest] = run({ bandwidthOutBps: 500e6 }, baseline);
    expect(rest).toEqual([]);
    expect(detection).toMatchObject({
      detector: "iqr-fences",
      anomalyType: "metric_spike",
      metric: "bandwidthOutBps",
      severity: "medium",
      observed: { value: 500e6, ts: "2025-01-28T14:00:00.000Z" },
    });
    // Default k 4: fences 180 − 200 (clamped to 0) and 230 + 200; 500 is 5.4 IQR above p75.
    expect(detection?.explanation).toBe(
      "Bandwidth out 500 Mbps is 150% above the median 200 Mbps for Tuesday 14:00 UTC (1.4 IQR past the upper fence, fences 0–430 Mbps).",
    );
    expect(detection?.expected).toMatchObject({ low: 0, high: 430e6, median: 200e6, hourOfWeek: TUESDAY_14_HOW, sampleCount: 60 });
    expect(detection?.evidence).toMatchObject({ p25: 180e6, p75: 230e6, iqr: 50e6, k: 4 });
  });

  it("draws the fences at the configured k", () => {
    const baseline = handBaseline({ bandwidthOutBps: { p25: 180e6, median: 200e6, p75: 230e6 } });
    const [detection] = run({ bandwidthOutBps: 500e6 }, baseline, { k: 3 });
    expect(detection?.severity).toBe("high");
    expect(detection?.explanation).toContain("(2.4 IQR past the upper fence, fences 30–380 Mbps).");
    expect(detection?.expected).toMatchObject({ low: 30e6, high: 380e6 });
  });

  it("follows a skewed distribution: a long upper tail widens only the upper fence", () => {
    const baseline = handBaseline({ syslogMessages: { p25: 95, median: 100, p75: 150 } });
    expect(run({ syslogMessages: 60 }, baseline)).toEqual([]); // 40 below the median, still inside
    expect(run({ syslogMessages: 360 }, baseline)).toEqual([]); // upper fence 150 + 4 × 55 = 370
    expect(run({ syslogMessages: 380 }, baseline).map((d) => d.anomalyType)).toEqual(["metric_spike"]);
    expect(run({ syslogMessages: 380 }, baseline)[0]?.expected.low).toBe(0); // clamped: counts are never negative
  });

  it("explains a drop below the lower fence in percentage points for % metrics", () => {
    const baseline = handBaseline({ memoryPct: { p25: 60, median: 62, p75: 64 } });
    const [detection] = run({ memoryPct: 20 }, baseline);
    expect(detection?.anomalyType).toBe("metric_drop");
    expect(detection?.explanation).toBe(
      "Memory 20.0% is 42.0 points below the median 62.0% for Tuesday 14:00 UTC (6.0 IQR past the lower fence, fences 44.0–80.0%).",
    );
  });
});

describe("iqrFences on constant and legacy baselines", () => {
  it.each<{ name: string; metric: MetricName; level: number; value: number; alerts: boolean }>([
    { name: "memory 0.3 points off a constant", metric: "memoryPct", level: 50, value: 50.3, alerts: false },
    { name: "memory 5 points off a constant", metric: "memoryPct", level: 50, value: 55, alerts: true },
    { name: "0.1% loss on a link that never loses", metric: "packetLossPct", level: 0, value: 0.1, alerts: false },
    { name: "3% loss on a link that never loses", metric: "packetLossPct", level: 0, value: 3, alerts: true },
    { name: "the constant value itself", metric: "packetLossPct", level: 0, value: 0, alerts: false },
  ])("constant series (IQR 0): $name → alerts: $alerts", ({ metric, level, value, alerts }) => {
    const baseline = handBaseline({ [metric]: { p25: level, median: level, p75: level } });
    const detections = run({ [metric]: value }, baseline);
    expect(detections.length > 0).toBe(alerts);
    for (const d of detections) expect(Number.isFinite(d.score)).toBe(true);
  });

  it("works from a trained constant series", () => {
    const history = Array.from({ length: 60 }, (_, i) =>
      sampleAt(new Date(TUESDAY_14.getTime() - 7 * 86_400_000 + i * 60_000), { cpuPct: 30 }),
    );
    const baseline = trainBaselineIndex(history);
    expect(run({ cpuPct: 30.5 }, baseline)).toEqual([]);
    expect(run({ cpuPct: 45 }, baseline)).toHaveLength(1);
  });

  it("uses normal stand-in quartiles for rows stored before quartiles existed (median 100, std 10)", () => {
    const legacy = buildBaselineIndex([
      { metric: "latencyMs", hourOfWeek: TUESDAY_14_HOW, mean: 100, std: 10, median: 100, p95: 116, p99: 123, sampleCount: 60 },
    ]);
    // Stand-in quartiles 93.3–106.7 (IQR 13.5) put the k = 3 fences at 52.8–147.2.
    const k3 = { k: 3 };
    expect(run({ latencyMs: 145 }, legacy, k3)).toEqual([]);
    expect(run({ latencyMs: 150 }, legacy, k3).map((d) => d.anomalyType)).toEqual(["metric_spike"]);
    expect(run({ latencyMs: 55 }, legacy, k3)).toEqual([]);
    expect(run({ latencyMs: 50 }, legacy, k3).map((d) => d.anomalyType)).toEqual(["metric_drop"]);
  });
});

describe("iqrFences input handling", () => {
  const baseline = handBaseline({ cpuPct: { p25: 18, median: 20, p75: 22 }, bandwidthInBps: { p25: 0.9e6, median: 1e6, p75: 1.1e6 } });

  it("checks only the configured metrics", () => {
    const values = { cpuPct: 90, bandwidthInBps: 50e6 };
    expect(run(values, baseline).map((d) => d.metric).sort()).toEqual(["bandwidthInBps", "cpuPct"]);
    expect(run(values, baseline, { metrics: ["cpuPct"] }).map((d) => d.metric)).toEqual(["cpuPct"]);
  });

  it("skips null and NaN values and metrics without a baseline", () => {
    expect(run({ cpuPct: Number.NaN, bandwidthInBps: null, memoryPct: 99 }, baseline)).toEqual([]);
  });

  it("raises nothing against an empty baseline", () => {
    expect(run({ cpuPct: 100 }, new Map())).toEqual([]);
  });

  it.each([
    { name: "zero k", overrides: { k: 0 } },
    { name: "infinite k", overrides: { k: Number.POSITIVE_INFINITY } },
    { name: "negative minStd", overrides: { minStd: -1 } },
    { name: "unknown metric", overrides: { metrics: ["temperature"] } },
    { name: "a non-boolean enabled", overrides: { enabled: "yes" } },
  ])("rejects config with $name", ({ overrides }) => {
    expect(() => iqrFences.resolveConfig(overrides)).toThrow();
  });

  it("defaults to off, k 4 and a 1% relative floor", () => {
    expect(iqrFences.defaultConfig).toEqual({ enabled: false, k: 4, minStd: 0.01 });
  });

  it("is off by default: nothing without overrides, even for CPU at 90 % against quartiles 18–22 (17 IQR out)", () => {
    const sample = sampleAt(TUESDAY_14, { cpuPct: 90 });
    const raised = offByDefault(iqrFences, { sample, baseline }, { k: 3 });
    expect(raised.map((d) => [d.metric, d.severity])).toEqual([["cpuPct", "critical"]]);
  });

  // Quartiles 90–110 (IQR 20): at the default k the fences are 10–190, high past 6 IQR, critical past 8.
  it.each([
    { value: 190, expected: null },
    { value: 190.2, expected: ["metric_spike", "medium"] },
    { value: 230.2, expected: ["metric_spike", "high"] },
    { value: 270.2, expected: ["metric_spike", "critical"] },
    { value: 10, expected: null },
    { value: 9.8, expected: ["metric_drop", "medium"] },
  ])("turned on at the default k: connections $value against quartiles 90–110 → $expected", ({ value, expected }) => {
    const quartiles = handBaseline({ connectionsPerSec: { p25: 90, median: 100, p75: 110 } });
    expect(run({ connectionsPerSec: value }, quartiles).map((d) => [d.anomalyType, d.severity])).toEqual(expected ? [expected] : []);
  });
});
