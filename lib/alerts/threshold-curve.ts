// Precision, recall and F1 of a detector against its threshold, from analysts' verdicts on its stored
// alerts. An alert whose score is at or above the threshold counts as raised; an alert is a positive
// when its true-positive verdicts are at least as many as its false-positive ones (a tie keeps it, so
// a disputed threat is never tuned away). Recall is relative to the labelled positives: threats the
// detector never alerted on have no stored score and cannot be counted. Pure.

export interface LabelledScore {
  score: number;
  positive: boolean;
}

export interface CurvePoint {
  threshold: number;
  /** Labelled alerts at or above the threshold. */
  raised: number;
  truePositives: number;
  /** null when nothing labelled is raised. */
  precision: number | null;
  /** null when there are no labelled positives. */
  recall: number | null;
  /** null when precision or recall is. */
  f1: number | null;
}

export interface ThresholdCurve {
  labelled: number;
  positives: number;
  points: CurvePoint[];
  /** The best threshold by each measure, or null without enough labels. */
  optimal: { f1: number | null; precision: number | null; recall: number | null };
}

/** The label of one alert from its verdict counts; undefined when it has none. */
export function verdictLabel(truePositives: number, falsePositives: number): boolean | undefined {
  if (truePositives + falsePositives === 0) return undefined;
  return truePositives >= falsePositives;
}

export function pointAt(labels: readonly LabelledScore[], threshold: number): CurvePoint {
  let raised = 0;
  let truePositives = 0;
  let positives = 0;
  for (const l of labels) {
    if (l.positive) positives += 1;
    if (l.score >= threshold) {
      raised += 1;
      if (l.positive) truePositives += 1;
    }
  }
  const precision = raised > 0 ? truePositives / raised : null;
  const recall = positives > 0 ? truePositives / positives : null;
  const f1 =
    precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, raised, truePositives, precision, recall, f1 };
}

/** Best by `measure`; ties go to the higher threshold when `preferHigh` (fewer alerts), else the lower. */
function best(points: readonly CurvePoint[], measure: (p: CurvePoint) => number | null, preferHigh: boolean): number | null {
  let chosen: CurvePoint | undefined;
  for (const p of points) {
    const v = measure(p);
    if (v === null) continue;
    const c = chosen ? measure(chosen)! : -Infinity;
    if (v > c + 1e-12 || (Math.abs(v - c) <= 1e-12 && (preferHigh ? p.threshold > chosen!.threshold : p.threshold < chosen!.threshold))) {
      chosen = p;
    }
  }
  return chosen?.threshold ?? null;
}

/**
 * The curve at every distinct labelled score (where a measure can change) plus `extraThresholds`
 * (e.g. the current setting), ascending, thinned to at most `maxPoints` for drawing. The optima are
 * found on the full set: F1 and recall prefer the higher threshold on a tie (fewer alerts for the same
 * result), precision the lower one (more recall for the same precision).
 */
export function thresholdCurve(
  labels: readonly LabelledScore[],
  options: { extraThresholds?: readonly number[]; maxPoints?: number } = {},
): ThresholdCurve {
  const finite = labels.filter((l) => Number.isFinite(l.score));
  const positives = finite.filter((l) => l.positive).length;
  const thresholds = [...new Set([...finite.map((l) => l.score), ...(options.extraThresholds ?? []).filter(Number.isFinite)])].sort(
    (a, b) => a - b,
  );
  const all = thresholds.map((t) => pointAt(finite, t));
  const optimal = {
    f1: best(all, (p) => p.f1, true),
    precision: best(all, (p) => p.precision, false),
    recall: best(all, (p) => p.recall, true),
  };
  const maxPoints = Math.max(2, options.maxPoints ?? 300);
  let points = all;
  if (all.length > maxPoints) {
    const keep = new Set<number>([...Object.values(optimal).filter((t): t is number => t !== null), ...(options.extraThresholds ?? [])]);
    const step = (all.length - 1) / (maxPoints - 1);
    const picked = new Set<number>();
    for (let i = 0; i < maxPoints; i++) picked.add(Math.round(i * step));
    points = all.filter((p, i) => picked.has(i) || keep.has(p.threshold));
  }
  return { labelled: finite.length, positives, points, optimal };
}
