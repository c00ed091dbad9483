// NAB v1.1 scoring (the Numenta Anomaly Benchmark), as NAB's own sweeper, optimiser and normaliser do it
// (numenta/NAB: nab/sweeper.py, nab/optimizer.py, nab/runner.py `normalize`, nab/util.py
// `getProbationPeriod`). Pure: plain timestamps, scores and windows in, figures out; no file IO.
//
// Terms (NAB's):
// - probationary period: the first min(floor(15% × rows), 15% × 5000 = 750) rows of a file; a detector
//   warms up there and nothing in it is scored (neither detections nor the part of a window inside it).
// - window: a labelled [start, end] range of rows (timestamps of rows of the file, inclusive).
// - detection: a row whose anomaly score reaches the threshold (score >= threshold).
// - per-row sweep value: inside a window, tpWeight × σ(−(right − i + 1) / width) / σ(−1); outside, fpWeight ×
//   σ(|i − prevRight| / (prevWidth − 1)), or −fpWeight before the first window; σ is NAB's scaled sigmoid.
// - raw score of a file: Σ over its scored windows of max(−fnWeight, best sweep value of a detection in it)
//   (the earliest detection is the best: the value falls through the window) + Σ sweep values of the
//   detections outside every window.
// - threshold: ONE per profile for the whole corpus, the one maximising the corpus's raw total; every distinct
//   score is tried, plus 1.1 (nothing detected). Ties go to the highest threshold (NAB's stable sort).
// - normalised score: 100 × (raw − null) / (perfect − null), null = the raw total with no detection
//   (−fnWeight × scored windows), perfect = tpWeight × labelled windows, both per profile over the corpus.

export const NAB_PROBATION_PERCENT = 0.15;
/** NAB's threshold that detects nothing (the sweep starts there). */
export const NAB_NO_DETECTION_THRESHOLD = 1.1;

export const NAB_PROFILE_NAMES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const;
export type NabProfileName = (typeof NAB_PROFILE_NAMES)[number];

/** A profile's cost matrix (config/profiles.json; tnWeight is unused by NAB's scoring). */
export interface NabCostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}
export type NabProfiles = Record<NabProfileName, NabCostMatrix>;

/** A labelled anomaly window: the timestamps (epoch ms) of its first and last rows. */
export interface NabWindow {
  start: number;
  end: number;
}

/** One data file: its rows' timestamps (epoch ms, in file order) and its windows. */
export interface NabSeries {
  /** The file's path relative to data/, e.g. "realKnownCause/nyc_taxi.csv". */
  name: string;
  timestamps: readonly number[];
  windows: readonly NabWindow[];
}
export interface NabScoredSeries extends NabSeries {
  /** One anomaly score per row (NaN never detects). */
  scores: readonly number[];
}
export interface NabDetectedSeries extends NabSeries {
  /** One flag per row: a detection at that row. */
  detections: readonly boolean[];
}

/** Raw figures of a file or a sum of files at one threshold (or one set of detections). */
export interface NabTally {
  /** NAB's raw score (tp/fn/fp parts summed). */
  score: number;
  /** Labelled windows (the "perfect" detector's count). */
  windows: number;
  /** Windows with at least one row after the probationary period (the ones that are scored). */
  scoredWindows: number;
  detectedWindows: number;
  /** Detections outside every window, after the probationary period. */
  falsePositives: number;
}
export interface NabSeriesTally extends NabTally {
  name: string;
}

export interface NabProfileResult {
  /** The corpus-wide threshold chosen (1.1: nothing detected); null for fixed detections. */
  threshold: number | null;
  total: NabTally;
  /** 100 = perfect, 0 = null detector; null when the tally has no window (nothing to normalise by). */
  normalised: number | null;
  bySeries: NabSeriesTally[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** NAB's scaled sigmoid of a relative position: −1 (window start) → 0.987, 0 (window end) → 0, > 3 → −1. */
export function nabScaledSigmoid(relativePosition: number): number {
  return relativePosition > 3 ? -1 : 2 * sigmoid(-5 * relativePosition) - 1;
}

const MAX_TP = nabScaledSigmoid(-1);

/** NAB's getProbationPeriod: rows [0, length) are not scored. */
export function nabProbationaryLength(rowCount: number, probationPercent = NAB_PROBATION_PERCENT): number {
  return Math.min(Math.floor(probationPercent * rowCount), probationPercent * 5000);
}

const OUTSIDE = -1;
const PROBATION = -2;

/** A file's rows resolved once: which window each row is in and its unweighted sweep value. */
interface PreparedSeries {
  name: string;
  /** Per row: PROBATION, OUTSIDE, or the index of the window (in the file) holding it. */
  windowOf: Int32Array;
  /** Per row: σ(position) / σ(−1) inside a window, σ(distance past the previous window) (or −1) outside. */
  value: Float64Array;
  windows: number;
  scoredWindows: number;
}

/** Window limits → row indices, NAB's way: the first row with the start timestamp, the first with the end's. */
function windowRows(series: NabSeries): { left: number; right: number }[] {
  const firstIndex = new Map<number, number>();
  series.timestamps.forEach((t, i) => {
    if (!firstIndex.has(t)) firstIndex.set(t, i);
  });
  return series.windows
    .map((w) => {
      const left = firstIndex.get(w.start);
      const right = firstIndex.get(w.end);
      if (left === undefined || right === undefined || right < left) {
        throw new Error(
          `${series.name}: window [${new Date(w.start).toISOString()}, ${new Date(w.end).toISOString()}] does not start and end on rows of the file`,
        );
      }
      return { left, right };
    })
    .sort((a, b) => a.left - b.left);
}

/** NAB's Sweeper.calcSweepScore, without the weights (they are applied per profile). */
function prepare(series: NabSeries): PreparedSeries {
  const n = series.timestamps.length;
  const windows = windowRows(series);
  const probation = nabProbationaryLength(n);
  const windowOf = new Int32Array(n);
  const value = new Float64Array(n);
  const scored = new Set<number>();
  let next = 0;
  let cur = -1;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    if (next < windows.length && i === windows[next]!.left) cur = next++;
    if (cur >= 0) {
      const { left, right } = windows[cur]!;
      value[i] = nabScaledSigmoid(-(right - i + 1) / (right - left + 1)) / MAX_TP;
    } else {
      // Before any window NAB counts a false positive as far away. After a one-row window NAB divides by
      // zero; here the distance is infinite, so it costs the full weight.
      value[i] = prevRight < 0 ? -1 : nabScaledSigmoid(Math.abs(i - prevRight) / (prevWidth - 1));
    }
    if (i < probation) windowOf[i] = PROBATION;
    else {
      windowOf[i] = cur >= 0 ? cur : OUTSIDE;
      if (cur >= 0) scored.add(cur);
    }
    if (cur >= 0 && i === windows[cur]!.right) {
      prevRight = i;
      prevWidth = windows[cur]!.right - windows[cur]!.left + 1;
      cur = -1;
    }
  }
  return { name: series.name, windowOf, value, windows: windows.length, scoredWindows: scored.size };
}

function checkLength(series: NabSeries, perRow: readonly unknown[], what: string): void {
  if (perRow.length !== series.timestamps.length) {
    throw new Error(`${series.name}: ${perRow.length} ${what} for ${series.timestamps.length} rows`);
  }
}

/** The raw tally of one prepared file given its detections. */
function tally(p: PreparedSeries, detected: (i: number) => boolean, cost: NabCostMatrix): NabSeriesTally {
  const best = new Map<number, number>();
  let fpScore = 0;
  let falsePositives = 0;
  for (let i = 0; i < p.windowOf.length; i++) {
    const w = p.windowOf[i]!;
    if (w === PROBATION || !detected(i)) continue;
    if (w === OUTSIDE) {
      fpScore += p.value[i]! * cost.fpWeight;
      falsePositives++;
    } else {
      best.set(w, Math.max(best.get(w) ?? -cost.fnWeight, p.value[i]! * cost.tpWeight));
    }
  }
  let windowScore = -cost.fnWeight * (p.scoredWindows - best.size);
  for (const v of best.values()) windowScore += v;
  return {
    name: p.name,
    score: windowScore + fpScore,
    windows: p.windows,
    scoredWindows: p.scoredWindows,
    detectedWindows: best.size,
    falsePositives,
  };
}

/** Adds tallies (e.g. a category's files). */
export function sumNabTallies(tallies: readonly NabTally[]): NabTally {
  const total: NabTally = { score: 0, windows: 0, scoredWindows: 0, detectedWindows: 0, falsePositives: 0 };
  for (const t of tallies) {
    total.score += t.score;
    total.windows += t.windows;
    total.scoredWindows += t.scoredWindows;
    total.detectedWindows += t.detectedWindows;
    total.falsePositives += t.falsePositives;
  }
  return total;
}

/** NAB's normalisation of a (corpus or category) tally: null detector 0, perfect detector 100. */
export function normaliseNabTally(t: NabTally, cost: NabCostMatrix): number | null {
  const nullScore = -cost.fnWeight * t.scoredWindows;
  const perfect = cost.tpWeight * t.windows;
  return perfect === nullScore ? null : (100 * (t.score - nullScore)) / (perfect - nullScore);
}

/** Every scored row of the corpus with a score (NaN never detects), sorted by anomaly score, highest first. */
interface SweepRows {
  score: number[];
  /** Corpus-wide window id, or OUTSIDE. */
  window: number[];
  value: number[];
  scoredWindows: number;
}

function sweepRows(prepared: readonly PreparedSeries[], series: readonly NabScoredSeries[]): SweepRows {
  const score: number[] = [];
  const window: number[] = [];
  const value: number[] = [];
  let windowBase = 0;
  let scoredWindows = 0;
  prepared.forEach((p, f) => {
    const scores = series[f]!.scores;
    p.windowOf.forEach((w, i) => {
      const x = scores[i]!;
      if (w === PROBATION || Number.isNaN(x)) return;
      score.push(x);
      window.push(w === OUTSIDE ? OUTSIDE : windowBase + w);
      value.push(p.value[i]!);
    });
    windowBase += p.windows;
    scoredWindows += p.scoredWindows;
  });
  const order = Array.from(score.keys()).sort((a, b) => score[b]! - score[a]!);
  return {
    score: order.map((j) => score[j]!),
    window: order.map((j) => window[j]!),
    value: order.map((j) => value[j]!),
    scoredWindows,
  };
}

/** NAB's Sweeper.calcScoreByThreshold + optimiser over the sorted rows: O(rows) per profile. */
function sweep(rows: SweepRows, cost: NabCostMatrix): { threshold: number; score: number } {
  const part = new Map<number, number>();
  let total = -cost.fnWeight * rows.scoredWindows;
  let best = { threshold: NAB_NO_DETECTION_THRESHOLD, score: total };
  for (let k = 0; k < rows.score.length; ) {
    const threshold = rows.score[k]!;
    for (; k < rows.score.length && rows.score[k] === threshold; k++) {
      const w = rows.window[k]!;
      if (w === OUTSIDE) total += rows.value[k]! * cost.fpWeight;
      else {
        const old = part.get(w) ?? -cost.fnWeight;
        const now = Math.max(old, rows.value[k]! * cost.tpWeight);
        part.set(w, now);
        total += now - old;
      }
    }
    // Strictly better only: on a tie the higher threshold stays, as NAB's stable sort keeps it first.
    if (total > best.score) best = { threshold, score: total };
  }
  return best;
}

function checkScores(s: NabScoredSeries): void {
  checkLength(s, s.scores, "scores");
  const bad = s.scores.findIndex((x) => x < 0 || x > 1);
  if (bad >= 0) throw new Error(`${s.name}: row ${bad} has anomaly score ${s.scores[bad]}, outside [0, 1]`);
}

/**
 * The whole NAB evaluation of one detector's anomaly scores: per profile, the corpus-wide threshold NAB's
 * optimiser chooses (an exact sweep over every distinct score) and the raw and normalised scores at it.
 */
export function evaluateNab(series: readonly NabScoredSeries[], profiles: NabProfiles): Record<NabProfileName, NabProfileResult> {
  series.forEach(checkScores);
  const prepared = series.map(prepare);
  const rows = sweepRows(prepared, series);
  return byProfile(profiles, (cost) => {
    const { threshold } = sweep(rows, cost);
    return { threshold, bySeries: prepared.map((p, f) => tally(p, (i) => series[f]!.scores[i]! >= threshold, cost)) };
  });
}

/** The NAB scores of fixed detections (e.g. a detector's own alert flags), per profile; no threshold. */
export function evaluateNabDetections(
  series: readonly NabDetectedSeries[],
  profiles: NabProfiles,
): Record<NabProfileName, NabProfileResult> {
  series.forEach((s) => checkLength(s, s.detections, "detections"));
  const prepared = series.map(prepare);
  return byProfile(profiles, (cost) => ({
    threshold: null,
    bySeries: prepared.map((p, f) => tally(p, (i) => series[f]!.detections[i] === true, cost)),
  }));
}

function byProfile(
  profiles: NabProfiles,
  run: (cost: NabCostMatrix) => { threshold: number | null; bySeries: NabSeriesTally[] },
): Record<NabProfileName, NabProfileResult> {
  const entries = NAB_PROFILE_NAMES.map((name): [NabProfileName, NabProfileResult] => {
    const cost = profiles[name];
    const { threshold, bySeries } = run(cost);
    const total = sumNabTallies(bySeries);
    return [name, { threshold, total, normalised: normaliseNabTally(total, cost), bySeries }];
  });
  return Object.fromEntries(entries) as Record<NabProfileName, NabProfileResult>;
}
