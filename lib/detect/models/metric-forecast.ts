// Seasonal forecasts of one device-metric from its hourly history, with the interval a chart draws
// and the forecast detector checks each new hourly actual against.
//
// Split the augurs way: `forecastMetric` is the expensive step (fit + predict, run on a schedule);
// `detectForecastDeviation` is the cheap one (compare one actual with one stored forecast point), so
// severity rules can change without refitting.
//
// Terms: "history" is the input hourly points; the "grid" is every hour from the first history point
// to the last (gaps included); "points" are the grid's in-sample fits followed by the horizon's
// forecasts; the "interval" is [lower, upper] at `level` (0.95 by default).
import { z } from "zod";
import { loadAugurs, type AugursRuntime } from "@/lib/detect/models/augurs-runtime";
import type { Detection, DetectorMeta } from "@/lib/detect/detector";
import type { Severity } from "@/lib/detect/severity";
import { explainDeviation } from "@/lib/detect/explain/explain-deviation";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { describeHourOfWeek, hourOfWeek } from "@/lib/detect/baseline/hour-of-week";
import { severityFor } from "@/lib/detect/severity";
import { MIN_STD_ABSOLUTE } from "@/lib/detect/baseline/std-floor";
import type { MetricName } from "@/lib/telemetry/metrics";

export const FORECAST_DETECTOR_ID = "forecast";
export const FORECAST_DEVIATION = "forecast_deviation";

/** The registry's entry: checked hourly against scheduled forecasts, so it has no minute config and no score setting. */
export const forecastDetector: DetectorMeta<typeof FORECAST_DETECTOR_ID> = {
  id: FORECAST_DETECTOR_ID,
  description: "Checks each completed hour against the device's seasonal forecast (Prophet or MSTL) and flags hours far outside its interval.",
  scoreField: null,
  alertTypes: [FORECAST_DEVIATION],
};

const HOUR_MS = 3_600_000;
const DAY_HOURS = 24;
const WEEK_HOURS = 168;
const PROPHET_DAILY_ORDER = 10;
const PROPHET_WEEKLY_ORDER = 6;

/** Two days of observed hours: both models need two full cycles of the daily pattern. */
export const MIN_HISTORY_HOURS = 2 * DAY_HOURS;
/** Weekly seasonality is fitted once the grid spans two weeks (Prophet's auto rule; MSTL needs two periods). */
export const WEEKLY_MIN_HISTORY_HOURS = 2 * WEEK_HOURS;

export type ForecastMethod = "prophet" | "mstl";

export interface HistoryPoint {
  ts: Date;
  value: number;
}

export interface ForecastPoint {
  ts: Date;
  yhat: number;
  lower: number;
  upper: number;
}

export const forecastOptionsSchema = z
  .object({
    /** Hours forecast past the last history point. */
    horizonHours: z.number().int().min(1).max(31 * DAY_HOURS).default(WEEK_HOURS),
    /** Interval coverage, e.g. 0.95 for a 95 % interval. */
    level: z.number().gt(0).lt(1).default(0.95),
    /** Prophet (Stan fit + 1000 draws, a few hundred ms per series) or MSTL with an ETS trend (tens of ms). */
    method: z.enum(["prophet", "mstl"]).default("prophet"),
    /** Value whose first crossing by the forecast's yhat gives `capacityEta`. */
    capacity: z.number().optional(),
    /** Clamp yhat, lower and upper into [min, max], e.g. { min: 0 } for rates, { min: 0, max: 100 } for %. */
    clamp: z
      .object({ min: z.number().optional(), max: z.number().optional() })
      .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
        message: "clamp.min must be ≤ clamp.max",
      })
      .optional(),
  })
  .strict();

export type ForecastOptions = z.input<typeof forecastOptionsSchema>;

export interface MetricForecast {
  /** "constant" when the history never varies: a flat forecast is returned without fitting (Prophet cannot fit it). */
  method: ForecastMethod | "constant";
  /** Seasonal periods fitted, in hours: [24] before two weeks of history, then [24, 168]; [] for constant. */
  seasonalityHours: number[];
  level: number;
  /** One per grid hour (in-sample fit), then one per horizon hour; hourly, oldest first. */
  points: ForecastPoint[];
  /** Index in `points` of the first horizon (true forecast) point. */
  firstForecastIndex: number;
  /**
   * Time of the first horizon point whose yhat reaches `capacity` (≥): the expected crossing, not the
   * earliest plausible one (upper would fire on every noisy peak). Null without a capacity or when
   * the horizon never reaches it.
   */
  capacityEta: Date | null;
  /** Wall time of fit + predict in milliseconds; the only field that differs between identical runs. */
  fitMs: number;
}

/** Fewer than MIN_HISTORY_HOURS usable (finite) hourly values: the caller should skip the series for now. */
export class InsufficientHistoryError extends Error {
  constructor(
    public readonly usableHours: number,
    public readonly requiredHours: number = MIN_HISTORY_HOURS,
  ) {
    super(`forecast needs at least ${requiredHours} hourly values, got ${usableHours}`);
    this.name = "InsufficientHistoryError";
  }
}

/**
 * Fits `method` to hourly `history` and forecasts `horizonHours` past its last point.
 *
 * History may be unsorted and have gaps; points with a non-finite value or invalid date are dropped;
 * points are snapped to the hourly grid started by the earliest one (values sharing an hour are
 * averaged). Prophet fits the observed hours only; MSTL needs a regular series, so gaps are imputed
 * by the library (linear interpolation: long gaps flatten the pattern it learns).
 *
 * Intervals: Prophet's come from 1000 simulated draws; MSTL's are widened by a backtest on the last
 * week of history (see mstlIntervalScale), without which they cover only ~80 % instead of `level`.
 *
 * Reproducibility: MSTL is exact. Prophet is not bit-reproducible in augurs 0.10 (the optimizer lands
 * on one of two nearby optima on alternate calls, and the draws are seeded from the OS), so between
 * identical runs yhat moves by well under 1 % and each bound by about 5 % of the half-width on average.
 *
 * Throws InsufficientHistoryError below MIN_HISTORY_HOURS observed hours, and a ZodError on invalid
 * options.
 */
export async function forecastMetric(
  history: readonly HistoryPoint[],
  options: ForecastOptions = {},
): Promise<MetricForecast> {
  const opts = forecastOptionsSchema.parse(options);
  const grid = toHourlyGrid(history);
  if (grid.observedHours < MIN_HISTORY_HOURS) throw new InsufficientHistoryError(grid.observedHours);

  const seasonalityHours = grid.values.length >= WEEKLY_MIN_HISTORY_HOURS ? [DAY_HOURS, WEEK_HOURS] : [DAY_HOURS];
  // Loaded before the clock starts: fitMs measures the model, not the one-off WebAssembly load.
  const runtime = await loadAugurs();
  const started = performance.now();
  let method: MetricForecast["method"] = opts.method;
  let raw: RawForecast;
  if (grid.max - grid.min <= 1e-12 * Math.max(1, Math.abs(grid.max))) {
    method = "constant";
    raw = constantForecast(grid.min, grid.values.length + opts.horizonHours);
  } else {
    raw =
      opts.method === "prophet"
        ? fitProphet(runtime, grid, seasonalityHours, opts.horizonHours, opts.level)
        : fitMstl(runtime, grid, seasonalityHours, opts.horizonHours, opts.level);
  }
  const fitMs = performance.now() - started;

  const clampValue = makeClamp(opts.clamp?.min, opts.clamp?.max);
  // Array.from, not .map: a typed array's map would return numbers, not points.
  const points: ForecastPoint[] = Array.from(raw.yhat, (yhat, i) => {
    const lower = raw.lower[i] ?? Number.NaN;
    const upper = raw.upper[i] ?? Number.NaN;
    if (!Number.isFinite(yhat) || !Number.isFinite(lower) || !Number.isFinite(upper)) {
      throw new Error(`${method} forecast produced a non-finite value at point ${i}`);
    }
    return {
      ts: new Date(grid.startMs + i * HOUR_MS),
      yhat: clampValue(yhat),
      // Sample-based intervals can cross yhat by a hair; keep lower ≤ yhat ≤ upper for the chart.
      lower: clampValue(Math.min(lower, yhat)),
      upper: clampValue(Math.max(upper, yhat)),
    };
  });

  const firstForecastIndex = grid.values.length;
  let capacityEta: Date | null = null;
  if (opts.capacity !== undefined) {
    const capacity = opts.capacity;
    capacityEta = points.slice(firstForecastIndex).find((p) => p.yhat >= capacity)?.ts ?? null;
  }
  return {
    method,
    seasonalityHours: method === "constant" ? [] : seasonalityHours,
    level: opts.level,
    points,
    firstForecastIndex,
    capacityEta,
    fitMs,
  };
}

/** Excess beyond the bound, as a share of the interval half-width, up to which a deviation is only "low". */
export const LOW_SEVERITY_MAX_EXCESS = 0.25;

/**
 * A Detection when `actual` (the observed value for `point.ts`'s hour) is outside the point's interval.
 *
 * The interval is first widened to at least yhat ± 2 × MIN_STD_ABSOLUTE[metric] (a 95 % band is about
 * ±2σ), so a flat forecast (e.g. always 0 errors) does not alert on a negligible wobble. Severity is
 * the excess beyond the crossed bound as a share of that side's half-width: low up to 25 % (a 95 %
 * interval is left by chance in about 1 hour in 20, almost always by less than that), then
 * severityFor(1 + excess, 1): medium up to 50 %, high up to 100 %, critical beyond. Score = 1 + excess
 * (1 at the bound, 2 at twice the half-width).
 */
export function detectForecastDeviation(
  point: ForecastPoint,
  actual: number,
  metric: MetricName,
): Detection | null {
  const { yhat } = point;
  const finite = [actual, yhat, point.lower, point.upper, point.ts.getTime()].every(Number.isFinite);
  if (!finite) return null;

  const minHalfWidth = 2 * MIN_STD_ABSOLUTE[metric];
  const low = Math.min(point.lower, yhat - minHalfWidth);
  const high = Math.max(point.upper, yhat + minHalfWidth);
  const above = actual > high;
  if (!above && !(actual < low)) return null;

  const bound = above ? high : low;
  const halfWidth = above ? high - yhat : yhat - low;
  const excess = Math.abs(actual - bound) / halfWidth;
  const score = 1 + excess;
  const severity: Severity = excess <= LOW_SEVERITY_MAX_EXCESS ? "low" : severityFor(score, 1);
  const how = hourOfWeek(point.ts);

  return {
    detector: FORECAST_DETECTOR_ID,
    anomalyType: FORECAST_DEVIATION,
    metric,
    severity,
    score,
    observed: { value: actual, ts: point.ts.toISOString() },
    expected: { low, high, mean: yhat, hourOfWeek: how },
    explanation: explainDeviation({
      metric,
      value: actual,
      reference: bound,
      referenceLabel: above ? "the forecast upper bound" : "the forecast lower bound",
      context: `for ${describeHourOfWeek(how)}`,
      score: `forecast ${formatMetricValue(metric, yhat)}`,
      rangeLabel: "interval",
      low,
      high,
    }),
    evidence: {
      direction: above ? "above" : "below",
      forecast: { yhat, lower: point.lower, upper: point.upper },
      excessOfHalfWidth: excess,
    },
  };
}

interface HourlyGrid {
  startMs: number;
  /** One per grid hour; NaN where no value was observed. */
  values: Float64Array;
  observedHours: number;
  min: number;
  max: number;
}

interface RawForecast {
  yhat: ArrayLike<number>;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
}

function toHourlyGrid(history: readonly HistoryPoint[]): HourlyGrid {
  const clean = history
    .map((p) => ({ ms: p.ts instanceof Date ? p.ts.getTime() : Number.NaN, value: p.value }))
    .filter((p) => Number.isFinite(p.ms) && typeof p.value === "number" && Number.isFinite(p.value))
    .sort((a, b) => a.ms - b.ms);
  const first = clean[0];
  const last = clean[clean.length - 1];
  if (!first || !last) return { startMs: 0, values: new Float64Array(0), observedHours: 0, min: 0, max: 0 };

  const length = Math.round((last.ms - first.ms) / HOUR_MS) + 1;
  const sums = new Float64Array(length);
  const counts = new Uint32Array(length);
  for (const p of clean) {
    const i = Math.round((p.ms - first.ms) / HOUR_MS);
    sums[i]! += p.value;
    counts[i]! += 1;
  }
  const values = new Float64Array(length);
  let observedHours = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) {
    const count = counts[i]!;
    if (count === 0) {
      values[i] = Number.NaN;
      continue;
    }
    const value = sums[i]! / count;
    values[i] = value;
    observedHours++;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  return { startMs: first.ms, values, observedHours, min, max };
}

function constantForecast(value: number, length: number): RawForecast {
  const flat = new Float64Array(length).fill(value);
  return { yhat: flat, lower: flat, upper: flat };
}

function fitProphet(
  { Prophet, optimizer }: AugursRuntime,
  grid: HourlyGrid,
  seasonalityHours: readonly number[],
  horizonHours: number,
  level: number,
): RawForecast {
  const ds: number[] = [];
  const y: number[] = [];
  grid.values.forEach((value, i) => {
    if (Number.isNaN(value)) return;
    ds.push(toEpochSeconds(grid.startMs + i * HOUR_MS));
    y.push(value);
  });
  const allDs = Array.from({ length: grid.values.length + horizonHours }, (_, i) =>
    toEpochSeconds(grid.startMs + i * HOUR_MS),
  );

  const model = new Prophet({
    optimizer,
    intervalWidth: level,
    // Fourier orders above Prophet's defaults (4 and 3): traffic has a sharp business-day hump and a
    // weekend step, which the defaults smooth into a band about twice as wide (MAPE ~16 % vs ~10 %).
    dailySeasonality: { type: "fourier", order: PROPHET_DAILY_ORDER },
    weeklySeasonality: seasonalityHours.includes(WEEK_HOURS)
      ? { type: "fourier", order: PROPHET_WEEKLY_ORDER }
      : { type: "manual", enabled: false },
    yearlySeasonality: { type: "manual", enabled: false },
  });
  try {
    model.fit({ ds, y });
    const { yhat } = model.predict({ ds: allDs });
    if (!yhat.intervals) throw new Error("prophet returned no intervals");
    return { yhat: yhat.point, lower: yhat.intervals.lower, upper: yhat.intervals.upper };
  } finally {
    // WebAssembly memory is not garbage-collected: free every model, fitted or not.
    model.free();
  }
}

function fitMstl(
  { MSTL }: AugursRuntime,
  grid: HourlyGrid,
  seasonalityHours: readonly number[],
  horizonHours: number,
  level: number,
): RawForecast {
  const model = MSTL.ets([...seasonalityHours], { impute: true });
  try {
    model.fit(grid.values);
    const inSample = model.predictInSample(level);
    const future = model.predict(horizonHours, level);
    if (!inSample.intervals || !future.intervals) throw new Error("mstl returned no intervals");
    const scale = mstlIntervalScale(MSTL, grid.values, seasonalityHours, level);
    const widen = (bound: number, i: number) => {
      const yhat = future.point[i]!;
      return yhat + scale * (bound - yhat);
    };
    return {
      yhat: [...inSample.point, ...future.point],
      lower: [...inSample.intervals.lower, ...future.intervals.lower.map(widen)],
      upper: [...inSample.intervals.upper, ...future.intervals.upper.map(widen)],
    };
  } finally {
    model.free();
  }
}

/**
 * How much to widen MSTL's forecast intervals so they cover `level` of what actually happens.
 *
 * MSTL's forecast interval reflects only the noise left after removing the seasonal components, not
 * the error in those components themselves (estimated from a few cycles), so a nominal 95 % interval
 * covered only about 80 % of held-out hours on synthetic traffic. Split-conformal fix: refit the same
 * model without the last days of history (up to a week), forecast them, and take the `level` quantile
 * of |actual − yhat| / half-width over those hours (never below 1). The quantile ignores the worst
 * (1 − level) share of hours, so a short incident in the last week does not inflate the band.
 * It needs a whole day beyond two cycles of the longest period (3 days daily-only, 15 days weekly);
 * with less, the library's intervals are used as they are and cover less than `level`.
 * In-sample intervals are left alone: they already match the residuals they were fitted on.
 */
function mstlIntervalScale(
  MSTL: AugursRuntime["MSTL"],
  values: Float64Array,
  seasonalityHours: readonly number[],
  level: number,
): number {
  const minTrainLength = 2 * Math.max(...seasonalityHours);
  const wholeDaysSpare = Math.floor((values.length - minTrainLength) / DAY_HOURS) * DAY_HOURS;
  let trainLength = values.length - Math.min(WEEK_HOURS, wholeDaysSpare);
  // The library cannot impute a trailing gap, so the shortened history must end on an observed hour.
  while (trainLength > minTrainLength && Number.isNaN(values[trainLength - 1])) trainLength--;
  const blockHours = values.length - trainLength;
  if (blockHours < DAY_HOURS || trainLength < minTrainLength || Number.isNaN(values[trainLength - 1])) return 1;

  const model = MSTL.ets([...seasonalityHours], { impute: true });
  try {
    model.fit(values.subarray(0, trainLength));
    const backtest = model.predict(blockHours, level);
    if (!backtest.intervals) return 1;
    const ratios: number[] = [];
    for (let i = 0; i < blockHours; i++) {
      const actual = values[trainLength + i]!;
      const yhat = backtest.point[i]!;
      const bound = actual >= yhat ? backtest.intervals.upper[i]! : backtest.intervals.lower[i]!;
      const halfWidth = Math.abs(bound - yhat);
      if (Number.isNaN(actual) || !(halfWidth > 0)) continue;
      ratios.push(Math.abs(actual - yhat) / halfWidth);
    }
    if (ratios.length === 0) return 1;
    ratios.sort((a, b) => a - b);
    // Conformal rank ⌈(n + 1)·level⌉, capped at n.
    const rank = Math.min(ratios.length, Math.ceil((ratios.length + 1) * level));
    return Math.max(1, ratios[rank - 1]!);
  } finally {
    model.free();
  }
}

function toEpochSeconds(ms: number): number {
  return Math.round(ms / 1000);
}

function makeClamp(min: number | undefined, max: number | undefined): (x: number) => number {
  const lo = min ?? Number.NEGATIVE_INFINITY;
  const hi = max ?? Number.POSITIVE_INFINITY;
  return (x) => Math.min(hi, Math.max(lo, x));
}
