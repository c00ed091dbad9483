// Ranking quality of anomaly scores against known labels: ROC AUC and average precision. Higher score =
// more anomalous; label 1 (or true) = anomaly. Used by the evaluation scripts, not in the detection path.

/** Labels as 1/0 or true/false; anything truthy is an anomaly. */
export type Labels = ArrayLike<number | boolean>;

/**
 * Area under the ROC curve: the probability that a random anomaly scores above a random normal point, a tie
 * counting one half (Mann–Whitney U with average ranks for tied scores). 1 = perfect ranking, 0.5 = chance
 * (or all scores tied), 0 = exactly reversed. O(n log n).
 *
 * Throws RangeError when lengths differ, a score is NaN, or one class is missing (AUC is undefined then).
 */
export function rocAuc(scores: ArrayLike<number>, labels: Labels): number {
  const { sorted, isPositive, positives, negatives } = sortByScore("rocAuc", scores, labels);
  // Sum of the (1-based, tie-averaged) ranks of the positives in ascending score order.
  let rankSum = 0;
  const n = sorted.length;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const averageRank = (i + 1 + j) / 2; // ranks i+1 .. j share their average
    for (let k = i; k < j; k++) rankSum += isPositive[k]! * averageRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision (area under the precision–recall curve, step-wise, as scikit-learn's
 * `average_precision_score`): Σ over distinct score thresholds, highest first, of (recall gained at that
 * threshold) × (precision at it). Tied scores form one threshold. 1 = every anomaly ranked above every normal
 * point; a random ranking gets about the anomaly share, which makes it the figure to read when anomalies are
 * rare. Throws RangeError like `rocAuc`.
 */
export function averagePrecision(scores: ArrayLike<number>, labels: Labels): number {
  const { sorted, isPositive, positives } = sortByScore("averagePrecision", scores, labels);
  let truePositives = 0;
  let ap = 0;
  let i = sorted.length - 1;
  while (i >= 0) {
    let gained = 0;
    let j = i;
    while (j >= 0 && sorted[j] === sorted[i]) gained += isPositive[j--]!;
    truePositives += gained;
    const flagged = sorted.length - 1 - j; // everything scoring ≥ this threshold
    if (gained > 0) ap += (gained / positives) * (truePositives / flagged);
    i = j;
  }
  return ap;
}

/** Scores in ascending order with their labels (1/0) alongside, after validation. */
function sortByScore(
  fn: string,
  scores: ArrayLike<number>,
  labels: Labels,
): { sorted: Float64Array; isPositive: Uint8Array; positives: number; negatives: number } {
  const n = scores.length;
  if (labels.length !== n) throw new RangeError(`${fn}: ${n} scores but ${labels.length} labels`);
  const keys = new Float64Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) throw new RangeError(`${fn}: score ${i} is NaN`);
    keys[i] = s;
    if (labels[i]) positives++;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(`${fn}: needs both anomalies and normal points (got ${positives} and ${negatives})`);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => keys[a]! - keys[b]! || 0); // `|| 0`: Infinity − Infinity is NaN
  const sorted = new Float64Array(n);
  const isPositive = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    sorted[k] = keys[i]!;
    isPositive[k] = labels[i] ? 1 : 0;
  }
  return { sorted, isPositive, positives, negatives };
}
