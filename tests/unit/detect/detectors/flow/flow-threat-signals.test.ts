import { describe, expect, it } from "vitest";
import {
  confirmedOver,
  contributionsOf,
  formatRatio,
  isOffHours,
  metricDeviations,
  relativeRatio,
  sustainedMinutes,
} from "@/lib/detect/detectors/flow/flow-threat-signals";
import { trainBaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { emptyMetricValues, type MetricSample } from "@/lib/telemetry/metrics";

const T0 = Date.parse("2025-02-04T03:10:00Z");
const MINUTE = 60_000;

function sample(minute: number, flows: number | null): MetricSample {
  return { deviceId: 1, ts: new Date(T0 + minute * MINUTE), values: { ...emptyMetricValues(), flowsPerSec: flows } };
}

const high = (s: MetricSample) => (s.values.flowsPerSec ?? 0) > 100;

describe("confirmedOver", () => {
  it.each([
    { name: "no window: the minute alone", recent: undefined, now: 500, expected: true },
    { name: "an empty window: the minute alone", recent: [], now: 500, expected: true },
    { name: "the previous minute agrees", recent: [sample(-2, 10), sample(-1, 500)], now: 500, expected: true },
    { name: "the previous minute disagrees", recent: [sample(-2, 500), sample(-1, 10)], now: 500, expected: false },
    { name: "the previous minute is missing (a gap)", recent: [sample(-3, 10), sample(-2, 10)], now: 500, expected: true },
    { name: "this minute disagrees", recent: [sample(-1, 500)], now: 10, expected: false },
  ])("$name", ({ recent, now, expected }) => {
    expect(confirmedOver({ sample: sample(0, now), ...(recent ? { recent } : {}) }, 2, high)).toBe(expected);
  });

  it("looks back minutes − 1 minutes", () => {
    const recent = [sample(-3, 10), sample(-2, 500), sample(-1, 500)];
    expect(confirmedOver({ sample: sample(0, 500), recent }, 3, high)).toBe(true);
    expect(confirmedOver({ sample: sample(0, 500), recent }, 4, high)).toBe(false);
  });
});

describe("sustainedMinutes", () => {
  it.each([
    { name: "this minute only", recent: [sample(-1, 10)], expected: 1 },
    { name: "a run through the window", recent: [sample(-3, 10), sample(-2, 500), sample(-1, 500)], expected: 3 },
    { name: "stops at a gap", recent: [sample(-4, 500), sample(-3, 500), sample(-1, 500)], expected: 2 },
    { name: "no window", recent: undefined, expected: 1 },
  ])("$name", ({ recent, expected }) => {
    expect(sustainedMinutes({ sample: sample(0, 500), ...(recent ? { recent } : {}) }, high)).toBe(expected);
  });

  it("is 0 when this minute does not hold", () => {
    expect(sustainedMinutes({ sample: sample(0, 10), recent: [sample(-1, 500)] }, high)).toBe(0);
  });
});

describe("metricDeviations", () => {
  // a constant 100 flows/s for two weeks: std 0, so the floors decide
  const history = Array.from({ length: 14 * 24 }, (_, h) => ({
    deviceId: 1,
    ts: new Date(T0 - (h + 1) * 3_600_000),
    values: { ...emptyMetricValues(), flowsPerSec: 100, bandwidthOutBps: 0 },
  }));
  const baseline = trainBaselineIndex(history, { minSamples: 1 });

  it("ratios against the mean and z against the floored std", () => {
    const d = metricDeviations(sample(0, 300), baseline, ["flowsPerSec"]).flowsPerSec!;
    expect(d.ratio).toBeCloseTo(3);
    expect(d.std).toBeCloseTo(1); // 1 % of the mean beats the 0.5 flows/s absolute floor
    expect(d.z).toBeCloseTo(200);
  });

  it("floors a zero mean so the ratio stays finite", () => {
    const s = { ...sample(0, 100), values: { ...sample(0, 100).values, bandwidthOutBps: 5_000 } };
    const d = metricDeviations(s, baseline, ["bandwidthOutBps"]).bandwidthOutBps!;
    expect(d.ratio).toBe(5); // 5 kbps against the 1 kbps floor
  });

  it("skips metrics the sample lacks or the baseline does not know", () => {
    expect(metricDeviations(sample(0, null), baseline, ["flowsPerSec", "cpuPct"])).toEqual({});
  });

  it("relativeRatio treats a missing reference as usual (×1)", () => {
    const d = metricDeviations(sample(0, 300), baseline, ["flowsPerSec"]).flowsPerSec!;
    expect(relativeRatio(d, undefined)).toBeCloseTo(3);
  });
});

describe("contributionsOf", () => {
  it("shares follow the weights, sum to 1 and come largest first; unusable signals are dropped", () => {
    const c = contributionsOf([
      { feature: "a", value: 1, weight: 1 },
      { feature: "b", value: 2, expected: 1, weight: 3 },
      { feature: "c", value: Number.NaN, weight: 5 },
      { feature: "d", value: 1, weight: 0 },
    ]);
    expect(c).toEqual([
      { feature: "b", value: 2, expected: 1, share: 0.75 },
      { feature: "a", value: 1, share: 0.25 },
    ]);
  });

  it("is empty without any weight", () => {
    expect(contributionsOf([{ feature: "a", value: 1, weight: 0 }])).toEqual([]);
  });
});

describe("wording and time", () => {
  it.each([
    [12.7, "×13"],
    [3.14, "×3.1"],
    [1.034, "×1.03"],
    [0.42, "×0.42"],
    [Number.POSITIVE_INFINITY, "×—"],
  ])("formatRatio(%f) = %s", (ratio, text) => {
    expect(formatRatio(ratio)).toBe(text);
  });

  it.each([
    ["2025-02-04T07:59:00Z", true],
    ["2025-02-04T08:00:00Z", false],
    ["2025-02-04T17:59:00Z", false],
    ["2025-02-04T18:00:00Z", true],
    ["2025-02-08T12:00:00Z", true], // Saturday
    ["2025-02-09T12:00:00Z", true], // Sunday
  ])("isOffHours(%s) = %s", (iso, expected) => {
    expect(isOffHours(new Date(iso))).toBe(expected);
  });
});
