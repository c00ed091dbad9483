// Per-device "what is normal at this hour of the week" statistics. Pure: points in, buckets out.
import { mean, medianSorted, quantileSorted, sampleStandardDeviation } from "simple-statistics";
import { HOURS_PER_WEEK, hourOfWeek } from "@/lib/detect/hour-of-week";
import { isMetricName, METRICS, type MetricName, type MetricSample } from "@/lib/telemetry/metrics";

export interface BaselineBucket {
  hourOfWeek: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single sample. */
  std: number;
  median: number;
  p95: number;
  p99: number;
  sampleCount: number;
}

export interface BaselineOptions {
  /** Buckets with fewer finite values are omitted (default 10). */
  minSamples?: number;
}

export const DEFAULT_MIN_SAMPLES = 10;

export type BaselineKey = `${MetricName}:${number}`;

/** One device's baselines, keyed `${metric}:${hourOfWeek}`. */
export type BaselineIndex = ReadonlyMap<BaselineKey, BaselineBucket>;

/** A bucket as stored (e.g. a Prisma `Baseline` row); `metric` is a plain string there. */
export type BaselineRow = BaselineBucket & { metric: string };

/** What a detector compares against: a bucket, or a pooled stand-in when the bucket is missing. */
export interface ExpectedBucket extends BaselineBucket {
  source: "hour-of-week" | "hour-of-day";
}

export function baselineKey(metric: MetricName, how: number): BaselineKey {
  return `${metric}:${how}`;
}

/** One bucket per hour-of-week that has at least `minSamples` finite values, ordered by hour. */
export function trainHourOfWeekBaseline(
  points: readonly { ts: Date; value: number }[],
  options: BaselineOptions = {},
): BaselineBucket[] {
  const groups = emptyGroups();
  for (const point of points) {
    if (!Number.isFinite(point.value) || !Number.isFinite(point.ts.getTime())) continue;
    groups[hourOfWeek(point.ts)]?.push(point.value);
  }
  return summarizeGroups(groups, resolveMinSamples(options));
}

/** Trains every metric from one device's samples at once (nulls and non-finite values ignored). */
export function trainBaselineIndex(
  samples: readonly MetricSample[],
  options: BaselineOptions = {},
): Map<BaselineKey, BaselineBucket> {
  const minSamples = resolveMinSamples(options);
  const index = new Map<BaselineKey, BaselineBucket>();
  for (const metric of METRICS) {
    const groups = emptyGroups();
    for (const sample of samples) {
      const value = sample.values[metric];
      if (value === null || !Number.isFinite(value) || !Number.isFinite(sample.ts.getTime())) continue;
      groups[hourOfWeek(sample.ts)]?.push(value);
    }
    for (const bucket of summarizeGroups(groups, minSamples)) {
      index.set(baselineKey(metric, bucket.hourOfWeek), bucket);
    }
  }
  return index;
}

/** Builds the lookup from stored rows; rows naming an unknown metric are skipped. */
export function buildBaselineIndex(rows: Iterable<BaselineRow>): Map<BaselineKey, BaselineBucket> {
  const index = new Map<BaselineKey, BaselineBucket>();
  for (const row of rows) {
    if (!isMetricName(row.metric)) continue;
    const { hourOfWeek: how, mean: m, std, median, p95, p99, sampleCount } = row;
    index.set(baselineKey(row.metric, how), { hourOfWeek: how, mean: m, std, median, p95, p99, sampleCount });
  }
  return index;
}

/**
 * The expected statistics for `metric` at `ts`. When that hour-of-week has no bucket (too little
 * data), falls back to the same hour of day pooled across the other days of the week: mean and
 * variance are pooled exactly (the between-day spread widens the std, which errs towards fewer
 * alerts); median/p95/p99 are sample-weighted averages, an approximation. Undefined when the hour
 * has no data on any day.
 */
export function expectedFor(index: BaselineIndex, metric: MetricName, ts: Date): ExpectedBucket | undefined {
  const how = hourOfWeek(ts);
  const exact = index.get(baselineKey(metric, how));
  if (exact) return { ...exact, source: "hour-of-week" };

  const sameHour: BaselineBucket[] = [];
  for (let day = 0; day < 7; day++) {
    const bucket = index.get(baselineKey(metric, day * 24 + (how % 24)));
    if (bucket && bucket.sampleCount > 0) sameHour.push(bucket);
  }
  if (sameHour.length === 0) return undefined;

  let n = 0;
  let weightedMean = 0;
  let median = 0;
  let p95 = 0;
  let p99 = 0;
  for (const b of sameHour) {
    n += b.sampleCount;
    weightedMean += b.sampleCount * b.mean;
    median += b.sampleCount * b.median;
    p95 += b.sampleCount * b.p95;
    p99 += b.sampleCount * b.p99;
  }
  const pooledMean = weightedMean / n;
  let squares = 0;
  for (const b of sameHour) {
    squares += (b.sampleCount - 1) * b.std * b.std + b.sampleCount * (b.mean - pooledMean) ** 2;
  }
  return {
    hourOfWeek: how,
    mean: pooledMean,
    std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    median: median / n,
    p95: p95 / n,
    p99: p99 / n,
    sampleCount: n,
    source: "hour-of-day",
  };
}

function resolveMinSamples(options: BaselineOptions): number {
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
  if (!Number.isFinite(minSamples)) throw new RangeError("minSamples must be a finite number");
  // A bucket needs at least one value to have any statistics at all.
  return Math.max(1, Math.ceil(minSamples));
}

function emptyGroups(): number[][] {
  return Array.from({ length: HOURS_PER_WEEK }, () => []);
}

function summarizeGroups(groups: number[][], minSamples: number): BaselineBucket[] {
  const buckets: BaselineBucket[] = [];
  groups.forEach((values, how) => {
    if (values.length < minSamples) return;
    const sorted = values.sort((a, b) => a - b);
    buckets.push({
      hourOfWeek: how,
      mean: mean(sorted),
      std: sorted.length > 1 ? sampleStandardDeviation(sorted) : 0,
      median: medianSorted(sorted),
      p95: quantileSorted(sorted, 0.95),
      p99: quantileSorted(sorted, 0.99),
      sampleCount: sorted.length,
    });
  });
  return buckets;
}
