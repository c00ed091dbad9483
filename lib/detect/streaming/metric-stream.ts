// What is normal for one metric of one device, learnt online from its first sample, and how surprising
// each new sample is. Pure and in memory: samples in, scored samples out; no clock, database or network.
// The worker's detection engine keeps one per device × metric; the evaluation harnesses (NAB, KPI
// datasets, the simulator suite) run the same code.
//
// Why online and not only the daily-trained hour-of-week baseline: a device with no history must be
// judged from its first hours (cold start), polling may be every minute, every five or irregular, and
// a baseline retrained once a day lags a genuine level shift by a day. The model:
// - predicts each sample from three predictors: the recent level (an exponentially weighted mean), the
//   same 15-minute slot of the day and the same hour of the week (running means, used once the slot has
//   seen a previous day or week); each predictor is weighted by the inverse square of its recent error,
//   so a series with a daily rhythm is judged against its rhythm and a flat one against its level;
// - measures the residual in units of the prediction's recent mean absolute error (the spread), so the
//   raw score has mean ≈ 1 on any series whatever its scale;
// - calibrates against the series' own history, as Numenta's anomaly likelihood does (Ahmad et al.
//   2017) but without assuming a Gaussian: two decaying histograms of log(1 + raw), one of single
//   samples (extremeness) and one of the mean of the last few (persistence), give the empirical tail
//   probability of what is seen now; past the largest score seen lately the tail falls off
//   exponentially. `surprise` = −log10 of the smaller tail: 3 is "one sample in a thousand". A noisy
//   link whose bursts are ordinary has a heavy histogram and stays quiet; a value beyond anything seen,
//   or a moderate deviation that persists, is surprising;
// - learns from every sample with its residual clipped (Huber), so one spike neither drags the level nor
//   widens the spread, while a shift that persists is followed within hours: the baseline never
//   freezes and a genuine level change stops alerting instead of flooding.
// Time constants are in time, not samples: per-sample weights come from the observed interval.

import { HOURS_PER_WEEK, hourOfWeekAt } from "@/lib/detect/baseline/hour-of-week";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** The day profile's resolution: 15-minute slots, fine enough for a backup that starts on the quarter. */
const SLOT_MS = 15 * MINUTE_MS;
const DAY_SLOTS = DAY_MS / SLOT_MS;
/** How long a model takes to count as mature, and the least its scores count before. */
const MATURE_MS = 2 * DAY_MS;
const MIN_MATURITY = 0.05;
/** A deviation rarer than once in this many days is an incident: it enters the history at this weight. */
const INCIDENT_RARITY_DAYS = 100;
const INCIDENT_WEIGHT = 0.1;
/**
 * An episode of deviations ends after this long with no sample past QUIET_SURPRISE; the next deviation
 * is then a new incident, judged afresh, not against the last one (see `priorMax`).
 */
const QUIET_MS = 6 * HOUR_MS;
/** "Ordinary enough": about one sample in a hundred. */
const QUIET_SURPRISE = 2;

export interface MetricStreamSettings {
  /** Time constant of the recent level (ms). */
  levelMs: number;
  /** Memory of a seasonal slot, in periods (days for the day profile, weeks for the week profile). */
  seasonalPeriods: number;
  /** Time constant of the predictors' errors and the spread (ms). */
  errorMs: number;
  /** Time constant of the score histograms: how long a burst stays "ordinary" (ms). */
  scoreMs: number;
  /** Samples averaged for the persistence score. */
  persistenceSamples: number;
  /** Residuals are clipped at this many spreads when learning. */
  learnClip: number;
  /** Samples before any score (the spread is unknown before). */
  warmupSamples: number;
  /** Relative floor of the spread, as a share of the mean |value|: a flat series is not scored on rounding. */
  relativeFloor: number;
  /** Past the largest score seen lately, the tail probability falls by e per this much log(1 + raw). */
  tailScale: number;
  /** The spread is at least this share of its long-run level (time constant `scoreMs`). */
  longRunFloor: number;
}

export const DEFAULT_METRIC_STREAM_SETTINGS: Readonly<MetricStreamSettings> = {
  levelMs: HOUR_MS,
  seasonalPeriods: 4,
  errorMs: DAY_MS,
  scoreMs: WEEK_MS,
  persistenceSamples: 6,
  learnClip: 3,
  warmupSamples: 12,
  relativeFloor: 0.002,
  tailScale: 0.1,
  longRunFloor: 1.5,
};

export type PredictionBasis = "level" | "day profile" | "week profile";

export interface ScoredSample {
  value: number;
  /** What the predictors expected. */
  expected: number;
  /** The prediction's recent mean absolute error: the series' normal spread (≥ the floor). */
  spread: number;
  /** Signed residual value − expected. */
  residual: number;
  /** |residual| / spread; ≈ 1 on average for normal samples. */
  raw: number;
  /**
   * −log10 of the tail probability of this score (or of the recent run of scores) for this series;
   * not capped, so a deviation far beyond any seen ranks above a lesser one.
   */
  surprise: number;
  /**
   * How rare that is in time: a deviation like it happens about once in this many days at this series'
   * sampling rate (1 / (tail probability × samples per day)). The alerting bar is set in days, so one
   * setting means the same at 1-minute, 5-minute or hourly polling.
   */
  rarityDays: number;
  /**
   * The highest surprise of the episode this sample belongs to (before this sample, at most a day
   * back; 0 once the series has been quiet for a few hours): an incident already alerted on is not a
   * new alert unless it grows (see adaptive-baseline), while one after a recovery is.
   */
  priorMax: number;
  /** Whether the surprise came from a run of samples (persistence) rather than this one (extremeness). */
  persistent: boolean;
  /** The predictor that carried the most weight. */
  basis: PredictionBasis;
}

const SCORE_BINS = 96;
const SCORE_BIN_WIDTH = 0.0625;
/** Rarity is reported up to this (about 27 years). */
export const MAX_RARITY_DAYS = 10_000;

/**
 * A histogram of log(1 + raw) whose counts decay with time: the recent distribution of a score. The
 * decay is lazy (a growing gain instead of multiplying every bin on every sample), so adding is O(1).
 */
class DecayingHistogram {
  private readonly stored = new Float32Array(SCORE_BINS);
  private storedWeight = 0;
  /** stored / gain = the decayed count. */
  private gain = 1;

  /**
   * log10 P(score ≥ u), with add-one smoothing; past the highest occupied bin, an exponential fall-off
   * (in logs, so a deviation far beyond any seen still ranks above a lesser one).
   */
  log10Tail(u: number, tailScale: number): number {
    let above = 0;
    for (let b = binOf(u); b < SCORE_BINS; b++) above += this.stored[b]!;
    const occupied = 0.5 * this.gain;
    let top = SCORE_BINS - 1;
    while (top > 0 && this.stored[top]! < occupied) top--;
    const beyond = Math.max(0, u - (top + 1) * SCORE_BIN_WIDTH);
    const p = (above / this.gain + 1) / (this.storedWeight / this.gain + 1);
    return Math.log10(Math.min(1, p)) - beyond / (tailScale * Math.LN10);
  }

  add(u: number, decay: number, weight: number): void {
    this.gain /= decay;
    if (this.gain > 1e6) {
      for (let b = 0; b < SCORE_BINS; b++) this.stored[b]! /= this.gain;
      this.storedWeight /= this.gain;
      this.gain = 1;
    }
    this.stored[binOf(u)]! += weight * this.gain;
    this.storedWeight += weight * this.gain;
  }
}

/** The largest value per hour over the last day, in 25 hourly cells (a ring). */
class HourlyMax {
  private readonly max = new Float32Array(25);
  private readonly hour = new Float64Array(25).fill(Number.NaN);

  add(ts: number, value: number): void {
    const h = Math.floor(ts / HOUR_MS);
    const i = h % 25;
    if (this.hour[i] !== h) (this.hour[i] = h), (this.max[i] = value);
    else this.max[i] = Math.max(this.max[i]!, value);
  }

  /** The largest value added at or after `from` (hour resolution); 0 when none. */
  maxSince(from: number): number {
    const first = Math.floor(from / HOUR_MS);
    let m = 0;
    for (let i = 0; i < 25; i++) if (this.hour[i]! >= first) m = Math.max(m, this.max[i]!);
    return m;
  }
}

const binOf = (u: number) => Math.max(0, Math.min(SCORE_BINS - 1, Math.floor(u / SCORE_BIN_WIDTH)));

/** A seasonal profile: a running mean per slot, in use once the slot has seen a previous period. */
class SeasonalProfile {
  private readonly means: Float32Array;
  private readonly weights: Float32Array;
  private readonly firstSeen: Float64Array;

  constructor(
    slots: number,
    private readonly periodMs: number,
    private readonly slotMs: number,
  ) {
    // Float32: a stream is kept per device × metric, so its size is the worker's memory per device
    this.means = new Float32Array(slots);
    this.weights = new Float32Array(slots);
    this.firstSeen = new Float64Array(slots).fill(Number.NaN);
  }

  predict(slot: number, ts: number): number | undefined {
    return this.inUse(slot, ts) ? this.means[slot] : undefined;
  }

  learn(slot: number, ts: number, value: number, intervalMs: number, periods: number, clip: number): void {
    if (Number.isNaN(this.firstSeen[slot]!)) {
      this.firstSeen[slot] = ts;
      this.means[slot] = value;
      this.weights[slot] = 1;
      return;
    }
    // memory counted in periods: samples per visit of the slot come from the sampling interval
    const perVisit = Math.max(1, this.slotMs / intervalMs);
    const weight = this.weights[slot]! + 1;
    this.weights[slot] = weight;
    const a = Math.max(1 / weight, 1 / (periods * perVisit));
    const mean = this.means[slot]!;
    // while the slot is still learning its first period the mean is plain; once predicting, clipped
    this.means[slot] = mean + a * (this.inUse(slot, ts) ? clamp(value - mean, clip) : value - mean);
  }

  private inUse(slot: number, ts: number): boolean {
    return ts - this.firstSeen[slot]! >= this.periodMs - this.slotMs;
  }
}

export class MetricStream {
  private n = 0;
  private lastTs = Number.NaN;
  private firstTs = Number.NaN;
  /** Smoothed interval between samples (ms). */
  private intervalMs = Number.NaN;
  private level = 0;
  private meanAbs = 0;
  private errLevel = 0;
  private errDay = 0;
  private errWeek = 0;
  private spread = 0;
  private slowSpread = 0;
  private readonly day = new SeasonalProfile(DAY_SLOTS, DAY_MS, SLOT_MS);
  private readonly week = new SeasonalProfile(HOURS_PER_WEEK, WEEK_MS, HOUR_MS);
  private readonly single = new DecayingHistogram();
  private readonly runs = new DecayingHistogram();
  private readonly recent: number[] = [];
  private readonly hourlyMax = new HourlyMax();
  /** The last sample past QUIET_SURPRISE, and the first one of its episode. */
  private lastUnquietTs = Number.NEGATIVE_INFINITY;
  private episodeStartTs = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: Readonly<MetricStreamSettings> = DEFAULT_METRIC_STREAM_SETTINGS) {}

  /** Samples learnt from. */
  get count(): number {
    return this.n;
  }

  /**
   * Scores `value` at `ts` (epoch ms) against what was learnt before it, then learns from it. Returns
   * undefined during the warm-up and for a non-finite value; a sample not after the previous one is
   * neither scored nor learnt (a repeated or late sample must not count twice).
   */
  observe(ts: number, value: number): ScoredSample | undefined {
    if (!Number.isFinite(value) || !Number.isFinite(ts)) return undefined;
    if (this.n > 0 && !(ts > this.lastTs)) return undefined;
    const s = this.settings;
    const slot = Math.floor((ts - Math.floor(ts / DAY_MS) * DAY_MS) / SLOT_MS);
    const weekHour = hourOfWeekAt(ts);
    if (this.n === 0) {
      this.firstTs = ts;
      this.level = value;
      this.meanAbs = Math.abs(value);
      // an unknown spread starts at 5 % of the value and is learnt from the following samples
      this.errLevel = this.errDay = this.errWeek = this.spread = this.slowSpread = Math.max(0.05 * Math.abs(value), 1e-9);
      this.intervalMs = Number.NaN;
    } else {
      const gap = ts - this.lastTs;
      // the interval follows the data (irregular series, a poller changing its period); a gap counts
      // only up to 4 intervals, so an outage does not make the next samples weigh like days
      this.intervalMs = this.n === 1 ? gap : this.intervalMs + 0.1 * (Math.min(gap, 4 * this.intervalMs) - this.intervalMs);
    }
    const interval = Number.isFinite(this.intervalMs) ? this.intervalMs : SLOT_MS;

    // predictions from what was learnt before this sample
    const pLevel = this.level;
    const pDay = this.n > 0 ? this.day.predict(slot, ts) : undefined;
    const pWeek = this.n > 0 ? this.week.predict(weekHour, ts) : undefined;
    // each predictor weighted by the inverse square of its recent error
    let total = inverseSquare(this.errLevel);
    let expected = total * pLevel;
    let basis: PredictionBasis = "level";
    let strongest = total;
    if (pDay !== undefined) {
      const w = inverseSquare(this.errDay);
      total += w;
      expected += w * pDay;
      if (w > strongest) (strongest = w), (basis = "day profile");
    }
    if (pWeek !== undefined) {
      const w = inverseSquare(this.errWeek);
      total += w;
      expected += w * pWeek;
      if (w > strongest) (strongest = w), (basis = "week profile");
    }
    expected /= total;

    // the spread never drops far below its long-run level: a quiet hour must not make every ordinary
    // step of the series (a quantised counter, a polling jitter) look like a rare deviation
    const spread = Math.max(this.spread, s.longRunFloor * this.slowSpread, s.relativeFloor * this.meanAbs, 1e-9);
    const residual = value - expected;
    const raw = Math.abs(residual) / spread;
    const u = Math.log1p(raw);

    let scored: ScoredSample | undefined;
    const decay = 1 - Math.min(1, interval / s.scoreMs);
    if (this.n >= s.warmupSamples) {
      this.recent.push(u);
      if (this.recent.length > s.persistenceSamples) this.recent.shift();
      const run = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
      const single = -this.single.log10Tail(u, s.tailScale);
      const persisted = this.recent.length === s.persistenceSamples ? -this.runs.log10Tail(run, s.tailScale) : 0;
      const surprise = Math.max(0, single, persisted);
      // once in how many days: 10^surprise samples at this series' rate
      const rarity = 10 ** Math.min(surprise, 300) / (DAY_MS / interval);
      const quiet = ts - this.lastUnquietTs >= QUIET_MS;
      const priorMax = quiet ? 0 : this.hourlyMax.maxSince(Math.max(this.episodeStartTs, ts - DAY_MS));
      if (surprise >= QUIET_SURPRISE) {
        if (quiet) this.episodeStartTs = ts;
        this.lastUnquietTs = ts;
      }
      scored = {
        value,
        expected,
        spread,
        residual,
        raw,
        surprise,
        rarityDays: Math.min(MAX_RARITY_DAYS, rarity),
        priorMax,
        persistent: persisted > single,
        basis,
      };
      this.hourlyMax.add(ts, surprise);
      // scores of a young model (spread and profiles still forming) count less in its history, so the
      // cold start's rough first days do not set the bar of what is ordinary for a week
      const maturity = Math.min(1, Math.max(MIN_MATURITY, (ts - this.firstTs) / MATURE_MS));
      // a deviation far past anything ordinary (an incident) barely enters the history, so one attack
      // does not make the next one look ordinary (the same guard as leaving confirmed alerts out of
      // baseline training)
      const weight = maturity * (rarity >= INCIDENT_RARITY_DAYS ? INCIDENT_WEIGHT : 1);
      this.single.add(u, decay, weight);
      if (this.recent.length === s.persistenceSamples) this.runs.add(run, decay, weight);
    }

    // learn, with residuals clipped so one spike neither moves the level nor widens the spread
    const clip = s.learnClip * spread;
    if (this.n > 0) {
      const floorRate = 1 / (this.n + 1);
      const aErr = Math.min(1, Math.max(floorRate, interval / s.errorMs));
      // a predictor not in use yet is taken as no better than the level, so it starts on equal terms
      this.errDay = pDay === undefined ? this.errLevel : this.errDay + aErr * (Math.abs(clamp(value - pDay, clip)) - this.errDay);
      this.errWeek = pWeek === undefined ? this.errLevel : this.errWeek + aErr * (Math.abs(clamp(value - pWeek, clip)) - this.errWeek);
      this.errLevel += aErr * (Math.abs(clamp(value - pLevel, clip)) - this.errLevel);
      this.spread += aErr * (Math.abs(clamp(residual, clip)) - this.spread);
      this.slowSpread += Math.min(1, Math.max(floorRate, interval / s.scoreMs)) * (Math.abs(clamp(residual, clip)) - this.slowSpread);
      this.level += Math.min(1, Math.max(floorRate, interval / s.levelMs)) * clamp(value - pLevel, clip);
      this.meanAbs += aErr * (Math.abs(value) - this.meanAbs);
    }
    this.day.learn(slot, ts, value, interval, s.seasonalPeriods, clip);
    this.week.learn(weekHour, ts, value, interval, s.seasonalPeriods, clip);
    this.n += 1;
    this.lastTs = ts;
    return scored;
  }
}

const inverseSquare = (err: number) => 1 / Math.max(err, 1e-12) ** 2;
const clamp = (r: number, limit: number) => (r > limit ? limit : r < -limit ? -limit : r);
