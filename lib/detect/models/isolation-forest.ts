// Isolation Forest (Liu, Ting & Zhou, ICDM 2008): anomalies are few and different, so random axis-parallel
// splits separate them from the rest in fewer steps than ordinary points. Pure and seeded: no I/O, clock or
// Math.random, so the same data, options and seed give the same model and the same scores.
//
// Terms (the paper's): t trees, each an "iTree" grown on ψ rows drawn without replacement; height limit
// l = ceil(log2 ψ); h(x) = edges from the root to the external node x reaches plus c(size) for the rows that
// node still holds unseparated; c(n) = 2H(n−1) − 2(n−1)/n, the average unsuccessful-search path length of a
// binary search tree on n points; score s(x, ψ) = 2^(−E[h(x)] / c(ψ)) in (0, 1]: near 1 clearly anomalous,
// well below 0.5 clearly normal, about 0.5 everywhere when nothing stands out.
//
// Fitting is the cheap `preprocess` step (t × ψ rows whatever the data size); scoring walks every tree for
// every row and is the part that has to be fast, so the forest is a handful of flat typed arrays and
// scoring allocates nothing but its result.
import { mulberry32 } from "@/lib/simulator/prng";

export interface IsolationForestOptions {
  /** Number of trees t. Default 100. */
  trees?: number;
  /** Rows per tree ψ, drawn without replacement; capped at the number of rows. Default 256. */
  sampleSize?: number;
  /** Any finite number; the same seed gives the same forest. Default 1. */
  seed?: number;
  /** Height limit; default ceil(log2 ψ), the paper's. A node at this depth becomes external. */
  maxDepth?: number;
}

export const ISOLATION_FOREST_DEFAULTS = { trees: 100, sampleSize: 256, seed: 1 } as const;

/**
 * A fitted forest. All trees live in one set of node arrays; tree k's root is node `roots[k]`. At an internal
 * node a row goes to the left child `left[node]` when `row[feature[node]] < split[node]`, otherwise to the
 * right child, which is always `left[node] + 1`. An external node (leaf) points to itself (`left[node] ===
 * node`) with `split = +Infinity` and `feature = 0`, so a row that reached it stays there: scoring then takes
 * exactly `height[k]` steps in tree k with no leaf test in the loop (see `isExternalNode`).
 */
export interface IsolationForestModel {
  /** Number of features each row must have. */
  readonly cols: number;
  /** t. */
  readonly trees: number;
  /** ψ actually used: min(options.sampleSize, rows). */
  readonly sampleSize: number;
  /** The height limit the trees were grown with. */
  readonly maxDepth: number;
  readonly seed: number;
  /** c(ψ), the divisor in the score; 0 when ψ = 1 (every score is then 0.5). */
  readonly normalizer: number;
  /** Root node index of each tree (length t). */
  readonly roots: Int32Array;
  /** Depth of the deepest external node of each tree (length t). */
  readonly height: Int32Array;
  /** Split feature of each internal node; 0 for external nodes. */
  readonly feature: Int32Array;
  /** Split value of each internal node (a row goes left when its value is < split); +Infinity for external nodes. */
  readonly split: Float64Array;
  /** Left child of each internal node (the right child is left + 1); the node itself for external nodes. */
  readonly left: Int32Array;
  /** Training-sample rows that reached the node (for an external node: its leaf size). */
  readonly size: Int32Array;
  /** For an external node: its depth + c(size), the h(x) of every row that ends there; 0 otherwise. */
  readonly leafPath: Float64Array;
}

/** Whether `node` is an external node (leaf) of the model's trees. */
export function isExternalNode(model: IsolationForestModel, node: number): boolean {
  return model.left[node] === node;
}

/**
 * c(n): average path length of an unsuccessful search in a binary search tree of n points, with the
 * harmonic number computed exactly (the paper's ln(i) + 0.5772156649 approximation would make c(2) ≈ 0.15
 * instead of 1). c(0) = c(1) = 0.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  return 2 * harmonic(n - 1) - (2 * (n - 1)) / n;
}

const EULER_GAMMA = 0.5772156649015329;

function harmonic(i: number): number {
  if (i <= 256) {
    let h = 0;
    for (let k = i; k >= 1; k--) h += 1 / k;
    return h;
  }
  // Asymptotic expansion; error below 1e-12 for i > 256.
  return Math.log(i) + EULER_GAMMA + 1 / (2 * i) - 1 / (12 * i * i);
}

/**
 * Grows t isolation trees, each on ψ = min(sampleSize, rows) rows drawn without replacement from `data`
 * (row-major, rows × cols). At each node a split feature is drawn uniformly among the features that are not
 * constant within the node's rows (a feature constant there cannot split it; when all are constant the rows
 * are identical and the node is external, the paper's "all data in X have the same values"), and the split
 * value uniformly in [min, max) of that feature within the node's rows.
 *
 * Throws RangeError on a shape mismatch, bad options, or any NaN / ±Infinity value (naming the row and
 * column): missing metrics must be imputed or the row dropped before fitting; a NaN would silently follow
 * the right-hand branch of every split.
 */
export function fitIsolationForest(
  data: Float64Array,
  rows: number,
  cols: number,
  opts: IsolationForestOptions = {},
): IsolationForestModel {
  checkShape("fitIsolationForest", data, rows, cols);
  if (rows < 1) throw new RangeError("fitIsolationForest: need at least one row");
  const trees = opts.trees ?? ISOLATION_FOREST_DEFAULTS.trees;
  const requestedSample = opts.sampleSize ?? ISOLATION_FOREST_DEFAULTS.sampleSize;
  const seed = opts.seed ?? ISOLATION_FOREST_DEFAULTS.seed;
  if (!Number.isInteger(trees) || trees < 1) throw new RangeError("fitIsolationForest: trees must be an integer ≥ 1");
  if (!Number.isInteger(requestedSample) || requestedSample < 1) {
    throw new RangeError("fitIsolationForest: sampleSize must be an integer ≥ 1");
  }
  if (!Number.isFinite(seed)) throw new RangeError("fitIsolationForest: seed must be a finite number");
  const psi = Math.min(requestedSample, rows);
  const maxDepth = opts.maxDepth ?? Math.ceil(Math.log2(psi));
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 64) {
    throw new RangeError("fitIsolationForest: maxDepth must be an integer in 0..64");
  }
  checkFinite("fitIsolationForest", data, cols);

  const rng = mulberry32(seed);
  // Without empty children a tree has at most 2ψ − 1 nodes (and 2^(l+1) − 1); the builder grows past that if needed.
  const builder = new ForestBuilder(Math.min(trees * Math.min(2 * psi - 1, 2 ** (maxDepth + 1) - 1), 1 << 22));
  const cTable = new Float64Array(psi + 1);
  for (let n = 0; n <= psi; n++) cTable[n] = averagePathLength(n);

  // A permutation of all row indices; a partial Fisher–Yates shuffle of its first ψ slots is a uniform
  // sample without replacement whatever order earlier trees left it in, so it is never reset.
  const perm = new Int32Array(rows);
  for (let i = 0; i < rows; i++) perm[i] = i;
  const sample = new Int32Array(psi);
  const featureOrder = new Int32Array(cols);
  const roots = new Int32Array(trees);
  const height = new Int32Array(trees);

  /** Grows the subtree of `node` on sample[lo, hi); returns the depth of its deepest external node. */
  const grow = (node: number, lo: number, hi: number, depth: number): number => {
    const count = hi - lo;
    builder.size[node] = count;
    if (count <= 1 || depth >= maxDepth) {
      builder.makeLeaf(node, depth + at(cTable, count));
      return depth;
    }
    // Draw features without replacement until one varies within this node.
    for (let f = 0; f < cols; f++) featureOrder[f] = f;
    for (let remaining = cols; remaining > 0; remaining--) {
      const pick = Math.floor(rng() * remaining);
      const f = at(featureOrder, pick);
      featureOrder[pick] = at(featureOrder, remaining - 1);
      let min = Infinity;
      let max = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = at(data, at(sample, i) * cols + f);
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (!(max > min)) continue;
      const u = rng();
      const range = max - min; // overflows to Infinity only for values near ±1.8e308
      const splitValue = Number.isFinite(range) ? min + u * range : min * (1 - u) + max * u;
      // Partition sample[lo, hi): values < splitValue first.
      let i = lo;
      let j = hi - 1;
      while (i <= j) {
        if (at(data, at(sample, i) * cols + f) < splitValue) i++;
        else {
          const t = at(sample, i);
          sample[i] = at(sample, j);
          sample[j] = t;
          j--;
        }
      }
      const leftChild = builder.makeInternal(node, f, splitValue);
      return Math.max(grow(leftChild, lo, i, depth + 1), grow(leftChild + 1, i, hi, depth + 1));
    }
    builder.makeLeaf(node, depth + at(cTable, count)); // every row here is identical
    return depth;
  };

  for (let t = 0; t < trees; t++) {
    for (let k = 0; k < psi; k++) {
      const pick = k + Math.floor(rng() * (rows - k));
      const chosen = at(perm, pick);
      perm[pick] = at(perm, k);
      perm[k] = chosen;
      sample[k] = chosen;
    }
    const root = builder.allocate(1);
    roots[t] = root;
    height[t] = grow(root, 0, psi, 0);
  }

  return { cols, trees, sampleSize: psi, maxDepth, seed, normalizer: at(cTable, psi), roots, height, ...builder.finish() };
}

/**
 * Scores `rows` rows of row-major `data` (rows × model.cols): s = 2^(−E[h(x)] / c(ψ)), in (0, 1].
 * Throws RangeError on a shape mismatch or a NaN / ±Infinity value.
 */
export function scoreIsolationForest(model: IsolationForestModel, data: Float64Array, rows: number): Float64Array {
  const { cols, trees, roots, height, feature, split, left, leafPath, normalizer } = model;
  checkShape("scoreIsolationForest", data, rows, cols);
  checkFinite("scoreIsolationForest", data, cols);
  // Accumulates Σ h(x) over the trees in place, then turns it into the score.
  const scores = new Float64Array(rows);
  if (normalizer === 0) return scores.fill(0.5);
  // Tree-outer, so one tree's nodes stay in L1 while every row goes through it. Each step is branch-free
  // (`+(x >= split)` is 0 or 1 and the right child is left + 1; external nodes loop onto themselves), and
  // four rows go down the tree together: the steps of one row depend on each other (node → feature → value
  // → node), those of different rows do not, so the CPU overlaps them. On http (567k × 3) this is ~2× the
  // speed of a one-row-at-a-time walk that stops at the leaf.
  const blocked = rows - (rows % 4);
  for (let t = 0; t < trees; t++) {
    const root = roots[t]!;
    const steps = height[t]!;
    let r = 0;
    for (; r < blocked; r += 4) {
      const b0 = r * cols;
      const b1 = b0 + cols;
      const b2 = b1 + cols;
      const b3 = b2 + cols;
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      for (let d = 0; d < steps; d++) {
        n0 = left[n0]! + +(data[b0 + feature[n0]!]! >= split[n0]!);
        n1 = left[n1]! + +(data[b1 + feature[n1]!]! >= split[n1]!);
        n2 = left[n2]! + +(data[b2 + feature[n2]!]! >= split[n2]!);
        n3 = left[n3]! + +(data[b3 + feature[n3]!]! >= split[n3]!);
      }
      scores[r] = scores[r]! + leafPath[n0]!;
      scores[r + 1] = scores[r + 1]! + leafPath[n1]!;
      scores[r + 2] = scores[r + 2]! + leafPath[n2]!;
      scores[r + 3] = scores[r + 3]! + leafPath[n3]!;
    }
    for (; r < rows; r++) {
      const base = r * cols;
      let node = root;
      for (let d = 0; d < steps; d++) node = left[node]! + +(data[base + feature[node]!]! >= split[node]!);
      scores[r] = scores[r]! + leafPath[node]!;
    }
  }
  const exponentScale = -1 / (trees * normalizer);
  for (let r = 0; r < rows; r++) scores[r] = 2 ** (scores[r]! * exponentScale);
  return scores;
}

export interface ScoreWithContributions {
  /** The same score `scoreIsolationForest` gives this row. */
  score: number;
  /**
   * One value per feature, summing to 1 (all 0 when no split ever separated this row from anything, e.g. a
   * forest of one row). Definition: along this row's path in every tree, each split on feature f is
   * credited with the bits of isolation it bought, log2(n_node / max(n_child, 1)), where n counts the
   * training-sample rows at the node and at the child the row goes to; a feature's contribution is its
   * credit summed over all trees, divided by the total. A split on an ordinary value halves the company
   * (≈ 1 bit); the split that cuts a far-off value loose from the whole node earns log2(n_node) bits, so
   * the features whose values are unusual dominate. The c(size) part of h(x) at a depth-limited leaf is
   * not attributed (no split was made there).
   */
  contributions: number[];
}

/** Scores one row and says which features isolated it (see `ScoreWithContributions`). Allocates: per alert, not per row. */
export function scoreWithContributions(model: IsolationForestModel, row: Float64Array | readonly number[]): ScoreWithContributions {
  const { cols, trees, roots, feature, split, left, size, leafPath, normalizer } = model;
  if (row.length !== cols) throw new RangeError(`scoreWithContributions: row has ${row.length} values, the model expects ${cols}`);
  for (let c = 0; c < cols; c++) {
    if (!Number.isFinite(row[c])) {
      throw new RangeError(`scoreWithContributions: value at column ${c} is ${String(row[c])}; isolation forest needs finite numbers`);
    }
  }
  const credit = new Array<number>(cols).fill(0);
  let total = 0;
  for (let t = 0; t < trees; t++) {
    let node = at(roots, t);
    while (at(left, node) !== node) {
      const f = at(feature, node);
      const child = at(left, node) + (at(row, f) < at(split, node) ? 0 : 1);
      credit[f] = at(credit, f) + Math.log2(at(size, node) / Math.max(at(size, child), 1));
      node = child;
    }
    total += at(leafPath, node);
  }
  // The same operations as the bulk path, so the two scores are bit-identical.
  const score = normalizer === 0 ? 0.5 : 2 ** (total * (-1 / (trees * normalizer)));
  const sum = credit.reduce((a, b) => a + b, 0);
  return { score, contributions: sum > 0 ? credit.map((c) => c / sum) : credit };
}

/**
 * Row-major matrix from objects, e.g. `recordsToMatrix(samples, ["bandwidthInBps", "cpuPct"])`; columns follow
 * `features`. Throws RangeError naming the record and key when a value is not a finite number.
 */
export function recordsToMatrix<K extends string>(
  records: readonly Readonly<Record<K, number | null | undefined>>[],
  features: readonly K[],
): { data: Float64Array; rows: number; cols: number } {
  const cols = features.length;
  const data = new Float64Array(records.length * cols);
  records.forEach((record, r) => {
    features.forEach((key, c) => {
      const value = record[key];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new RangeError(`recordsToMatrix: record ${r} has ${key} = ${String(value)}; isolation forest needs finite numbers`);
      }
      data[r * cols + c] = value;
    });
  });
  return { data, rows: records.length, cols };
}

/** Grows the node arrays; children are allocated in pairs so right = left + 1. */
class ForestBuilder {
  feature: Int32Array;
  split: Float64Array;
  left: Int32Array;
  size: Int32Array;
  leafPath: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    const cap = Math.max(1, capacity);
    this.feature = new Int32Array(cap);
    this.split = new Float64Array(cap);
    this.left = new Int32Array(cap);
    this.size = new Int32Array(cap);
    this.leafPath = new Float64Array(cap);
  }

  allocate(n: number): number {
    const first = this.count;
    this.count += n;
    if (this.count > this.feature.length) this.grow(Math.max(this.count, 2 * this.feature.length));
    return first;
  }

  makeLeaf(node: number, path: number): void {
    this.feature[node] = 0;
    this.split[node] = Infinity;
    this.left[node] = node;
    this.leafPath[node] = path;
  }

  /** Returns the left child; the right one is the next index. */
  makeInternal(node: number, feature: number, splitValue: number): number {
    const child = this.allocate(2);
    this.feature[node] = feature;
    this.split[node] = splitValue;
    this.left[node] = child;
    return child;
  }

  finish(): Pick<IsolationForestModel, "feature" | "split" | "left" | "size" | "leafPath"> {
    const n = this.count;
    return {
      feature: this.feature.slice(0, n),
      split: this.split.slice(0, n),
      left: this.left.slice(0, n),
      size: this.size.slice(0, n),
      leafPath: this.leafPath.slice(0, n),
    };
  }

  private grow(capacity: number): void {
    const resize = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.feature = resize(this.feature, (n) => new Int32Array(n));
    this.split = resize(this.split, (n) => new Float64Array(n));
    this.left = resize(this.left, (n) => new Int32Array(n));
    this.size = resize(this.size, (n) => new Int32Array(n));
    this.leafPath = resize(this.leafPath, (n) => new Float64Array(n));
  }
}

function checkShape(fn: string, data: Float64Array, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`${fn}: rows must be a non-negative integer`);
  if (!Number.isInteger(cols) || cols < 1) throw new RangeError(`${fn}: cols must be an integer ≥ 1`);
  if (data.length !== rows * cols) {
    throw new RangeError(`${fn}: data has ${data.length} values, expected rows × cols = ${rows} × ${cols} = ${rows * cols}`);
  }
}

function checkFinite(fn: string, data: Float64Array, cols: number): void {
  for (let i = 0; i < data.length; i++) {
    // v − v is 0 for finite v and NaN for NaN and ±Infinity.
    if (data[i]! - data[i]! !== 0) {
      const row = Math.floor(i / cols);
      throw new RangeError(
        `${fn}: value at row ${row}, column ${i - row * cols} is ${String(data[i])}; isolation forest needs finite numbers (impute or drop missing values first)`,
      );
    }
  }
}

/** Indexed read for arrays whose bounds the code guarantees (noUncheckedIndexedAccess). */
function at<T>(array: ArrayLike<T>, index: number): T {
  return array[index] as T;
}
