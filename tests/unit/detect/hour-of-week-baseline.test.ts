import { describe, expect, it } from "vitest";
import { mean, sampleStandardDeviation } from "simple-statistics";
import {
  buildBaselineIndex,
  expectedFor,
  trainBaselineIndex,
  trainHourOfWeekBaseline,
} from "@/lib/detect/hour-of-week-baseline";
import { emptyMetricValues, type MetricSample } from "@/lib/telemetry/metrics";

const MONDAY = Date.UTC(2025, 0, 6);
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

/** `values` spread over the minutes of hour-of-week `how` (week after week if more than 60). */
function pointsAt(how: number, values: number[]): { ts: Date; value: number }[] {
  return values.map((value, i) => ({
    ts: new Date(MONDAY + Math.floor(i / 60) * WEEK + how * HOUR + (i % 60) * 60_000),
    value,
  }));
}

describe("trainHourOfWeekBaseline", () => {
  it("returns no buckets for no data", () => {
    expect(trainHourOfWeekBaseline([])).toEqual([]);
  });

  it("computes mean, sample std, median and type-7 quantiles per bucket, whatever the input order", () => {
    const points = pointsAt(38, [7, 3, 10, 1, 5, 9, 2, 8, 6, 4]);
    const [bucket, ...rest] = trainHourOfWeekBaseline(points);
    expect(rest).toEqual([]);
    expect(bucket).toMatchObject({ hourOfWeek: 38, mean: 5.5, median: 5.5, sampleCount: 10 });
    expect(bucket?.std).toBeCloseTo(3.02765, 5);
    expect(bucket?.p95).toBeCloseTo(9.55, 10);
    expect(bucket?.p99).toBeCloseTo(9.91, 10);
  });

  it("ignores NaN and infinite values and invalid timestamps", () => {
    const points = [
      ...pointsAt(0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      { ts: new Date(MONDAY), value: Number.NaN },
      { ts: new Date(MONDAY), value: Number.POSITIVE_INFINITY },
      { ts: new Date(MONDAY), value: Number.NEGATIVE_INFINITY },
      { ts: new Date("garbage"), value: 1_000 },
    ];
    const [bucket] = trainHourOfWeekBaseline(points);
    expect(bucket).toMatchObject({ hourOfWeek: 0, sampleCount: 10, mean: 5.5 });
  });

  it("gives a constant series zero spread", () => {
    const [bucket] = trainHourOfWeekBaseline(pointsAt(100, Array<number>(30).fill(42)));
    expect(bucket).toEqual({ hourOfWeek: 100, mean: 42, std: 0, median: 42, p95: 42, p99: 42, sampleCount: 30 });
  });

  it("omits a bucket with fewer than the default 10 samples and keeps one that has 10", () => {
    const points = [...pointsAt(5, Array<number>(9).fill(1)), ...pointsAt(6, Array<number>(10).fill(1))];
    expect(trainHourOfWeekBaseline(points).map((b) => b.hourOfWeek)).toEqual([6]);
  });

  it.each([
    { minSamples: 3, kept: [5, 6] },
    { minSamples: 10, kept: [6] },
    { minSamples: 11, kept: [] },
  ])("minSamples $minSamples keeps buckets $kept", ({ minSamples, kept }) => {
    const points = [...pointsAt(5, [1, 2, 3]), ...pointsAt(6, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])];
    expect(trainHourOfWeekBaseline(points, { minSamples }).map((b) => b.hourOfWeek)).toEqual(kept);
  });

  it("a single sample (minSamples 1) has zero std instead of throwing", () => {
    expect(trainHourOfWeekBaseline(pointsAt(7, [3]), { minSamples: 1 })).toEqual([
      { hourOfWeek: 7, mean: 3, std: 0, median: 3, p95: 3, p99: 3, sampleCount: 1 },
    ]);
  });

  it("puts Sunday 23:30 in bucket 167 and pools the same hour across weeks, ordered by hour", () => {
    const points = [
      ...pointsAt(167, Array.from({ length: 120 }, (_, i) => (i < 60 ? 10 : 20))),
      ...pointsAt(0, Array<number>(10).fill(5)),
    ];
    const buckets = trainHourOfWeekBaseline(points);
    expect(buckets.map((b) => [b.hourOfWeek, b.sampleCount, b.mean])).toEqual([
      [0, 10, 5],
      [167, 120, 15],
    ]);
  });
});

describe("trainBaselineIndex / buildBaselineIndex", () => {
  const samples: MetricSample[] = Array.from({ length: 20 }, (_, i) => ({
    deviceId: 1,
    ts: new Date(MONDAY + 38 * HOUR + i * 60_000),
    values: { ...emptyMetricValues(), cpuPct: 40 + (i % 5), memoryPct: i === 3 ? Number.NaN : 60 },
  }));

  it("trains every reported metric and skips metrics that are always null", () => {
    const index = trainBaselineIndex(samples);
    expect([...index.keys()].sort()).toEqual(["cpuPct:38", "memoryPct:38"]);
    expect(index.get("cpuPct:38")).toMatchObject({ mean: 42, sampleCount: 20 });
    expect(index.get("memoryPct:38")).toMatchObject({ mean: 60, std: 0, sampleCount: 19 });
  });

  it("rebuilds the same index from stored rows and skips rows of unknown metrics", () => {
    const trained = trainBaselineIndex(samples);
    const rows = [
      ...[...trained].map(([key, bucket]) => ({ ...bucket, metric: key.split(":")[0] ?? "", deviceId: 1, version: 3 })),
      { metric: "temperatureC", hourOfWeek: 38, mean: 1, std: 1, median: 1, p95: 1, p99: 1, sampleCount: 99 },
    ];
    expect(buildBaselineIndex(rows)).toEqual(trained);
  });
});

describe("expectedFor", () => {
  const monday14 = pointsAt(14, Array.from({ length: 20 }, (_, i) => 100 + i));
  const wednesday14 = pointsAt(2 * 24 + 14, Array.from({ length: 30 }, (_, i) => 200 + 2 * i));
  const rows = [...trainHourOfWeekBaseline([...monday14, ...wednesday14])].map((b) => ({ ...b, metric: "cpuPct" }));
  const index = buildBaselineIndex(rows);

  it("uses the exact hour-of-week bucket when there is one", () => {
    const expected = expectedFor(index, "cpuPct", new Date("2025-01-06T14:45:00Z"));
    expect(expected).toMatchObject({ source: "hour-of-week", hourOfWeek: 14, sampleCount: 20, mean: 109.5 });
  });

  it("falls back to the same hour of day pooled over the week, with the exact pooled mean and std", () => {
    const tuesday = new Date("2025-01-07T14:10:00Z");
    const expected = expectedFor(index, "cpuPct", tuesday);
    const all = [...monday14, ...wednesday14].map((p) => p.value);
    expect(expected?.source).toBe("hour-of-day");
    expect(expected?.hourOfWeek).toBe(38);
    expect(expected?.sampleCount).toBe(50);
    expect(expected?.mean).toBeCloseTo(mean(all), 9);
    expect(expected?.std).toBeCloseTo(sampleStandardDeviation(all), 9);
  });

  it("returns undefined when that hour has no data on any day, or the metric has none", () => {
    expect(expectedFor(index, "cpuPct", new Date("2025-01-07T15:00:00Z"))).toBeUndefined();
    expect(expectedFor(index, "memoryPct", new Date("2025-01-06T14:00:00Z"))).toBeUndefined();
    expect(expectedFor(new Map(), "cpuPct", new Date("2025-01-06T14:00:00Z"))).toBeUndefined();
  });
});
