import { describe, expect, it } from "vitest";
import { mean, sampleStandardDeviation } from "simple-statistics";
import {
  buildBaselineIndex,
  bucketGrowth,
  capBaselineGrowth,
  DEFAULT_NOISE_K,
  expectedFor,
  trainBaselineIndex,
  trainHourOfWeekBaseline,
  type BaselineBucket,
  type BaselineKey,
} from "@/lib/detect/baseline/hour-of-week-baseline";
import { mulberry32 } from "@/lib/simulator/prng";
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
  // Buckets of 1,000 samples: sampling noise is far below these changes, so the relative cap decides.
  function bucket(median: number, p95: number, hourOfWeek = 38): BaselineBucket {
    return { hourOfWeek, mean: median, std: 1, median, p05: median, p25: median, p75: median, p95, p99: p95, mad: 1, sampleCount: 1000 };
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

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("rejects noiseK %s", (noiseK) => {
    expect(() => capBaselineGrowth(undefined, new Map(), { noiseK })).toThrow(RangeError);
  });
});

describe("capBaselineGrowth against sampling noise", () => {
  type Draw = (u: () => number) => number;
  const gauss = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const normal = (mean: number, sd: number): Draw => (u) => Math.max(0, mean + sd * gauss(u));
  const lognormal = (median: number, shape: number): Draw => (u) => median * Math.exp(shape * gauss(u));

  /** One hour-of-week bucket (hour 38) trained from `n` values of `draw`, times `scale`. */
  function trainedBucket(u: () => number, draw: Draw, n: number, scale = 1): BaselineBucket {
    const values = Array.from({ length: n }, () => scale * draw(u));
    return trainHourOfWeekBaseline(pointsAt(38, values), { minSamples: 1 })[0]!;
  }

  /** Retrains `proposals` one after another, each capped against the bucket then in use. */
  function retrainSeries(key: BaselineKey, first: BaselineBucket, proposals: BaselineBucket[], options = {}) {
    let inUse = first;
    return proposals.map((proposed) => {
      const reference = inUse;
      const { accepted, held } = capBaselineGrowth(new Map([[key, reference]]), new Map([[key, proposed]]), options);
      inUse = accepted.get(key)!;
      return { reference, proposed, held: held.length > 0, inUse, growth: bucketGrowth(key.split(":")[0] as "cpuPct", reference, proposed) };
    });
  }

  // Every retrain draws a fresh bucket from the same distribution: the proposals fluctuate around one
  // level, their p95 by well over ±30 %, and the plain 20 % cap holds many of them.
  it.each<{ name: string; key: BaselineKey; draw: Draw; n: number; seed: number }>([
    { name: "latency, lognormal, 12 samples (5-minute polling, one week)", key: "latencyMs:38", draw: lognormal(20, 0.5), n: 12, seed: 1 },
    { name: "flows/s, lognormal, 24 samples (5-minute polling, two weeks)", key: "flowsPerSec:38", draw: lognormal(40, 0.6), n: 24, seed: 2 },
    { name: "cpu %, lognormal, 12 samples", key: "cpuPct:38", draw: lognormal(8, 0.8), n: 12, seed: 3 },
    { name: "connections/s near the 0.5 floor, 12 samples", key: "connectionsPerSec:38", draw: lognormal(1, 0.7), n: 12, seed: 4 },
  ])("thin noisy bucket, $name: 60 retrains, never held", ({ key, draw, n, seed }) => {
    const u = mulberry32(seed);
    const first = trainedBucket(u, draw, n);
    const proposals = Array.from({ length: 60 }, () => trainedBucket(u, draw, n));
    const series = retrainSeries(key, first, proposals);
    expect(series.filter((r) => r.held)).toEqual([]);
    // The test means something: p95 swings by more than ±30 % against the bucket in use, and the
    // plain relative cap (noiseK 0) would have held several proposals.
    const p95Change = series.map((r) => r.proposed.p95 / r.reference.p95 - 1);
    expect(Math.max(...p95Change)).toBeGreaterThan(0.3);
    expect(Math.min(...p95Change)).toBeLessThan(-0.3);
    expect(retrainSeries(key, first, proposals, { noiseK: 0 }).filter((r) => r.held).length).toBeGreaterThan(3);
  });

  // A level that doubled and stays doubled: held at every retrain against the same bucket in use (for
  // the analyst), and released by the first proposal back at the old level.
  it.each<{ name: string; key: BaselineKey; draw: Draw; n: number; seed: number }>([
    { name: "memory %, normal σ = 15 % of the level, 12 samples", key: "memoryPct:38", draw: normal(30, 4.5), n: 12, seed: 11 },
    { name: "latency, lognormal, 24 samples", key: "latencyMs:38", draw: lognormal(20, 0.25), n: 24, seed: 12 },
    { name: "bandwidth, lognormal, 120 samples (1-minute rollups, two weeks)", key: "bandwidthOutBps:38", draw: lognormal(50e6, 0.5), n: 120, seed: 13 },
  ])("sustained doubling, $name: held at every retrain, released when it comes back", ({ key, draw, n, seed }) => {
    const u = mulberry32(seed);
    const first = trainedBucket(u, draw, n);
    const doubled = Array.from({ length: 8 }, () => trainedBucket(u, draw, n, 2));
    const series = retrainSeries(key, first, [...doubled, trainedBucket(u, draw, n)]);
    for (const r of series.slice(0, 8)) {
      expect(r.held).toBe(true);
      expect(r.inUse).toBe(first);
    }
    expect(series[8]).toMatchObject({ held: false, inUse: series[8]!.proposed });
  });

  // Proposals spread evenly up to ±2.5 standard errors around a level (median and p95 alike): whatever
  // order they come in, so also when the bucket in use is the lowest of them, none is held.
  it("never holds proposals that stay within ±2.5 standard errors of one level, in any order", () => {
    const n = 12;
    const sigma = 10;
    const seMedian = (1.2533 * sigma) / Math.sqrt(n);
    const seP95 = (2.113 * sigma) / Math.sqrt(n);
    const at = (d: number): BaselineBucket => ({
      hourOfWeek: 38, mean: 50, std: sigma, median: 50 + d * seMedian, p05: 30, p25: 43, p75: 57,
      p95: 66.45 + d * seP95, p99: 73.26 + d * seP95, mad: 0.6745 * sigma, sampleCount: n,
    });
    const steps = [-2.5, -1.5, -0.5, 0, 0.5, 1.5, 2.5];
    for (const a of steps) {
      for (const b of steps) {
        const { held } = capBaselineGrowth(new Map([["memoryPct:38", at(a)]]), new Map([["memoryPct:38", at(b)]]));
        expect(held, `from ${a} to ${b} standard errors`).toEqual([]);
      }
    }
    // …whereas a jump of 6 standard errors of a single bucket (≈ 4.2 of the change) is held.
    expect(capBaselineGrowth(new Map([["memoryPct:38", at(-3)]]), new Map([["memoryPct:38", at(3)]])).held).toHaveLength(1);
  });

  function stats(median: number, p95: number, mad: number, sampleCount: number): BaselineBucket {
    return { hourOfWeek: 38, mean: median, std: mad / 0.6745, median, p05: median, p25: median, p75: median, p95, p99: p95, mad, sampleCount };
  }
  const legacy = buildBaselineIndex([
    // Stored before p05/p25/p75/mad existed: σ comes from std (10), through mad = 0.6745 std.
    { metric: "cpuPct", hourOfWeek: 38, mean: 40, std: 10, median: 40, p95: 56, p99: 63, sampleCount: 12 },
  ]).get("cpuPct:38")!;

  it.each<{ name: string; key: BaselineKey; before: BaselineBucket; after: BaselineBucket; held: boolean; standardErrors?: number }>([
    // median +23 %, σ = 10/0.6745 = 14.83: 23 / (1.2533 · 14.83 · √(1/12 + 1/12)) = 3.0 standard errors
    { name: "median +23 % in a thin bucket (12 + 12 samples)", key: "memoryPct:38", before: stats(100, 130, 10, 12), after: stats(123, 150, 10, 12), held: false },
    // 60 + 12 samples: 23 / (1.2533 · 14.83 · √(1/60 + 1/12)) = 3.9
    { name: "median +23 %, 60 samples before and 12 now", key: "memoryPct:38", before: stats(100, 130, 10, 60), after: stats(123, 150, 10, 12), held: false },
    // 60 + 60 samples: 6.8
    { name: "median +23 % in full buckets (60 + 60 samples)", key: "memoryPct:38", before: stats(100, 130, 10, 60), after: stats(123, 150, 10, 60), held: true, standardErrors: 6.78 },
    { name: "median +15 %, far beyond noise but within the 20 % cap", key: "memoryPct:38", before: stats(100, 110, 1, 60), after: stats(115, 125, 1, 60), held: false },
    // In a right-skewed bucket the p95's σ is its tail spread, (p95 − median)/1.645 (60.8 before,
    // 109 after +40 %, 182 after doubling), not MAD/0.6745 = 14.8.
    { name: "p95 +40 %, steady median, right-skewed thin bucket", key: "latencyMs:38", before: stats(100, 200, 10, 12), after: stats(100, 280, 10, 12), held: false },
    { name: "p95 doubled, steady median, right-skewed bucket of 60", key: "latencyMs:38", before: stats(100, 200, 10, 60), after: stats(100, 400, 10, 60), held: false },
    { name: "p95 doubled, steady median, right-skewed bucket of 120 (two weeks of minutes)", key: "latencyMs:38", before: stats(100, 200, 10, 120), after: stats(100, 400, 10, 120), held: true },
    { name: "halving (shrinking is accepted)", key: "memoryPct:38", before: stats(100, 130, 1, 60), after: stats(50, 65, 1, 60), held: false },
    { name: "halving in a thin bucket", key: "memoryPct:38", before: stats(100, 130, 10, 12), after: stats(50, 65, 5, 12), held: false },
    // Growth from ~0 is measured against the metric's floor (packet loss: 0.05 %), for size and noise.
    { name: "packet loss 0 → 0.04 % (both below the floor)", key: "packetLossPct:38", before: stats(0, 0, 0, 12), after: stats(0.03, 0.04, 0.01, 12), held: false },
    { name: "packet loss 0 → 0.06 % (past the floor, within its noise)", key: "packetLossPct:38", before: stats(0, 0, 0, 12), after: stats(0.06, 0.06, 0, 12), held: false },
    { name: "packet loss 0 → 2 % (from zero, far beyond noise)", key: "packetLossPct:38", before: stats(0, 0, 0, 12), after: stats(2, 3, 0.2, 12), held: true },
    { name: "old stored row without mad: +25 % is noise", key: "cpuPct:38", before: legacy, after: stats(50, 66, 6.745, 12), held: false },
    { name: "old stored row without mad: doubled is held", key: "cpuPct:38", before: legacy, after: stats(80, 112, 13.49, 12), held: true },
  ])("$name → held: $held", ({ key, before, after, held, standardErrors }) => {
    const result = capBaselineGrowth(new Map([[key, before]]), new Map([[key, after]]));
    expect(result.accepted.get(key)).toBe(held ? before : after);
    expect(result.held.length).toBe(held ? 1 : 0);
    if (standardErrors !== undefined) expect(result.held[0]?.standardErrors).toBeCloseTo(standardErrors, 2);
    for (const h of result.held) expect(h.standardErrors).toBeGreaterThan(DEFAULT_NOISE_K);
  });
});
