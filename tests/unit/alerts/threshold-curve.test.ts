import { describe, expect, it } from "vitest";
import { pointAt, thresholdCurve, verdictLabel, type LabelledScore } from "@/lib/alerts/threshold-curve";

const labels = (spec: [number, boolean][]): LabelledScore[] => spec.map(([score, positive]) => ({ score, positive }));

describe("verdictLabel", () => {
  it.each([
    { tp: 0, fp: 0, expected: undefined },
    { tp: 1, fp: 0, expected: true },
    { tp: 0, fp: 2, expected: false },
    { tp: 1, fp: 1, expected: true },
    { tp: 1, fp: 2, expected: false },
  ])("$tp TP / $fp FP → $expected", ({ tp, fp, expected }) => {
    expect(verdictLabel(tp, fp)).toBe(expected);
  });
});

describe("pointAt", () => {
  const data = labels([
    [5, false],
    [6, true],
    [7, false],
    [9, true],
  ]);
  it.each([
    { threshold: 0, raised: 4, precision: 0.5, recall: 1, f1: 2 / 3 },
    { threshold: 6, raised: 3, precision: 2 / 3, recall: 1, f1: 0.8 },
    { threshold: 8, raised: 1, precision: 1, recall: 0.5, f1: 2 / 3 },
    { threshold: 10, raised: 0, precision: null, recall: 0, f1: null },
  ])("at $threshold", ({ threshold, raised, precision, recall, f1 }) => {
    const p = pointAt(data, threshold);
    expect(p.raised).toBe(raised);
    if (precision === null) expect(p.precision).toBeNull();
    else expect(p.precision).toBeCloseTo(precision);
    expect(p.recall).toBeCloseTo(recall);
    if (f1 === null) expect(p.f1).toBeNull();
    else expect(p.f1).toBeCloseTo(f1);
  });

  it("has no recall without positives and F1 0 when nothing raised is positive", () => {
    expect(pointAt(labels([[5, false]]), 1)).toMatchObject({ precision: 0, recall: null, f1: null });
    expect(pointAt(labels([[5, false], [3, true]]), 4)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});

describe("thresholdCurve", () => {
  it("marks the F1-, precision- and recall-optimal thresholds", () => {
    const curve = thresholdCurve(
      labels([
        [5, false],
        [6, true],
        [7, false],
        [9, true],
        [11, true],
      ]),
      { extraThresholds: [4] },
    );
    expect(curve.points.map((p) => p.threshold)).toEqual([4, 5, 6, 7, 9, 11]);
    expect(curve).toMatchObject({ labelled: 5, positives: 3 });
    // F1: 6 → P 3/4, R 1 → 0.857; 9 → P 1, R 2/3 → 0.8
    expect(curve.optimal.f1).toBe(6);
    // precision 1 at 9 and 11: the lower keeps more recall
    expect(curve.optimal.precision).toBe(9);
    // recall 1 up to 6: the highest such threshold raises the fewest alerts
    expect(curve.optimal.recall).toBe(6);
  });

  it("has no optima without labels and ignores non-finite scores", () => {
    expect(thresholdCurve([{ score: Number.NaN, positive: true }])).toEqual({
      labelled: 0,
      positives: 0,
      points: [],
      optimal: { f1: null, precision: null, recall: null },
    });
  });

  it("thins a long curve for drawing but keeps the optima", () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ score: i / 10, positive: i % 3 === 0 }));
    const curve = thresholdCurve(many, { maxPoints: 50 });
    expect(curve.points.length).toBeLessThanOrEqual(53);
    const kept = new Set(curve.points.map((p) => p.threshold));
    for (const t of Object.values(curve.optimal)) expect(kept.has(t!)).toBe(true);
  });
});
