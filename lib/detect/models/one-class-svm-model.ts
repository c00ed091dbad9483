// One-Class SVM (Schölkopf et al., "Estimating the support of a high-dimensional distribution", 2001)
// over the same per-minute feature row as the Isolation Forest (`multivariateFeatures`): a second
// multivariate detector to compare against it. Off by default until the evaluation shows it earns its place.
//
// Why our own solver and not libsvm-js (checked: libsvm-js@0.2.1). Its WebAssembly build does load
// offline from node_modules (after a "wasm streaming compile failed … falling back to ArrayBuffer"
// warning on every load) and trains ONE_CLASS on 2,000 × 12 rows in ~30 ms (asm.js build: ~130 ms),
// but it exposes no decision value — `predictOne` returns only the ±1 label — so a score would have to
// be rebuilt from `serializeModel()` text (ρ printed with 6 digits); the WebAssembly build only loads
// asynchronously and its model lives in WebAssembly memory that must be freed by hand. This file is a
// pure, synchronous, seeded ν-OCSVM instead: the model is plain typed arrays, scoring is exact.
//
// The problem (libsvm's scaling): min ½ αᵀQα subject to 0 ≤ αᵢ ≤ 1 and Σαᵢ = νl, Qᵢⱼ = exp(−γ‖xᵢ − xⱼ‖²);
// decision f(x) = Σαᵢ K(xᵢ, x) − ρ. Solved by SMO with libsvm's second-order working-set selection
// (Fan, Chen & Lin 2005) and its ρ rule. The whole kernel matrix is kept in memory, which is why
// training uses a seeded subsample of at most `maxRows` (default 1,500) rows: 1,500² doubles = 18 MB
// and well under a second of SMO, and 1,500 draws of a role's ordinary minutes already describe its
// normal region; the support vectors (about ν of the rows) are all scoring keeps.
import { seededSubsample, trainPerRole, type RoleModelDevice } from "@/lib/detect/models/multivariate-model";

export interface OneClassSvmOptions {
  /** ν: upper bound on the share of training rows left outside, lower bound on the share of support vectors. Default 0.01. */
  nu?: number;
  /** RBF γ; "scale" (default) = 1 / (features × variance of all training values), as scikit-learn. */
  gamma?: "scale" | number;
  /** Training rows kept (seeded uniform subsample). Default 1,500. */
  maxRows?: number;
  seed?: number;
}

export interface OneClassSvmModel {
  readonly cols: number;
  readonly gamma: number;
  readonly nu: number;
  /** Training rows after subsampling. */
  readonly rows: number;
  /** Support vectors, row-major (`supportCount` × `cols`). */
  readonly supportVectors: Float64Array;
  /** Their coefficients, normalised to sum to 1 (libsvm's αᵢ / νl). */
  readonly alpha: Float64Array;
  /** The offset ρ on the same normalised scale (> 0). */
  readonly rho: number;
  /** SMO iterations the solver took. */
  readonly iterations: number;
}

const MIN_ROWS = 64;
const EPS = 1e-3; // libsvm's default stopping tolerance
const TAU = 1e-12;

/** Trains a ν-OCSVM with an RBF kernel; undefined with fewer than 64 rows. Deterministic for a seed. */
export function trainOneClassSvm(rows: readonly Float64Array[], options: OneClassSvmOptions = {}): OneClassSvmModel | undefined {
  if (rows.length < MIN_ROWS) return undefined;
  const nu = options.nu ?? 0.01;
  if (!(nu > 0 && nu <= 1)) throw new RangeError(`one-class SVM: nu must be in (0, 1], got ${nu}`);
  const chosen = seededSubsample(rows, options.maxRows ?? 1500, options.seed ?? 1);
  const l = chosen.length;
  const cols = chosen[0]!.length;
  const x = new Float64Array(l * cols);
  chosen.forEach((r, i) => x.set(r, i * cols));
  const gamma = options.gamma === undefined || options.gamma === "scale" ? scaleGamma(x, cols) : options.gamma;
  if (!(gamma > 0 && Number.isFinite(gamma))) throw new RangeError(`one-class SVM: gamma must be positive, got ${gamma}`);

  // Kernel matrix (symmetric; the diagonal is exp(0) = 1).
  const q = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    q[i * l + i] = 1;
    for (let j = 0; j < i; j++) {
      let d = 0;
      for (let c = 0; c < cols; c++) {
        const t = x[i * cols + c]! - x[j * cols + c]!;
        d += t * t;
      }
      q[i * l + j] = q[j * l + i] = Math.exp(-gamma * d);
    }
  }

  // libsvm's start: the first ⌊νl⌋ alphas at 1, the next at the remainder, so Σα = νl.
  const alpha = new Float64Array(l);
  const total = nu * l;
  const full = Math.floor(total);
  for (let i = 0; i < full; i++) alpha[i] = 1;
  if (full < l) alpha[full] = total - full;
  const grad = new Float64Array(l); // G = Qα
  for (let i = 0; i < l; i++) {
    if (alpha[i] === 0) continue;
    for (let k = 0; k < l; k++) grad[k] = grad[k]! + q[i * l + k]! * alpha[i]!;
  }

  const maxIterations = Math.max(10_000_000, 100 * l);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    // i: the most violating index that can grow; j: second-order choice among those that can shrink.
    let gMax = -Infinity;
    let i = -1;
    for (let t = 0; t < l; t++) if (alpha[t]! < 1 && -grad[t]! >= gMax) ((gMax = -grad[t]!), (i = t));
    let gMax2 = -Infinity;
    let j = -1;
    let best = Infinity;
    for (let t = 0; t < l; t++) {
      if (!(alpha[t]! > 0)) continue;
      if (grad[t]! >= gMax2) gMax2 = grad[t]!;
      const diff = gMax + grad[t]!;
      if (i < 0 || diff <= 0) continue;
      const quad = Math.max(2 - 2 * q[i * l + t]!, TAU);
      const obj = -(diff * diff) / quad;
      if (obj <= best) ((best = obj), (j = t));
    }
    if (i < 0 || j < 0 || gMax + gMax2 < EPS) break;

    const quad = Math.max(2 - 2 * q[i * l + j]!, TAU);
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    const sum = oldI + oldJ;
    let ai = oldI - (grad[i]! - grad[j]!) / quad;
    let aj = sum - ai;
    if (sum > 1) {
      if (ai > 1) ((ai = 1), (aj = sum - 1));
      if (aj > 1) ((aj = 1), (ai = sum - 1));
    } else {
      if (aj < 0) ((aj = 0), (ai = sum));
      if (ai < 0) ((ai = 0), (aj = sum));
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const dI = ai - oldI;
    const dJ = aj - oldJ;
    for (let k = 0; k < l; k++) grad[k] = grad[k]! + q[i * l + k]! * dI + q[j * l + k]! * dJ;
  }

  // ρ: the mean gradient over free alphas (on the margin), else the middle of the feasible interval.
  let upper = Infinity;
  let lower = -Infinity;
  let freeSum = 0;
  let free = 0;
  for (let t = 0; t < l; t++) {
    if (alpha[t]! >= 1) lower = Math.max(lower, grad[t]!);
    else if (alpha[t]! <= 0) upper = Math.min(upper, grad[t]!);
    else ((freeSum += grad[t]!), free++);
  }
  const rho = free > 0 ? freeSum / free : (upper + lower) / 2;

  const support: number[] = [];
  for (let t = 0; t < l; t++) if (alpha[t]! > 0) support.push(t);
  const supportVectors = new Float64Array(support.length * cols);
  const coef = new Float64Array(support.length);
  support.forEach((t, k) => {
    supportVectors.set(x.subarray(t * cols, (t + 1) * cols), k * cols);
    coef[k] = alpha[t]! / total;
  });
  return { cols, gamma, nu, rows: l, supportVectors, alpha: coef, rho: rho / total, iterations };
}

/**
 * Signed decision value of a row, relative to the boundary: f(x) / ρ = Σαᵢ K(xᵢ, x) / ρ − 1. Positive
 * inside the learned region, 0 on its boundary, negative outside, −1 at the limit far from every
 * support vector (so thresholds mean the same for every role's model).
 */
export function oneClassSvmScore(model: OneClassSvmModel, row: ArrayLike<number>): number {
  const { cols, gamma, supportVectors: sv, alpha } = model;
  let sum = 0;
  for (let k = 0; k < alpha.length; k++) {
    let d = 0;
    for (let c = 0; c < cols; c++) {
      const t = row[c]! - sv[k * cols + c]!;
      d += t * t;
    }
    sum += alpha[k]! * Math.exp(-gamma * d);
  }
  return sum / model.rho - 1;
}

/** Per-feature squared distance from the row to its nearest support vector: what sets it apart. */
export function nearestSupportGap(model: OneClassSvmModel, row: ArrayLike<number>): Float64Array {
  const { cols, supportVectors: sv } = model;
  let best = -1;
  let bestD = Infinity;
  for (let k = 0; k < model.alpha.length; k++) {
    let d = 0;
    for (let c = 0; c < cols; c++) d += (row[c]! - sv[k * cols + c]!) ** 2;
    if (d < bestD) ((bestD = d), (best = k));
  }
  const gap = new Float64Array(cols);
  if (best >= 0) for (let c = 0; c < cols; c++) gap[c] = (row[c]! - sv[best * cols + c]!) ** 2;
  return gap;
}

/**
 * One One-Class SVM per role from its devices' history (every `stride`-th minute, outside `exclude`),
 * the same rows `trainRoleModels` gives the Isolation Forest; each device gets its role's model.
 */
export function trainRoleSvmModels(
  devices: readonly RoleModelDevice[],
  options: OneClassSvmOptions & { exclude?: readonly { start: Date; end: Date }[]; stride?: number } = {},
): Map<number, OneClassSvmModel> {
  const { exclude, stride, ...svm } = options;
  return trainPerRole(devices, { exclude, stride, seed: svm.seed }, (rows, seed) => trainOneClassSvm(rows, { ...svm, seed }));
}

/** scikit-learn's gamma="scale": 1 / (features × variance of every value in the data). */
function scaleGamma(x: Float64Array, cols: number): number {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  variance /= x.length;
  return variance > 0 ? 1 / (cols * variance) : 1 / cols;
}
