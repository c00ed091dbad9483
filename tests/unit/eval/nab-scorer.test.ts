import { describe, expect, it } from "vitest";
import {
  evaluateNab,
  evaluateNabDetections,
  nabProbationaryLength,
  nabScaledSigmoid,
  normaliseNabTally,
  sumNabTallies,
  type NabProfiles,
  type NabSeries,
} from "@/lib/eval/nab-scorer";

// NAB's config/profiles.json.
const PROFILES: NabProfiles = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

const T0 = Date.parse("2014-04-01T00:00:00Z");
const STEP = 5 * 60_000;
const at = (row: number) => T0 + row * STEP;

/** A file of `rows` rows, 5 minutes apart, with windows given as [first row, last row]. */
function file(name: string, rows: number, windows: [number, number][]): NabSeries {
  return {
    name,
    timestamps: Array.from({ length: rows }, (_, i) => at(i)),
    windows: windows.map(([l, r]) => ({ start: at(l), end: at(r) })),
  };
}
const detections = (rows: number, on: number[]) => Array.from({ length: rows }, (_, i) => on.includes(i));
const scores = (rows: number, set: Partial<Record<number, number>>) => Array.from({ length: rows }, (_, i) => set[i] ?? 0);

// The hand-worked file: 20 rows, so the probationary period is floor(0.15 × 20) = 3 rows (0–2); one window on
// rows 10–14 (width 5). σ is NAB's scaled sigmoid 2/(1 + e^(5x)) − 1, σ(−1) = 0.986614.
// - A detection at row i in the window earns tpWeight × σ(−(14 − i + 1)/5) / σ(−1):
//     row 10: σ(−1)/σ(−1) = 1; row 11: σ(−0.8) = 0.964028 → 0.977107; row 12: σ(−0.6) = 0.905148 → 0.917429;
//     row 13: σ(−0.4) = 0.761594 → 0.771927; row 14: σ(−0.2) = 0.462117 → 0.468387.
// - A detection at row i after the window costs fpWeight × σ(|i − 14| / (5 − 1)):
//     row 15: σ(0.25) = −0.554600 → −0.061006; row 19: σ(1.25) = −0.996147 → −0.109576.
// - Before any window a detection costs the full fpWeight (−0.11). A missed window costs fnWeight (−1).
// Standard profile: null = −1 (the window missed), perfect = +1, so normalised = 100 × (raw + 1) / 2.
const ONE = file("one/window.csv", 20, [[10, 14]]);

describe("NAB per-row rules (fixed detections, standard profile)", () => {
  it.each([
    { name: "null detector: the window is missed", on: [], raw: -1, normalised: 0 },
    { name: "perfect detector: the window's first row", on: [10], raw: 1, normalised: 100 },
    { name: "detection mid-window", on: [12], raw: 0.917429, normalised: 95.8714 },
    { name: "detection at the window's last row", on: [14], raw: 0.468387, normalised: 73.4193 },
    { name: "only the first detection in a window counts (not 1 + 0.917)", on: [10, 12], raw: 1, normalised: 100 },
    { name: "only the first detection counts (12 then 13: not 0.917 + 0.772)", on: [12, 13], raw: 0.917429, normalised: 95.8714 },
    { name: "FP right after the window: 1 − 0.061006", on: [10, 15], raw: 0.938994, normalised: 96.9497 },
    { name: "FP far after the window: 1 − 0.109576", on: [10, 19], raw: 0.890424, normalised: 94.5212 },
    { name: "FP before any window costs the full 0.11", on: [10, 5], raw: 0.89, normalised: 94.5 },
    { name: "detection in the probationary period is ignored", on: [2], raw: -1, normalised: 0 },
    { name: "probationary detection beside a TP changes nothing", on: [2, 10], raw: 1, normalised: 100 },
    { name: "the first scored row (3) is a FP: −1 − 0.11", on: [3], raw: -1.11, normalised: -5.5 },
  ])("$name", ({ on, raw, normalised }) => {
    const r = evaluateNabDetections([{ ...ONE, detections: detections(20, on) }], PROFILES).standard;
    expect(r.total.score).toBeCloseTo(raw, 5);
    expect(r.normalised).toBeCloseTo(normalised, 3);
    expect(r.threshold).toBeNull();
  });

  it("an early detection beats a late one, and a near FP costs less than a far one", () => {
    const raw = (on: number[]) => evaluateNabDetections([{ ...ONE, detections: detections(20, on) }], PROFILES).standard.total.score;
    expect(raw([11])).toBeGreaterThan(raw([13]));
    expect(raw([10, 15])).toBeGreaterThan(raw([10, 19]));
  });

  it("counts windows and false positives", () => {
    const r = evaluateNabDetections([{ ...ONE, detections: detections(20, [2, 5, 12, 13, 16]) }], PROFILES).standard;
    expect(r.total).toMatchObject({ windows: 1, scoredWindows: 1, detectedWindows: 1, falsePositives: 2 });
  });

  it("a window starting in the probationary period is scored from row 3 by its place in the whole window", () => {
    // Window rows 1–5 (width 5); row 1's detection is probationary, row 3's earns σ(−(5 − 3 + 1)/5) = 0.917429.
    const early = file("early/window.csv", 20, [[1, 5]]);
    const r = evaluateNabDetections([{ ...early, detections: detections(20, [1, 3]) }], PROFILES).standard;
    expect(r.total.score).toBeCloseTo(0.917429, 5);
  });
});

describe("NAB profiles", () => {
  // 40 rows (probation 6), windows on rows 10–14 and 25–29: the first detected at its start (+1), the second
  // missed (−fnWeight), one FP at row 7 before any window (−fpWeight).
  //   standard:  1 − 1 − 0.11 = −0.11; null −2, perfect 2 → 100 × 1.89 / 4 = 47.25
  //   low FP:    1 − 1 − 0.22 = −0.22; null −2, perfect 2 → 100 × 1.78 / 4 = 44.5
  //   low FN:    1 − 2 − 0.11 = −1.11; null −4, perfect 2 → 100 × 2.89 / 6 = 48.1667
  const two = file("two/windows.csv", 40, [
    [10, 14],
    [25, 29],
  ]);
  it.each([
    { profile: "standard" as const, raw: -0.11, normalised: 47.25 },
    { profile: "reward_low_FP_rate" as const, raw: -0.22, normalised: 44.5 },
    { profile: "reward_low_FN_rate" as const, raw: -1.11, normalised: 48.1667 },
  ])("$profile", ({ profile, raw, normalised }) => {
    const r = evaluateNabDetections([{ ...two, detections: detections(40, [7, 10]) }], PROFILES)[profile];
    expect(r.total.score).toBeCloseTo(raw, 6);
    expect(r.normalised).toBeCloseTo(normalised, 3);
  });
});

describe("NAB threshold sweep", () => {
  it("picks the best corpus threshold of one file", () => {
    // Row 11 scores 0.9 (in the window), row 5 0.7 (FP before the window), row 13 0.6 (later in the window).
    //   threshold 1.1: −1;  0.9: +0.977107;  0.7: 0.977107 − 0.11 = 0.867107;  0.6: unchanged (row 11 is earlier);
    //   0: every row from 3 on, 7 FPs before the window alone cost 0.77 → below 0.23.
    // Best: 0.9, raw 0.977107 → standard and low FP 100 × 1.977107 / 2 = 98.8553, low FN 100 × 2.977107 / 3 = 99.2369.
    const r = evaluateNab([{ ...ONE, scores: scores(20, { 11: 0.9, 5: 0.7, 13: 0.6 }) }], PROFILES);
    for (const [profile, normalised] of [
      ["standard", 98.8553],
      ["reward_low_FP_rate", 98.8553],
      ["reward_low_FN_rate", 99.2369],
    ] as const) {
      expect(r[profile].threshold).toBe(0.9);
      expect(r[profile].total.score).toBeCloseTo(0.977107, 5);
      expect(r[profile].normalised).toBeCloseTo(normalised, 3);
    }
  });

  it("chooses one threshold for the whole corpus, not one per file", () => {
    // File a: row 10 scores 0.9 (window start), row 5 0.5 (FP). File b: row 10 scores 0.4 (window start).
    //   1.1: −2;  0.9: 1 − 1 = 0;  0.5: −0.11;  0.4: 2 − 0.11 = 1.89;  0: 14 FPs before the windows → worse.
    // Best 0.4 (file a alone would pick 0.9: 1 > 0.89). Standard: 100 × 3.89 / 4 = 97.25.
    const a = { ...file("a/a.csv", 20, [[10, 14]]), scores: scores(20, { 10: 0.9, 5: 0.5 }) };
    const b = { ...file("b/b.csv", 20, [[10, 14]]), scores: scores(20, { 10: 0.4 }) };
    const r = evaluateNab([a, b], PROFILES).standard;
    expect(r.threshold).toBe(0.4);
    expect(r.total.score).toBeCloseTo(1.89, 6);
    expect(r.normalised).toBeCloseTo(97.25, 6);
    expect(r.bySeries.map((s) => [s.name, Number(s.score.toFixed(6))])).toEqual([
      ["a/a.csv", 0.89],
      ["b/b.csv", 1],
    ]);
  });

  it("profiles choose different thresholds", () => {
    // 100 rows (probation 15). Rows 15–34 score 0.5 (20 FPs before any window); window 50–59 starts with 0.9;
    // window 70–79 starts with 0.5.
    //   standard: 0.9 → 1 − 1 = 0;   0.5 → 2 − 20 × 0.11 = −0.2  → 0.9, 100 × 2 / 4 = 50
    //   low FP:   0.9 → 0;           0.5 → 2 − 20 × 0.22 = −2.4  → 0.9, 50
    //   low FN:   0.9 → 1 − 2 = −1;  0.5 → −0.2                   → 0.5, 100 × 3.8 / 6 = 63.3333
    const set: Record<number, number> = { 50: 0.9, 70: 0.5 };
    for (let i = 15; i <= 34; i++) set[i] = 0.5;
    const s = {
      ...file("p/p.csv", 100, [
        [50, 59],
        [70, 79],
      ]),
      scores: scores(100, set),
    };
    const r = evaluateNab([s], PROFILES);
    expect([r.standard.threshold, r.reward_low_FP_rate.threshold, r.reward_low_FN_rate.threshold]).toEqual([0.9, 0.9, 0.5]);
    expect(r.standard.normalised).toBeCloseTo(50, 6);
    expect(r.reward_low_FP_rate.normalised).toBeCloseTo(50, 6);
    expect(r.reward_low_FN_rate.normalised).toBeCloseTo(63.3333, 3);
    expect(r.reward_low_FN_rate.total).toMatchObject({ detectedWindows: 2, falsePositives: 20 });
  });

  it.each([
    {
      name: "a tie keeps the higher threshold (0.8 adds a later row of the same window)",
      scores: { 10: 0.9, 12: 0.8 },
      threshold: 0.9,
      raw: 1,
    },
    { name: "NaN never detects", scores: { 10: Number.NaN, 12: 0.5 }, threshold: 0.5, raw: 0.917429 },
    { name: "a perfect score map: 1 at the window start", scores: { 10: 1 }, threshold: 1, raw: 1 },
  ])("$name", ({ scores: set, threshold, raw }) => {
    const r = evaluateNab([{ ...ONE, scores: scores(20, set) }], PROFILES).standard;
    expect(r.threshold).toBe(threshold);
    expect(r.total.score).toBeCloseTo(raw, 5);
  });

  it("nothing worth detecting: 1.1 (no detection)", () => {
    // 100 rows (probation 15), window 80–84. Row 20 scores 0.7 and row 90 0.6 (FPs), every other row 0.
    //   1.1: −1;  0.7: −1.11;  0.6: −1.11 − 0.11 × 0.999…;  0: the window's start (+1) but 65 FPs before it (−7.15).
    const s = { ...file("n/n.csv", 100, [[80, 84]]), scores: scores(100, { 20: 0.7, 90: 0.6 }) };
    const r = evaluateNab([s], PROFILES).standard;
    expect(r.threshold).toBe(1.1);
    expect(r.total).toMatchObject({ score: -1, detectedWindows: 0, falsePositives: 0 });
    expect(r.normalised).toBe(0);
  });

  it("a file without windows: the null detector is best and there is nothing to normalise by", () => {
    const quiet = { ...file("q/q.csv", 20, []), scores: scores(20, { 8: 0.3, 9: 0.3 }) };
    const r = evaluateNab([quiet], PROFILES).standard;
    expect(r.threshold).toBe(1.1);
    expect(r.total.score).toBe(0);
    expect(r.normalised).toBeNull();
  });
});

describe("NAB normalisation of a sum of files (a category)", () => {
  it("sums tallies and normalises with their windows", () => {
    const t = sumNabTallies([
      { score: 1, windows: 1, scoredWindows: 1, detectedWindows: 1, falsePositives: 0 },
      { score: -1.22, windows: 1, scoredWindows: 1, detectedWindows: 0, falsePositives: 2 },
    ]);
    expect(t).toMatchObject({ windows: 2, scoredWindows: 2, detectedWindows: 1, falsePositives: 2 });
    // raw −0.22, null −2, perfect 2 → 100 × 1.78 / 4 = 44.5
    expect(normaliseNabTally(t, PROFILES.standard)).toBeCloseTo(44.5, 6);
  });
});

describe("NAB helpers", () => {
  it.each([
    { x: -1, y: 0.986614 },
    { x: -0.5, y: 0.848284 },
    { x: 0, y: 0 },
    { x: 1, y: -0.986614 },
    { x: 3, y: -0.999999 },
    { x: 3.01, y: -1 },
  ])("scaled sigmoid($x) = $y", ({ x, y }) => {
    expect(nabScaledSigmoid(x)).toBeCloseTo(y, 6);
  });

  it.each([
    { rows: 20, length: 3 },
    { rows: 4999, length: 749 },
    { rows: 5000, length: 750 },
    { rows: 22695, length: 750 },
  ])("probationary period of $rows rows: $length", ({ rows, length }) => {
    expect(nabProbationaryLength(rows)).toBe(length);
  });
});

describe("NAB input errors", () => {
  it.each([
    { name: "a window limit that is not a row's timestamp", series: { ...ONE, windows: [{ start: at(10) + 1, end: at(14) }] }, set: {}, error: /does not start and end on rows/ },
    { name: "a score above 1", series: ONE, set: { 4: 1.5 }, error: /row 4 has anomaly score 1.5/ },
  ])("$name", ({ series, set, error }) => {
    expect(() => evaluateNab([{ ...series, scores: scores(20, set) }], PROFILES)).toThrow(error);
  });

  it("one score per row", () => {
    expect(() => evaluateNab([{ ...ONE, scores: [0.5] }], PROFILES)).toThrow(/1 scores for 20 rows/);
  });
});
