// The per-role One-Class SVM over the same feature rows as the Isolation Forest: the solver and the
// training per role, on the demo network's ordinary minutes.
import { describe, expect, it } from "vitest";
import { MULTIVARIATE_FEATURES } from "@/lib/detect/models/multivariate-model";
import { oneClassSvmScore, trainOneClassSvm, trainRoleSvmModels } from "@/lib/detect/models/one-class-svm-model";
import { mulberry32 } from "@/lib/simulator/prng";
import {
  FIREWALLS,
  FW,
  roleDevice,
  samplesOf,
} from "./role-model-fixtures";

const models = trainRoleSvmModels(FIREWALLS.map((d) => roleDevice(d)));

describe("trainOneClassSvm", () => {
  const rng = mulberry32(5);
  const rows = Array.from({ length: 300 }, () => Float64Array.from(MULTIVARIATE_FEATURES, () => rng() - 0.5));

  it.each([
    { count: 0, trained: false },
    { count: 63, trained: false },
    { count: 64, trained: true },
  ])("$count rows → model: $trained", ({ count, trained }) => {
    const model = trainOneClassSvm(rows.slice(0, count));
    expect(model !== undefined).toBe(trained);
    if (model) expect(model.rows).toBe(count);
  });

  it("keeps a seeded subsample of at most maxRows rows, the same for the same seed", () => {
    const a = trainOneClassSvm(rows, { seed: 3, maxRows: 100 })!;
    const b = trainOneClassSvm(rows, { seed: 3, maxRows: 100 })!;
    const c = trainOneClassSvm(rows, { seed: 4, maxRows: 100 })!;
    expect(a.rows).toBe(100);
    expect(a).toEqual(b);
    expect(a.supportVectors).not.toEqual(c.supportVectors);
  });

  it("solves the ν-OCSVM: coefficients sum to 1, at least ν of the rows are support vectors, at most ν outside", () => {
    const model = trainOneClassSvm(rows, { nu: 0.1, gamma: 0.5 })!;
    expect(model.gamma).toBe(0.5);
    expect(model.alpha.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(model.alpha.length).toBeGreaterThanOrEqual(0.1 * rows.length);
    const outside = rows.filter((r) => oneClassSvmScore(model, r) < -1e-3).length;
    expect(outside).toBeLessThanOrEqual(0.1 * rows.length);
    // far from every support vector the score approaches −1
    expect(oneClassSvmScore(model, new Float64Array(MULTIVARIATE_FEATURES.length).fill(50))).toBeCloseTo(-1, 12);
  });

  it("rejects an invalid ν or γ", () => {
    expect(() => trainOneClassSvm(rows, { nu: 0 })).toThrow();
    expect(() => trainOneClassSvm(rows, { gamma: -1 })).toThrow();
  });
});

describe("trainRoleSvmModels", () => {
  it("gives every device of a role its role's one model, deterministically for a seed", () => {
    const model = models.get(FW)!;
    expect(model).toBeDefined();
    for (const d of FIREWALLS) expect(models.get(d)).toBe(model);
    expect(model.rows).toBe(1500);
    expect(trainRoleSvmModels(FIREWALLS.map((d) => roleDevice(d)), { seed: 1 }).get(FW)).toEqual(model);
  });

  it("trains nothing for a role with fewer than 64 rows", () => {
    const short = { ...roleDevice(FW), samples: samplesOf.get(FW)!.slice(0, 315) }; // 63 rows at stride 5
    expect(trainRoleSvmModels([short]).size).toBe(0);
  });
});
