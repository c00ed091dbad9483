// Per-device "what is normal at this hour of the week" statistics. Pure: points in, buckets out.
// Terms: a *bucket* summarises one metric at one hour-of-week; a *baseline index* is one device's
// buckets; *held* buckets are retrained ones that grew too much and wait for an analyst's approval.
import {
  mean,
  medianAbsoluteDeviation,
  medianSorted,
  quantileSorted,
  sampleStandardDeviation,
} from "simple-statistics";
import { HOURS_PER_WEEK, hourOfWeek } from "@/lib/detect/baseline/hour-of-week";
import { MIN_STD_ABSOLUTE } from "@/lib/detect/baseline/std-floor";
import { isMetricName, METRICS, type MetricName, type MetricSample } from "@/lib/telemetry/metrics";

export interface BaselineBucket {
  hourOfWeek: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single sample. */
  std: number;
  median: number;
  p05: number;
  p25: number;
  p75: number;
  p95: number;
  p99: number;
  /** Median absolute deviation from the median, unscaled (a normal series has MAD ≈ 0.6745 σ). */
  mad: number;
  sampleCount: number;
}

/** A half-open time range [start, end). */
export interface TimeRange {
  start: Date;
  end: Date;
}

export interface BaselineOptions {
  /** Buckets with fewer finite values are omitted (default 10). */
  minSamples?: number;
  /**
   * Samples with ts in any [start, end) are not learned from: periods of confirmed alerts or labelled
   * incidents, so an attack does not become the new normal.
   */
  exclude?: readonly TimeRange[];
}

export interface GrowthCapOptions {
  /** Largest accepted relative growth of a bucket's median or p95 (default 0.2 = 20 %). */
  maxGrowth?: number;
  /**
   * How many standard errors of sampling noise a growth must also exceed to count (default
   * DEFAULT_NOISE_K = 4).
   */
  noiseK?: number;
}

export const DEFAULT_MAX_GROWTH = 0.2;

/**
 * Standard errors a grown median or p95 must be beyond. Why 4 and not the textbook 2 or 3: each
 * retrain tests the median and the p95 of every bucket of a device (up to 2 × 14 metrics × 168
 * hours ≈ 4,700 one-sided tests), σ comes from as few as 12 values, and a bucket's samples are
 * consecutive minutes of one or two hours, not independent draws, so the formula understates the
 * real noise. In simulation (buckets of 12, 24 and 60 values from a fixed normal, wide normal or
 * lognormal distribution, 50 retrains in a row) k = 3 still held 0.02–0.4 % of bucket-retrains
 * (several buckets per device per retrain), k = 4 at most 0.04 %. The price: a doubling is held
 * reliably only where it clearly exceeds the bucket's noise. For normal values with σ = 20 % of the
 * level it is held 94 % of the time at 12 samples and always at 24; with σ = 40 % of the level,
 * 25 % at 12, 62 % at 24 and always at 60 samples (k = 3: 58 %, 95 %, always).
 */
export const DEFAULT_NOISE_K = 4;

/** A retrained bucket that grew past the cap; the previous one stays in use until an analyst approves. */
export interface HeldBucket {
  key: BaselineKey;
  previous: BaselineBucket;
  proposed: BaselineBucket;
  /** Relative growth of median or p95, whichever is larger (0.5 = +50 %). */
  growth: number;
  /**
   * How far beyond sampling noise the growth is: the change of the median or p95 (whichever grew past
   * both limits, the larger) in standard errors of that change.
   */
  standardErrors: number;
}

/** How a retrained bucket's median and p95 compare with the previous bucket's. */
interface GrowthAssessment {
  /** Relative growth of median or p95, whichever is larger (as `bucketGrowth`). */
  growth: number;
  /**
   * The change of the median or p95 that grew past both `maxGrowth` and `noiseK` standard errors
   * (the larger if both did), in standard errors; 0 when neither did, so the bucket is held exactly
   * when it is above 0.
   */
  standardErrors: number;
}

export interface CappedBaseline {
  /** What to use now: new buckets, or the previous one where the new one is held. */
  accepted: Map<BaselineKey, BaselineBucket>;
  held: HeldBucket[];
}

export const DEFAULT_MIN_SAMPLES = 10;

export type BaselineKey = `${MetricName}:${number}`;

/** One device's baselines, keyed `${metric}:${hourOfWeek}`. */
export type BaselineIndex = ReadonlyMap<BaselineKey, BaselineBucket>;

/** Statistics added after the first baseline version; stored rows from before lack them. */
type LaterBucketStats = "p05" | "p25" | "p75" | "mad";

/**
 * A bucket as stored (e.g. a Prisma `Baseline` row); `metric` is a plain string there, and rows
 * written before p05/p25/p75/mad existed carry null (or nothing) for them.
 */
export type BaselineRow = Omit<BaselineBucket, LaterBucketStats> &
  Partial<Record<LaterBucketStats, number | null>> & { metric: string };

/**
 * What a detector compares against: the bucket itself, or a stand-in pooled over the same hour of
 * the other days, or over every hour of the metric (`global`) when the hour has no data at all.
 */
export interface ExpectedBucket extends BaselineBucket {
  source: "hour-of-week" | "hour-of-day" | "global";
}

// Normal-distribution quantiles, used to stand in for statistics an old stored row lacks and to turn
// quantile gaps into a σ.
const Z_QUARTILE = 0.6745;
const Z_P05 = 1.6449;
const Z_P95 = Z_P05;
const Z_P99 = 2.3263;

// Standard error of a sample quantile, in units of σ/√n, for normal data: √(p(1−p)) / φ(z_p).
// Median: √(0.25)/φ(0) = √(π/2) ≈ 1.2533; p95: √(0.95·0.05)/φ(1.6449) = 0.2179/0.1031 ≈ 2.113.
const SE_MEDIAN = 1.2533;
const SE_P95 = 2.113;

export function baselineKey(metric: MetricName, how: number): BaselineKey {
  return `${metric}:${how}`;
}

/** One bucket per hour-of-week that has at least `minSamples` finite values, ordered by hour. */
export function trainHourOfWeekBaseline(
  points: readonly { ts: Date; value: number }[],
  options: BaselineOptions = {},
): BaselineBucket[] {
  const groups = emptyGroups();
  const exclude = options.exclude ?? [];
  for (const point of points) {
    if (!Number.isFinite(point.value) || !Number.isFinite(point.ts.getTime())) continue;
    if (isExcluded(point.ts, exclude)) continue;
    groups[hourOfWeek(point.ts)]?.push(point.value);
  }
  return summarizeGroups(groups, resolveMinSamples(options));
}

/**
 * Trains every metric from one device's samples at once (nulls and non-finite values ignored,
 * samples inside `exclude` ranges skipped).
 */
export function trainBaselineIndex(
  samples: readonly MetricSample[],
  options: BaselineOptions = {},
): Map<BaselineKey, BaselineBucket> {
  const minSamples = resolveMinSamples(options);
  const exclude = options.exclude ?? [];
  const usable = samples.filter((s) => Number.isFinite(s.ts.getTime()) && !isExcluded(s.ts, exclude));
  const index = new Map<BaselineKey, BaselineBucket>();
  for (const metric of METRICS) {
    const groups = emptyGroups();
    for (const sample of usable) {
      const value = sample.values[metric];
      if (value === null || !Number.isFinite(value)) continue;
      groups[hourOfWeek(sample.ts)]?.push(value);
    }
    for (const bucket of summarizeGroups(groups, minSamples)) {
      index.set(baselineKey(metric, bucket.hourOfWeek), bucket);
    }
  }
  return index;
}

/**
 * Builds the lookup from stored rows; rows naming an unknown metric are skipped. Rows stored before
 * p05/p25/p75/mad existed get normal-distribution stand-ins from median and std: p25/p75 =
 * median ∓ 0.6745 std, p05 = median − 1.6449 std, mad = 0.6745 std (exact for a normal series,
 * wider than the truth for a heavy-tailed one, which errs towards fewer alerts).
 */
export function buildBaselineIndex(rows: Iterable<BaselineRow>): Map<BaselineKey, BaselineBucket> {
  const index = new Map<BaselineKey, BaselineBucket>();
  for (const row of rows) {
    if (!isMetricName(row.metric)) continue;
    const { hourOfWeek: how, mean: m, std, median, p95, p99, sampleCount } = row;
    index.set(baselineKey(row.metric, how), {
      hourOfWeek: how,
      mean: m,
      std,
      median,
      p05: row.p05 ?? median - Z_P05 * std,
      p25: row.p25 ?? median - Z_QUARTILE * std,
      p75: row.p75 ?? median + Z_QUARTILE * std,
      p95,
      p99,
      mad: row.mad ?? Z_QUARTILE * std,
      sampleCount,
    });
  }
  return index;
}

/**
 * Poisoning guard between retrains: a bucket is held (the previous bucket stays accepted, the
 * proposal waits for an analyst's approval) when its median or its p95 grew both by more than
 * `maxGrowth` relative to the previous bucket and by more than `noiseK` standard errors of sampling
 * noise (`assessGrowth`): a thin bucket's statistics jump by 20 % from noise alone, which is not what
 * the cap is for. Shrinking is always accepted, as is any bucket without a previous one.
 *
 * The comparison is always with the bucket in use, and a retrain's proposal is judged on its own:
 * while retrains keep proposing a level beyond noise of it (a sustained shift) the bucket stays held
 * for the analyst, and the first proposal back within noise is accepted and releases the hold. Noise
 * cannot build up into a hold, because nothing is carried from one proposal to the next but the
 * bucket in use.
 */
export function capBaselineGrowth(
  previous: BaselineIndex | undefined,
  next: ReadonlyMap<BaselineKey, BaselineBucket>,
  options: GrowthCapOptions = {},
): CappedBaseline {
  const limits = resolveGrowthLimits(options);
  const accepted = new Map<BaselineKey, BaselineBucket>();
  const held: HeldBucket[] = [];
  for (const [key, proposed] of next) {
    const before = previous?.get(key);
    const metric = metricOfKey(key);
    if (!before || !metric) {
      accepted.set(key, proposed);
      continue;
    }
    const { growth, standardErrors } = assessGrowth(metric, before, proposed, limits);
    if (standardErrors > 0) {
      accepted.set(key, before);
      held.push({ key, previous: before, proposed, growth, standardErrors });
    } else {
      accepted.set(key, proposed);
    }
  }
  return { accepted, held };
}

/**
 * Whether a retrained bucket grew beyond both the relative cap and sampling noise. For the median and
 * for the p95 separately, the change must exceed `maxGrowth` relative to the previous value (floored
 * at the metric's MIN_STD_ABSOLUTE, as in `bucketGrowth`) and `noiseK` standard errors of the change.
 * The standard error combines both buckets, each with its own spread and sample count (Welch):
 * SE = c·√(σ_prev²/n_prev + σ_next²/n_next), with c = 1.2533 for the median and 2.113 for the p95
 * (normal theory, see SE_MEDIAN / SE_P95). σ is MAD / 0.6745 (a row stored before MAD existed
 * carries 0.6745·std from `buildBaselineIndex`, i.e. σ = std), or IQR / 1.349 where that is larger
 * (with a dozen values either can come out far below the true σ; the larger of the two halves the
 * noise holds in simulation), floored at MIN_STD_ABSOLUTE so constant buckets do not make every
 * wobble significant. For the p95, σ is at least the bucket's
 * upper-tail spread, (p95 − median)/1.645 and (p99 − p95)/0.681: in a right-skewed bucket the
 * density near the p95 is lower than a normal's of the same MAD, so its p95 varies more.
 */
function assessGrowth(
  metric: MetricName,
  previous: BaselineBucket,
  proposed: BaselineBucket,
  options: GrowthCapOptions = {},
): GrowthAssessment {
  const { maxGrowth, noiseK } = resolveGrowthLimits(options);
  const floor = MIN_STD_ABSOLUTE[metric];
  const nBefore = Math.max(1, previous.sampleCount);
  const nAfter = Math.max(1, proposed.sampleCount);
  const standardError = (factor: number, sigmaBefore: number, sigmaAfter: number) =>
    factor * Math.sqrt((sigmaBefore * sigmaBefore) / nBefore + (sigmaAfter * sigmaAfter) / nAfter);

  let standardErrors = 0;
  const judge = (before: number, after: number, se: number) => {
    if (relativeGrowth(before, after, floor) <= maxGrowth) return;
    const z = (after - before) / se;
    if (z > noiseK) standardErrors = Math.max(standardErrors, z);
  };
  judge(
    previous.median,
    proposed.median,
    standardError(SE_MEDIAN, medianSigma(metric, previous), medianSigma(metric, proposed)),
  );
  judge(previous.p95, proposed.p95, standardError(SE_P95, tailSigma(metric, previous), tailSigma(metric, proposed)));
  return { growth: bucketGrowth(metric, previous, proposed), standardErrors };
}

/**
 * Relative growth of a bucket's median or p95, whichever grew more (0.5 = +50 %, negative when
 * both shrank). A statistic below the metric's MIN_STD_ABSOLUTE on both sides counts as no growth,
 * and the previous value is floored there as a divisor, so growth from zero stays finite. This is
 * the size of a change only; whether it is beyond noise is `assessGrowth`'s question.
 */
export function bucketGrowth(
  metric: MetricName,
  previous: Pick<BaselineBucket, "median" | "p95">,
  proposed: Pick<BaselineBucket, "median" | "p95">,
): number {
  const floor = MIN_STD_ABSOLUTE[metric];
  return Math.max(
    relativeGrowth(previous.median, proposed.median, floor),
    relativeGrowth(previous.p95, proposed.p95, floor),
  );
}

/** The metric a key names, or undefined for a malformed key. */
export function metricOfKey(key: string): MetricName | undefined {
  const metric = key.slice(0, key.lastIndexOf(":"));
  return isMetricName(metric) ? metric : undefined;
}

/**
 * The expected statistics for `metric` at `ts`. When that hour-of-week has no bucket (too little
 * data), falls back to the same hour of day pooled across the other days of the week, and when that
 * hour has no data on any day, to every bucket of the metric pooled (`global`). Mean and variance
 * are pooled exactly (the between-bucket spread widens the std, which errs towards fewer alerts);
 * quantiles and MAD are sample-weighted averages, an approximation. Undefined when the metric has no
 * buckets at all.
 */
export function expectedFor(index: BaselineIndex, metric: MetricName, ts: Date): ExpectedBucket | undefined {
  // a device before its first training (cold start) has nothing to pool: answer without searching
  if (index.size === 0) return undefined;
  const how = hourOfWeek(ts);
  const exact = index.get(baselineKey(metric, how));
  if (exact) return { ...exact, source: "hour-of-week" };

  const sameHour: BaselineBucket[] = [];
  for (let day = 0; day < 7; day++) {
    const bucket = index.get(baselineKey(metric, day * 24 + (how % 24)));
    if (bucket && bucket.sampleCount > 0) sameHour.push(bucket);
  }
  if (sameHour.length > 0) return pool(sameHour, how, "hour-of-day");

  const anyHour: BaselineBucket[] = [];
  for (let h = 0; h < HOURS_PER_WEEK; h++) {
    const bucket = index.get(baselineKey(metric, h));
    if (bucket && bucket.sampleCount > 0) anyHour.push(bucket);
  }
  return anyHour.length > 0 ? pool(anyHour, how, "global") : undefined;
}

/** Buckets merged into one stand-in for hour-of-week `how`; `buckets` is non-empty. */
function pool(buckets: readonly BaselineBucket[], how: number, source: ExpectedBucket["source"]): ExpectedBucket {
  let n = 0;
  let weightedMean = 0;
  const weighted = { median: 0, p05: 0, p25: 0, p75: 0, p95: 0, p99: 0, mad: 0 };
  const keys = Object.keys(weighted) as (keyof typeof weighted)[];
  for (const b of buckets) {
    n += b.sampleCount;
    weightedMean += b.sampleCount * b.mean;
    for (const k of keys) weighted[k] += b.sampleCount * b[k];
  }
  const pooledMean = weightedMean / n;
  let squares = 0;
  for (const b of buckets) {
    squares += (b.sampleCount - 1) * b.std * b.std + b.sampleCount * (b.mean - pooledMean) ** 2;
  }
  for (const k of keys) weighted[k] /= n;
  return {
    hourOfWeek: how,
    mean: pooledMean,
    std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    ...weighted,
    sampleCount: n,
    source,
  };
}

function resolveGrowthLimits(options: GrowthCapOptions): Required<GrowthCapOptions> {
  const maxGrowth = options.maxGrowth ?? DEFAULT_MAX_GROWTH;
  if (!Number.isFinite(maxGrowth) || maxGrowth < 0) throw new RangeError("maxGrowth must be a finite number ≥ 0");
  const noiseK = options.noiseK ?? DEFAULT_NOISE_K;
  if (!Number.isFinite(noiseK) || noiseK < 0) throw new RangeError("noiseK must be a finite number ≥ 0");
  return { maxGrowth, noiseK };
}

/** A bucket's σ from its MAD or IQR (robust to the outliers poisoning brings), floored for the metric. */
function medianSigma(metric: MetricName, bucket: BaselineBucket): number {
  const sigma = Math.max(bucket.mad / Z_QUARTILE, (bucket.p75 - bucket.p25) / (2 * Z_QUARTILE), MIN_STD_ABSOLUTE[metric]);
  return Number.isFinite(sigma) ? sigma : MIN_STD_ABSOLUTE[metric];
}

/** σ for the p95's standard error: at least the spread of the bucket's upper tail. */
function tailSigma(metric: MetricName, bucket: BaselineBucket): number {
  const tail = Math.max((bucket.p95 - bucket.median) / Z_P95, (bucket.p99 - bucket.p95) / (Z_P99 - Z_P95));
  return Number.isFinite(tail) ? Math.max(medianSigma(metric, bucket), tail) : medianSigma(metric, bucket);
}

function relativeGrowth(before: number, after: number, floor: number): number {
  if (Math.abs(before) < floor && Math.abs(after) < floor) return 0;
  return (after - before) / Math.max(Math.abs(before), floor);
}

function isExcluded(ts: Date, exclude: readonly TimeRange[]): boolean {
  const t = ts.getTime();
  return exclude.some((range) => t >= range.start.getTime() && t < range.end.getTime());
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
      p05: quantileSorted(sorted, 0.05),
      p25: quantileSorted(sorted, 0.25),
      p75: quantileSorted(sorted, 0.75),
      p95: quantileSorted(sorted, 0.95),
      p99: quantileSorted(sorted, 0.99),
      mad: medianAbsoluteDeviation(sorted),
      sampleCount: sorted.length,
    });
  });
  return buckets;
}
