import { describe, expect, it } from "vitest";
import { averagePrecision, rocAuc } from "@/lib/detect/models/roc-auc";
import { mulberry32 } from "@/lib/simulator/prng";

describe("rocAuc and averagePrecision: known values", () => {
  it.each([
    { name: "perfect ranking", scores: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1], auc: 1, ap: 1 },
    { name: "reversed ranking", scores: [0.9, 0.8, 0.2, 0.1], labels: [0, 0, 1, 1], auc: 0, ap: (1 / 2) * (1 / 3) + (1 / 2) * (2 / 4) },
    { name: "all scores tied", scores: [0.5, 0.5, 0.5, 0.5], labels: [0, 1, 0, 1], auc: 0.5, ap: 0.5 },
    // scikit-learn's documented examples for roc_auc_score / average_precision_score.
    { name: "scikit-learn example", scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1], auc: 0.75, ap: 0.8333333333333333 },
    // One anomaly tied with one normal point at the top: half a pair counts; precision there is 1/2.
    { name: "tie at the top", scores: [0.9, 0.9, 0.1], labels: [1, 0, 0], auc: 0.75, ap: 0.5 },
    { name: "boolean labels", scores: [3, 1, 2], labels: [true, false, false], auc: 1, ap: 1 },
    { name: "infinite scores", scores: [Infinity, Infinity, -Infinity, 0], labels: [1, 0, 0, 1], auc: 0.625, ap: 0.5 * 0.5 + 0.5 * (2 / 3) },
  ])("$name: AUC $auc, AP $ap", ({ scores, labels, auc, ap }) => {
    expect(rocAuc(scores, labels)).toBeCloseTo(auc, 12);
    expect(averagePrecision(scores, labels)).toBeCloseTo(ap, 12);
  });

  it("accepts typed arrays", () => {
    expect(rocAuc(new Float64Array([0.2, 0.1, 0.3]), new Uint8Array([0, 0, 1]))).toBe(1);
  });
});

describe("rocAuc equals the pairwise definition on random data with many ties", () => {
  it.each([1, 2, 3, 4])("seed %i", (seed) => {
    const rng = mulberry32(seed);
    const n = 300;
    const scores = Array.from({ length: n }, () => Math.floor(rng() * 20) / 20);
    const labels = scores.map((s) => (rng() < 0.2 + 0.5 * s ? 1 : 0));
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      if (!labels[i]) continue;
      for (let j = 0; j < n; j++) {
        if (labels[j]) continue;
        pairs++;
        if (scores[i]! > scores[j]!) wins += 1;
        else if (scores[i] === scores[j]) wins += 0.5;
      }
    }
    expect(rocAuc(scores, labels)).toBeCloseTo(wins / pairs, 12);
  });
});

describe("rocAuc and averagePrecision: invalid input", () => {
  it.each([
    { name: "length mismatch", scores: [1, 2], labels: [1], error: /2 scores but 1 labels/ },
    { name: "no anomalies", scores: [1, 2], labels: [0, 0], error: /needs both anomalies and normal points \(got 0 and 2\)/ },
    { name: "only anomalies", scores: [1, 2], labels: [1, 1], error: /got 2 and 0/ },
    { name: "empty", scores: [], labels: [], error: /got 0 and 0/ },
    { name: "NaN score", scores: [1, Number.NaN], labels: [0, 1], error: /score 1 is NaN/ },
  ])("$name", ({ scores, labels, error }) => {
    expect(() => rocAuc(scores, labels)).toThrow(error);
    expect(() => averagePrecision(scores, labels)).toThrow(error);
  });
});
