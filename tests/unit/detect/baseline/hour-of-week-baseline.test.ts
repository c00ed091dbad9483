import { describe, expect, it } from "vitest";
import { mean, sampleStandardDeviation } from "simple-statistics";
import {
  buildBaselineIndex,
  capBaselineGrowth,
  expectedFor,
  trainBaselineIndex,
  trainHourOfWeekBaseline,
  type BaselineBucket,
  type BaselineKey,
} from "@/lib/detect/baseline/hour-of-week-baseline";
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

  it("computes mean, sample std, median, MAD and type-7 quantiles per bucket, whatever the input order", () => {
    const points = pointsAt(38, [7, 3, 10, 1, 5, 9, 2, 8, 6, 4]);
    const [bucket, ...rest] = trainHourOfWeekBaseline(points);
    expect(rest).toEqual([]);
    expect(bucket).toMatchObject({ hourOfWeek: 38, mean: 5.5, median: 5.5, sampleCount: 10 });
    expect(bucket?.std).toBeCloseTo(3.02765, 5);
    expect(bucket?.p05).toBeCloseTo(1.45, 10);
    expect(bucket?.p25).toBeCloseTo(3.25, 10);
    expect(bucket?.p75).toBeCloseTo(7.75, 10);
    expect(bucket?.p95).toBeCloseTo(9.55, 10);
    expect(bucket?.p99).toBeCloseTo(9.91, 10);
    // |x − 5.5| = 0.5, 0.5, 1.5, 1.5, 2.5, 2.5, …: the median deviation is 2.5, unscaled.
    expect(bucket?.mad).toBe(2.5);
  });

  it("keeps the MAD small when one wild value inflates the std", () => {
    const [bucket] = trainHourOfWeekBaseline(pointsAt(0, [...Array.from({ length: 59 }, (_, i) => 100 + (i % 5)), 1e9]));
    expect(bucket?.std).toBeGreaterThan(1e8);
    expect(bucket?.mad).toBe(1);
    expect(bucket?.median).toBe(102);
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
    expect(bucket).toEqual({
      hourOfWeek: 100,
      mean: 42,
      std: 0,
      median: 42,
      p05: 42,
      p25: 42,
      p75: 42,
      p95: 42,
      p99: 42,
      mad: 0,
      sampleCount: 30,
    });
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
      { hourOfWeek: 7, mean: 3, std: 0, median: 3, p05: 3, p25: 3, p75: 3, p95: 3, p99: 3, mad: 0, sampleCount: 1 },
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

  it.each([
    { name: "null (stored before the columns existed)", legacy: { p05: null, p25: null, p75: null, mad: null } },
    { name: "absent", legacy: {} },
  ])("stands in normal-distribution quartiles and MAD when they are $name", ({ legacy }) => {
    const row = { metric: "cpuPct", hourOfWeek: 38, mean: 40, std: 10, median: 39, p95: 56, p99: 63, sampleCount: 60 };
    const bucket = buildBaselineIndex([{ ...row, ...legacy }]).get("cpuPct:38");
    expect(bucket?.p25).toBeCloseTo(39 - 6.745, 9);
    expect(bucket?.p75).toBeCloseTo(39 + 6.745, 9);
    expect(bucket?.p05).toBeCloseTo(39 - 16.449, 9);
    expect(bucket?.mad).toBeCloseTo(6.745, 9);
    expect(bucket).toMatchObject({ median: 39, p95: 56, p99: 63, sampleCount: 60 });
  });

  it("keeps stored quartiles and MAD, including zeros", () => {
    const row = { metric: "cpuPct", hourOfWeek: 38, mean: 40, std: 10, median: 39, p95: 56, p99: 63, sampleCount: 60 };
    const bucket = buildBaselineIndex([{ ...row, p05: 0, p25: 30, p75: 45, mad: 0 }]).get("cpuPct:38");
    expect(bucket).toMatchObject({ p05: 0, p25: 30, p75: 45, mad: 0 });
  });
});

describe("trainBaselineIndex exclusions (poisoning guard)", () => {
  // Two hours of CPU at 20%, with a confirmed incident at 95% from 14:20 to 14:40 on Monday.
  const start = MONDAY + 14 * HOUR;
  const incident = { start: new Date(start + 20 * 60_000), end: new Date(start + 40 * 60_000) };
  const samples: MetricSample[] = Array.from({ length: 60 }, (_, i) => ({
    deviceId: 1,
    ts: new Date(start + i * 60_000),
    values: { ...emptyMetricValues(), cpuPct: i >= 20 && i < 40 ? 95 : 20 },
  }));

  it("learns the incident as normal without exclusions", () => {
    expect(trainBaselineIndex(samples).get("cpuPct:14")).toMatchObject({ sampleCount: 60, p95: 95 });
  });

  it("skips samples in [start, end) of an excluded range", () => {
    const bucket = trainBaselineIndex(samples, { exclude: [incident] }).get("cpuPct:14");
    expect(bucket).toMatchObject({ sampleCount: 40, mean: 20, std: 0, p95: 20, p99: 20 });
  });

  it.each([
    { name: "the start minute is excluded", range: { start: new Date(start), end: new Date(start + 60_000) }, count: 59 },
    { name: "the end minute is kept", range: { start: new Date(start - HOUR), end: new Date(start) }, count: 60 },
    { name: "an empty list excludes nothing", range: undefined, count: 60 },
  ])("$name", ({ range, count }) => {
    const bucket = trainBaselineIndex(samples, { exclude: range ? [range] : [] }).get("cpuPct:14");
    expect(bucket?.sampleCount).toBe(count);
  });

  it("drops a bucket that falls below minSamples once excluded", () => {
    const whole = { start: new Date(start), end: new Date(start + HOUR) };
    expect(trainBaselineIndex(samples, { exclude: [whole] }).size).toBe(0);
  });

  it("applies to trainHourOfWeekBaseline too", () => {
    const points = samples.map((s) => ({ ts: s.ts, value: s.values.cpuPct ?? Number.NaN }));
    expect(trainHourOfWeekBaseline(points, { exclude: [incident] })[0]).toMatchObject({ sampleCount: 40, mean: 20 });
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

  it("pools quartiles and MAD sample-weighted in the fallback", () => {
    const monday = index.get("cpuPct:14");
    const wednesday = index.get("cpuPct:62");
    const expected = expectedFor(index, "cpuPct", new Date("2025-01-07T14:10:00Z"));
    for (const stat of ["p05", "p25", "p75", "mad"] as const) {
      expect(expected?.[stat]).toBeCloseTo(((monday?.[stat] ?? 0) * 20 + (wednesday?.[stat] ?? 0) * 30) / 50, 9);
    }
  });

  it("falls back to every bucket of the metric when that hour has no data on any day", () => {
    const tuesday15 = new Date("2025-01-07T15:00:00Z");
    const expected = expectedFor(index, "cpuPct", tuesday15);
    const all = [...monday14, ...wednesday14].map((p) => p.value);
    expect(expected).toMatchObject({ source: "global", hourOfWeek: 39, sampleCount: 50 });
    expect(expected?.mean).toBeCloseTo(mean(all), 9);
    expect(expected?.std).toBeCloseTo(sampleStandardDeviation(all), 9);
  });

  it("prefers the same hour of day over the global pool", () => {
    const withOtherHour = buildBaselineIndex([
      ...rows,
      { metric: "cpuPct", hourOfWeek: 100, mean: 900, std: 1, median: 900, p95: 901, p99: 902, sampleCount: 1000 },
    ]);
    expect(expectedFor(withOtherHour, "cpuPct", new Date("2025-01-07T14:10:00Z"))).toMatchObject({
      source: "hour-of-day",
      sampleCount: 50,
    });
  });

  it("returns undefined when the metric has no buckets at all", () => {
    expect(expectedFor(index, "memoryPct", new Date("2025-01-06T14:00:00Z"))).toBeUndefined();
    expect(expectedFor(new Map(), "cpuPct", new Date("2025-01-06T14:00:00Z"))).toBeUndefined();
  });
});

describe("capBaselineGrowth", () => {
  function bucket(median: number, p95: number, hourOfWeek = 38): BaselineBucket {
    return { hourOfWeek, mean: median, std: 1, median, p05: median, p25: median, p75: median, p95, p99: p95, mad: 1, sampleCount: 60 };
  }
  const KEY: BaselineKey = "bandwidthOutBps:38";

  it.each<{ name: string; before: [number, number]; after: [number, number]; held: boolean; growth?: number }>([
    { name: "median +19%", before: [100e6, 150e6], after: [119e6, 150e6], held: false },
    { name: "median +20% exactly", before: [100e6, 150e6], after: [120e6, 150e6], held: false },
    { name: "median +21%", before: [100e6, 150e6], after: [121e6, 150e6], held: true, growth: 0.21 },
    { name: "p95 +50% with a steady median", before: [100e6, 150e6], after: [100e6, 225e6], held: true, growth: 0.5 },
    { name: "larger of median and p95 growth", before: [100e6, 100e6], after: [130e6, 200e6], held: true, growth: 1 },
    { name: "halving (shrinking is accepted)", before: [100e6, 150e6], after: [50e6, 75e6], held: false },
    { name: "both below the 1 kbps floor", before: [0, 200], after: [500, 900], held: false },
    { name: "from zero to 10 kbps (growth over the floor)", before: [0, 0], after: [10_000, 10_000], held: true, growth: 10 },
  ])("$name → held: $held", ({ before, after, held, growth }) => {
    const previous = new Map([[KEY, bucket(...before)]]);
    const proposed = bucket(...after);
    const result = capBaselineGrowth(previous, new Map([[KEY, proposed]]));
    expect(result.accepted.get(KEY)).toBe(held ? previous.get(KEY) : proposed);
    expect(result.held.map((h) => h.key)).toEqual(held ? [KEY] : []);
    if (growth !== undefined) expect(result.held[0]?.growth).toBeCloseTo(growth, 9);
    for (const h of result.held) expect(h).toMatchObject({ previous: previous.get(KEY), proposed });
  });

  it("accepts everything without a previous index", () => {
    const next = new Map<BaselineKey, BaselineBucket>([[KEY, bucket(1e9, 2e9)]]);
    expect(capBaselineGrowth(undefined, next)).toEqual({ accepted: next, held: [] });
  });

  it("accepts a bucket the previous index did not have and leaves out buckets no longer trained", () => {
    const previous = new Map<BaselineKey, BaselineBucket>([["cpuPct:1", bucket(10, 20, 1)]]);
    const next = new Map<BaselineKey, BaselineBucket>([[KEY, bucket(1e9, 2e9)]]);
    const { accepted, held } = capBaselineGrowth(previous, next);
    expect([...accepted.keys()]).toEqual([KEY]);
    expect(held).toEqual([]);
  });

  it("uses a configured maxGrowth", () => {
    const previous = new Map([[KEY, bucket(100e6, 150e6)]]);
    const next = new Map([[KEY, bucket(140e6, 150e6)]]);
    expect(capBaselineGrowth(previous, next).held).toHaveLength(1);
    expect(capBaselineGrowth(previous, next, { maxGrowth: 0.5 }).held).toEqual([]);
  });

  it.each([-0.1, Number.NaN, Number.POSITIVE_INFINITY])("rejects maxGrowth %s", (maxGrowth) => {
    expect(() => capBaselineGrowth(undefined, new Map(), { maxGrowth })).toThrow(RangeError);
  });
});
