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

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** The day profile's resolution: 15-minute slots, fine enough for a backup that starts on the quarter. */
const SLOT_MS = 15 * MINUTE_MS;
const DAY_SLOTS = DAY_MS / SLOT_MS;
const WEEK_HOURS = 168;

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
  /** −log10 of the tail probability of this score (or of the recent run of scores) for this series. */
  surprise: number;
  /** Whether the surprise came from a run of samples (persistence) rather than this one (extremeness). */
  persistent: boolean;
  /** The predictor that carried the most weight. */
  basis: PredictionBasis;
}

const SCORE_BINS = 96;
const SCORE_BIN_WIDTH = 0.0625;
/** Smallest tail probability reported (surprise 12). */
const MIN_TAIL = 1e-12;

/** A histogram of log(1 + raw) whose counts decay with time: the recent distribution of a score. */
class DecayingHistogram {
  private readonly counts = new Float32Array(SCORE_BINS);
  private weight = 0;

  /** P(score ≥ u) with add-one smoothing; past the highest occupied bin, an exponential fall-off. */
  tail(u: number, tailScale: number): number {
    const from = binOf(u);
    let above = 1;
    for (let b = from; b < SCORE_BINS; b++) above += this.counts[b]!;
    let top = SCORE_BINS - 1;
    while (top > 0 && this.counts[top]! < 0.5) top--;
    const beyond = Math.max(0, u - (top + 1) * SCORE_BIN_WIDTH);
    return Math.max(MIN_TAIL, (above / (this.weight + 1)) * Math.exp(-beyond / tailScale));
  }

  add(u: number, decay: number): void {
    for (let b = 0; b < SCORE_BINS; b++) this.counts[b]! *= decay;
    this.weight = this.weight * decay + 1;
    this.counts[binOf(u)]! += 1;
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

  learn(slot: number, ts: number, value: number, intervalMs: number, periods: number, clipped: (r: number) => number): void {
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
    this.means[slot] = mean + a * (this.inUse(slot, ts) ? clipped(value - mean) : value - mean);
  }

  private inUse(slot: number, ts: number): boolean {
    return ts - this.firstSeen[slot]! >= this.periodMs - this.slotMs;
  }
}

export class MetricStream {
  private n = 0;
  private lastTs = Number.NaN;
  /** Smoothed interval between samples (ms). */
  private intervalMs = Number.NaN;
  private level = 0;
  private meanAbs = 0;
  private errLevel = 0;
  private errDay = 0;
  private errWeek = 0;
  private spread = 0;
  private readonly day = new SeasonalProfile(DAY_SLOTS, DAY_MS, SLOT_MS);
  private readonly week = new SeasonalProfile(WEEK_HOURS, WEEK_MS, HOUR_MS);
  private readonly single = new DecayingHistogram();
  private readonly runs = new DecayingHistogram();
  private readonly recent: number[] = [];

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
    const { slot, hourOfWeek } = positions(ts);
    if (this.n === 0) {
      this.level = value;
      this.meanAbs = Math.abs(value);
      // an unknown spread starts at 5 % of the value and is learnt from the following samples
      this.errLevel = this.errDay = this.errWeek = this.spread = Math.max(0.05 * Math.abs(value), 1e-9);
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
    const pWeek = this.n > 0 ? this.week.predict(hourOfWeek, ts) : undefined;
    const weightOf = (err: number) => 1 / Math.max(err, 1e-12) ** 2;
    let total = weightOf(this.errLevel);
    let expected = total * pLevel;
    let basis: PredictionBasis = "level";
    let strongest = total;
    for (const [p, err, name] of [
      [pDay, this.errDay, "day profile"],
      [pWeek, this.errWeek, "week profile"],
    ] as const) {
      if (p === undefined) continue;
      const w = weightOf(err);
      total += w;
      expected += w * p;
      if (w > strongest) (strongest = w), (basis = name);
    }
    expected /= total;

    const spread = Math.max(this.spread, s.relativeFloor * this.meanAbs, 1e-9);
    const residual = value - expected;
    const raw = Math.abs(residual) / spread;
    const u = Math.log1p(raw);

    let scored: ScoredSample | undefined;
    const decay = 1 - Math.min(1, interval / s.scoreMs);
    if (this.n >= s.warmupSamples) {
      this.recent.push(u);
      if (this.recent.length > s.persistenceSamples) this.recent.shift();
      const run = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
      const single = this.single.tail(u, s.tailScale);
      const persisted = this.recent.length === s.persistenceSamples ? this.runs.tail(run, s.tailScale) : 1;
      const tail = Math.min(1, single, persisted);
      scored = {
        value,
        expected,
        spread,
        residual,
        raw,
        surprise: Math.max(0, -Math.log10(tail)),
        persistent: persisted < single,
        basis,
      };
      this.single.add(u, decay);
      if (this.recent.length === s.persistenceSamples) this.runs.add(run, decay);
    }

    // learn, with residuals clipped so one spike neither moves the level nor widens the spread
    const clip = s.learnClip * spread;
    const clipped = (r: number) => Math.max(-clip, Math.min(clip, r));
    const rate = (horizonMs: number) => Math.min(1, Math.max(1 / (this.n + 1), interval / horizonMs));
    if (this.n > 0) {
      const aErr = rate(s.errorMs);
      const learnErr = (err: number, predicted: number) => err + aErr * (Math.abs(clipped(value - predicted)) - err);
      // a predictor not in use yet is taken as no better than the level, so it starts on equal terms
      this.errDay = pDay === undefined ? this.errLevel : learnErr(this.errDay, pDay);
      this.errWeek = pWeek === undefined ? this.errLevel : learnErr(this.errWeek, pWeek);
      this.errLevel = learnErr(this.errLevel, pLevel);
      this.spread = learnErr(this.spread, expected);
      this.level += rate(s.levelMs) * clipped(value - pLevel);
      this.meanAbs += aErr * (Math.abs(value) - this.meanAbs);
    }
    this.day.learn(slot, ts, value, interval, s.seasonalPeriods, clipped);
    this.week.learn(hourOfWeek, ts, value, interval, s.seasonalPeriods, clipped);
    this.n += 1;
    this.lastTs = ts;
    return scored;
  }
}

/** The 15-minute slot of the day and the hour of the week (Monday 00:00 UTC = 0) of a time. */
function positions(ts: number): { slot: number; hourOfWeek: number } {
  const d = new Date(ts);
  const slot = Math.floor((ts - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())) / SLOT_MS);
  return { slot, hourOfWeek: ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours() };
}
