import { describe, expect, it } from "vitest";
import {
  averagePathLength,
  fitIsolationForest,
  isExternalNode,
  recordsToMatrix,
  scoreIsolationForest,
  scoreWithContributions,
  type IsolationForestModel,
  type IsolationForestOptions,
} from "@/lib/detect/models/isolation-forest";
import { mulberry32 } from "@/lib/simulator/prng";

/** rows × cols standard normal values (Box–Muller on a seeded stream), row-major. */
function gaussian(rows: number, cols: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return data;
}

/** `data` with `extra` rows appended. */
function withRows(data: Float64Array, extra: number[][]): Float64Array {
  const out = new Float64Array(data.length + extra.flat().length);
  out.set(data);
  out.set(extra.flat(), data.length);
  return out;
}

function quantile(values: Float64Array, q: number): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Walks every tree and checks the structural invariants of the flat layout. */
function checkTrees(model: IsolationForestModel): void {
  for (let t = 0; t < model.trees; t++) {
    const root = model.roots[t]!;
    expect(model.size[root]).toBe(model.sampleSize);
    let deepest = 0;
    const visit = (node: number, depth: number): void => {
      if (isExternalNode(model, node)) {
        deepest = Math.max(deepest, depth);
        expect(model.split[node]).toBe(Infinity);
        expect(model.leafPath[node]).toBeCloseTo(depth + averagePathLength(model.size[node]!), 12);
        return;
      }
      const left = model.left[node]!;
      expect(model.size[left]! + model.size[left + 1]!).toBe(model.size[node]);
      expect(model.feature[node]).toBeGreaterThanOrEqual(0);
      expect(model.feature[node]).toBeLessThan(model.cols);
      visit(left, depth + 1);
      visit(left + 1, depth + 1);
    };
    visit(root, 0);
    expect(model.height[t]).toBe(deepest);
    expect(deepest).toBeLessThanOrEqual(model.maxDepth);
  }
}

describe("averagePathLength c(n)", () => {
  it.each([
    { n: 0, c: 0 },
    { n: 1, c: 0 },
    { n: 2, c: 1 },
    { n: 3, c: 2 * (1 + 1 / 2) - 4 / 3 },
    { n: 256, c: 10.24869 }, // 2·H(255) − 2·255/256 with H exact (the paper's ln(i) + γ gives 10.2448)
    { n: 100_000, c: 2 * (Math.log(99_999) + 0.5772156649) - 2 * (99_999 / 100_000) },
  ])("c($n) = $c", ({ n, c }) => {
    expect(averagePathLength(n)).toBeCloseTo(c, 3);
  });
});

describe("fitIsolationForest + scoreIsolationForest", () => {
  const inliers = 500;
  const data = withRows(gaussian(inliers, 2, 11), [[6, 6]]);
  const rows = inliers + 1;

  it.each([1, 2, 3, 4, 5])("seed %i: the far point scores > 0.7, inliers mostly < 0.55", (seed) => {
    const scores = scoreIsolationForest(fitIsolationForest(data, rows, 2, { seed }), data, rows);
    const inlierScores = scores.subarray(0, inliers);
    expect(scores[inliers]).toBeGreaterThan(0.7);
    expect(quantile(inlierScores, 0.5)).toBeLessThan(0.5);
    expect(quantile(inlierScores, 0.9)).toBeLessThan(0.55);
    for (const s of scores) expect(s > 0 && s <= 1).toBe(true);
  });

  it("the same seed gives the same forest and identical scores", () => {
    const a = fitIsolationForest(data, rows, 2, { seed: 42 });
    const b = fitIsolationForest(data, rows, 2, { seed: 42 });
    expect(b).toEqual(a);
    expect(scoreIsolationForest(b, data, rows)).toEqual(scoreIsolationForest(a, data, rows));
  });

  it("different seeds give different scores", () => {
    const a = scoreIsolationForest(fitIsolationForest(data, rows, 2, { seed: 1 }), data, rows);
    const b = scoreIsolationForest(fitIsolationForest(data, rows, 2, { seed: 2 }), data, rows);
    expect(b).not.toEqual(a);
  });

  it("uses the paper's defaults: t = 100, ψ = 256, height limit ceil(log2 ψ) = 8", () => {
    const model = fitIsolationForest(data, rows, 2);
    expect(model).toMatchObject({ trees: 100, sampleSize: 256, maxDepth: 8, seed: 1, cols: 2 });
    expect(model.normalizer).toBeCloseTo(averagePathLength(256), 12);
    checkTrees(model);
  });

  it("scores rows it was not trained on, in any number (including fewer than the 4-row block)", () => {
    const model = fitIsolationForest(data, rows, 2);
    const all = scoreIsolationForest(model, data, rows);
    for (const n of [0, 1, 2, 3, 5]) {
      expect(scoreIsolationForest(model, data.subarray(0, 2 * n), n)).toEqual(all.subarray(0, n));
    }
    const fresh = new Float64Array([0, 0, 50, -50]);
    const [centre, far] = scoreIsolationForest(model, fresh, 2);
    expect(far).toBeGreaterThan(centre!);
  });

  it.each<{ name: string; options: IsolationForestOptions; expected: Partial<IsolationForestModel> }>([
    { name: "fewer trees", options: { trees: 7 }, expected: { trees: 7, sampleSize: 256, maxDepth: 8 } },
    { name: "smaller ψ", options: { sampleSize: 64 }, expected: { sampleSize: 64, maxDepth: 6 } },
    { name: "ψ above the row count is capped", options: { sampleSize: 10_000 }, expected: { sampleSize: rows, maxDepth: 9 } },
    { name: "explicit height limit", options: { maxDepth: 3 }, expected: { sampleSize: 256, maxDepth: 3 } },
    { name: "height limit 0: one leaf per tree", options: { maxDepth: 0, trees: 3 }, expected: { maxDepth: 0 } },
  ])("option: $name", ({ options, expected }) => {
    const model = fitIsolationForest(data, rows, 2, options);
    expect(model).toMatchObject(expected);
    checkTrees(model);
    const scores = scoreIsolationForest(model, data, rows);
    for (const s of scores) expect(Number.isFinite(s)).toBe(true);
  });
});

describe("edge cases", () => {
  it("a constant column is never split on and gets no contribution", () => {
    const base = gaussian(300, 3, 5);
    for (let r = 0; r < 300; r++) base[r * 3 + 1] = 7;
    const data = withRows(base, [[8, 7, 0]]);
    const model = fitIsolationForest(data, 301, 3, { seed: 3 });
    checkTrees(model);
    for (let node = 0; node < model.feature.length; node++) {
      if (!isExternalNode(model, node)) expect(model.feature[node]).not.toBe(1);
    }
    const { score, contributions } = scoreWithContributions(model, [8, 7, 0]);
    expect(score).toBeGreaterThan(0.6);
    expect(contributions[1]).toBe(0);
    expect(contributions[0]).toBeGreaterThan(contributions[2]!);
  });

  it("identical rows: every tree is one leaf of ψ rows and every score is 2^(−c(ψ)/c(ψ)) = 0.5", () => {
    const data = new Float64Array(40).fill(3);
    const model = fitIsolationForest(data, 20, 2);
    expect(model.height.every((h) => h === 0)).toBe(true);
    for (const s of scoreIsolationForest(model, data, 20)) expect(s).toBeCloseTo(0.5, 12);
    // A new value is isolated by nothing either: no split was ever made.
    const { score, contributions } = scoreWithContributions(model, [100, -100]);
    expect(score).toBeCloseTo(0.5, 12);
    expect(contributions).toEqual([0, 0]);
  });

  it("fewer rows than ψ: ψ = rows and the height limit follows it", () => {
    const data = withRows(gaussian(49, 2, 8), [[9, 9]]);
    const model = fitIsolationForest(data, 50, 2);
    expect(model.sampleSize).toBe(50);
    expect(model.maxDepth).toBe(6);
    checkTrees(model);
    const scores = scoreIsolationForest(model, data, 50);
    expect(scores[49]).toBe(Math.max(...scores));
  });

  it("a single row: the model fits and scores 0.5 (c(1) = 0 leaves nothing to compare with)", () => {
    const model = fitIsolationForest(new Float64Array([1, 2, 3]), 1, 3);
    expect(model.sampleSize).toBe(1);
    expect(model.normalizer).toBe(0);
    expect(Array.from(scoreIsolationForest(model, new Float64Array([1, 2, 3, 9, 9, 9]), 2))).toEqual([0.5, 0.5]);
    expect(scoreWithContributions(model, [9, 9, 9])).toEqual({ score: 0.5, contributions: [0, 0, 0] });
  });

  it.each([
    { name: "NaN", value: Number.NaN },
    { name: "Infinity", value: Number.POSITIVE_INFINITY },
    { name: "-Infinity", value: Number.NEGATIVE_INFINITY },
  ])("fit rejects $name naming the row and column", ({ name, value }) => {
    const data = gaussian(10, 2, 1);
    data[3 * 2 + 1] = value;
    expect(() => fitIsolationForest(data, 10, 2)).toThrow(new RegExp(`row 3, column 1 is ${name}; isolation forest needs finite numbers`));
  });

  it("scoring rejects NaN too, in bulk and per row", () => {
    const model = fitIsolationForest(gaussian(10, 2, 1), 10, 2);
    expect(() => scoreIsolationForest(model, new Float64Array([0, 0, 0, Number.NaN]), 2)).toThrow(/row 1, column 1 is NaN/);
    expect(() => scoreWithContributions(model, [Number.NaN, 0])).toThrow(/column 0 is NaN/);
  });

  it.each<{ name: string; run: () => unknown; error: RegExp }>([
    { name: "no rows", run: () => fitIsolationForest(new Float64Array(0), 0, 2), error: /at least one row/ },
    { name: "shape mismatch", run: () => fitIsolationForest(new Float64Array(5), 2, 2), error: /5 values, expected rows × cols = 2 × 2 = 4/ },
    { name: "zero columns", run: () => fitIsolationForest(new Float64Array(0), 1, 0), error: /cols must be an integer ≥ 1/ },
    { name: "trees = 0", run: () => fitIsolationForest(new Float64Array(4), 2, 2, { trees: 0 }), error: /trees must be an integer ≥ 1/ },
    { name: "sampleSize 1.5", run: () => fitIsolationForest(new Float64Array(4), 2, 2, { sampleSize: 1.5 }), error: /sampleSize/ },
    { name: "maxDepth −1", run: () => fitIsolationForest(new Float64Array(4), 2, 2, { maxDepth: -1 }), error: /maxDepth/ },
    { name: "seed NaN", run: () => fitIsolationForest(new Float64Array(4), 2, 2, { seed: Number.NaN }), error: /seed/ },
    {
      name: "scoring rows of the wrong width",
      run: () => scoreIsolationForest(fitIsolationForest(new Float64Array(4), 2, 2), new Float64Array(3), 1),
      error: /3 values, expected rows × cols = 1 × 2 = 2/,
    },
    {
      name: "contributions for a row of the wrong width",
      run: () => scoreWithContributions(fitIsolationForest(new Float64Array(4), 2, 2), [1, 2, 3]),
      error: /row has 3 values, the model expects 2/,
    },
  ])("rejects $name", ({ run, error }) => {
    expect(run).toThrow(RangeError);
    expect(run).toThrow(error);
  });
});

describe("scoreWithContributions", () => {
  const cols = 4;
  const rows = 1000;
  const data = gaussian(rows, cols, 21);
  const model = fitIsolationForest(data, rows, cols, { seed: 9 });
  const ordinary = [0.3, -0.2, 0.1, 0.4];

  it.each([0, 1, 2, 3])("a point unusual only in feature %i: that feature's contribution is the largest", (feature) => {
    const row = [...ordinary];
    row[feature] = 7;
    const { score, contributions } = scoreWithContributions(model, row);
    expect(contributions).toHaveLength(cols);
    expect(contributions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const others = contributions.filter((_, i) => i !== feature);
    expect(contributions[feature]).toBeGreaterThan(2 * Math.max(...others));
    expect(score).toBeGreaterThan(scoreWithContributions(model, ordinary).score);
  });

  it("its score is exactly the bulk score, for a Float64Array or a plain array", () => {
    const bulk = scoreIsolationForest(model, data, rows);
    for (const r of [0, 1, 2, 3, 500, 999]) {
      const row = data.subarray(r * cols, (r + 1) * cols);
      expect(scoreWithContributions(model, row).score).toBe(bulk[r]);
      expect(scoreWithContributions(model, Array.from(row)).score).toBe(bulk[r]);
    }
  });
});

describe("recordsToMatrix", () => {
  it("lays records out row-major in the order of the feature list", () => {
    const records = [
      { cpuPct: 10, latencyMs: 2, name: "a" },
      { cpuPct: 30, latencyMs: 4, name: "b" },
    ];
    expect(recordsToMatrix(records, ["latencyMs", "cpuPct"])).toEqual({ data: new Float64Array([2, 10, 4, 30]), rows: 2, cols: 2 });
  });

  it.each([
    { value: null, shown: "null" },
    { value: undefined, shown: "undefined" },
    { value: Number.NaN, shown: "NaN" },
  ])("rejects $shown naming the record and key", ({ value, shown }) => {
    const records: { cpuPct: number | null | undefined }[] = [{ cpuPct: 1 }, { cpuPct: value }];
    expect(() => recordsToMatrix(records, ["cpuPct"])).toThrow(`record 1 has cpuPct = ${shown}`);
  });
});
