// Choosing k and clustering: k-means++ (ml-kmeans) for each k in kRange, scored by mean silhouette over a
// seeded sample of devices.
import { kmeans } from "ml-kmeans";
import type { ResolvedPeerGroupOptions } from "@/lib/detect/peers/peer-group-options";
import { mulberry32, noise } from "@/lib/simulator/prng";

/** Bound on the silhouette's precomputed distance rows (entries); above it rows are computed on the fly. */
const DISTANCE_CACHE_ENTRIES = 8_000_000;

export interface ClusterChoice {
  /** 0-based cluster per device, renumbered largest cluster first. */
  labels: number[];
  byK: { k: number; silhouette: number }[];
  chosenSilhouette: number | null;
  /** Silhouette of each sampled device under the chosen labels (NaN where not sampled). */
  pointSilhouettes: Float64Array;
}

/**
 * k from kRange by mean silhouette (k = 1 when no k reaches minSilhouette: a fleet with no group structure is
 * not split into arbitrary halves); for each k, the best of a few seeded k-means++ runs by inertia.
 */
export function chooseClusters(rows: number[][], options: ResolvedPeerGroupOptions): ClusterChoice {
  const n = rows.length;
  const single: ClusterChoice = {
    labels: new Array<number>(n).fill(0),
    byK: [],
    chosenSilhouette: null,
    pointSilhouettes: new Float64Array(n).fill(Number.NaN),
  };
  if (n < 3 || (rows[0]?.length ?? 0) === 0) return single;
  // k-means++ needs k distinct points: with fewer, its sampling weights are all zero.
  const distinct = new Set(rows.map((row) => row.join(","))).size;
  const [kMin, kRangeMax] = options.kRange;
  const kMax = Math.min(kRangeMax, n - 1, distinct);
  if (kMax < kMin) return single;

  const silhouette = new SilhouetteScorer(rows, options.silhouetteSampleSize, options.seed);
  const byK: { k: number; silhouette: number }[] = [];
  let best: { labels: number[]; score: number; points: Float64Array } | null = null;
  for (let k = kMin; k <= kMax; k++) {
    const labels = bestKMeans(rows, k, options);
    const { mean: score, points } = silhouette.score(labels);
    byK.push({ k, silhouette: score });
    // Strictly greater: on a tie the smaller k (the simpler grouping) stays.
    if (!best || score > best.score + 1e-12) best = { labels, score, points };
  }
  if (!best || best.score < options.minSilhouette) return { ...single, byK };
  return { labels: best.labels, byK, chosenSilhouette: best.score, pointSilhouettes: best.points };
}

/** Lowest-inertia labelling among `restarts` seeded k-means++ runs, renumbered largest cluster first. */
function bestKMeans(rows: number[][], k: number, options: ResolvedPeerGroupOptions): number[] {
  let best: { labels: number[]; inertia: number } | null = null;
  for (let restart = 0; restart < options.restarts; restart++) {
    const seed = Math.floor(noise(options.seed, k, restart) * 2 ** 31);
    const result = kmeans(rows, k, { seed, initialization: "kmeans++" });
    const labels = result.clusters;
    let inertia = 0;
    rows.forEach((row, i) => {
      const centroid = result.centroids[labels[i]!]!;
      for (let j = 0; j < row.length; j++) inertia += (row[j]! - centroid[j]!) ** 2;
    });
    if (!best || inertia < best.inertia - 1e-9 * Math.max(1, best.inertia)) best = { labels: [...labels], inertia };
  }
  return renumber(best!.labels);
}

/** Drops empty clusters and numbers the rest by size, largest first; ties by their first (alphabetical) member. */
function renumber(labels: readonly number[]): number[] {
  const stats = new Map<number, { size: number; first: number }>();
  labels.forEach((label, i) => {
    const s = stats.get(label);
    if (s) s.size++;
    else stats.set(label, { size: 1, first: i });
  });
  const ordered = [...stats.entries()].sort((a, b) => b[1].size - a[1].size || a[1].first - b[1].first);
  const next = new Map(ordered.map(([label], index) => [label, index]));
  return labels.map((label) => next.get(label)!);
}

/**
 * Mean silhouette (Rousseeuw 1987) over a seeded sample of devices: s = (b − a) / max(a, b) with a the mean
 * distance to the other members of its own cluster and b the smallest mean distance to another cluster;
 * 0 for a device alone in its cluster. Distances from the sample to every device are computed once and
 * reused for every k when they fit in memory.
 */
class SilhouetteScorer {
  private readonly sample: number[];
  private readonly cache: Float64Array | null;
  private readonly scratch: Float64Array;

  constructor(
    private readonly rows: readonly number[][],
    sampleSize: number,
    seed: number,
  ) {
    const n = rows.length;
    this.sample = sampleIndices(n, sampleSize, seed);
    this.scratch = new Float64Array(n);
    if (this.sample.length * n <= DISTANCE_CACHE_ENTRIES) {
      this.cache = new Float64Array(this.sample.length * n);
      this.sample.forEach((i, s) => this.fillDistances(i, this.cache!.subarray(s * n, (s + 1) * n)));
    } else {
      this.cache = null;
    }
  }

  score(labels: readonly number[]): { mean: number; points: Float64Array } {
    const n = this.rows.length;
    const k = Math.max(...labels) + 1;
    const sizes = new Array<number>(k).fill(0);
    for (const label of labels) sizes[label]!++;
    const points = new Float64Array(n).fill(Number.NaN);
    const sums = new Float64Array(k);
    let total = 0;
    this.sample.forEach((i, s) => {
      const row = this.cache ? this.cache.subarray(s * n, (s + 1) * n) : this.fillDistances(i, this.scratch);
      sums.fill(0);
      for (let j = 0; j < n; j++) sums[labels[j]!]! += row[j]!;
      const own = labels[i]!;
      let value = 0;
      if (sizes[own]! > 1) {
        const a = sums[own]! / (sizes[own]! - 1);
        let b = Number.POSITIVE_INFINITY;
        for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
        const denominator = Math.max(a, b);
        value = Number.isFinite(b) && denominator > 0 ? (b - a) / denominator : 0;
      }
      points[i] = value;
      total += value;
    });
    return { mean: total / this.sample.length, points };
  }

  private fillDistances(i: number, out: Float64Array): Float64Array {
    const a = this.rows[i]!;
    this.rows.forEach((b, j) => {
      let sum = 0;
      for (let d = 0; d < a.length; d++) sum += (a[d]! - b[d]!) ** 2;
      out[j] = Math.sqrt(sum);
    });
    return out;
  }
}

function sampleIndices(n: number, size: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  // Partial Fisher–Yates: the first `size` entries are a uniform sample without replacement.
  const rng = mulberry32(noise(seed, 0x5117) * 2 ** 32);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rng() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, size).sort((a, b) => a - b);
}
