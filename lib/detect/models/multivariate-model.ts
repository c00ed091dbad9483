// Isolation Forest over a device-minute's whole shape: each metric's deviation from the device's own
// hour-of-week baseline (robust, squashed with asinh so one huge value cannot drown the rest) plus the
// time of day and week. One forest per role, trained on the fleet's recent history of that role, so a
// combination no single metric flags — a little more inbound, many more connections, busier CPU at 3
// a.m. — still stands out, and the alert can say which metrics drove it (per-feature contributions).
import { expectedFor, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { fitIsolationForest, type IsolationForestModel } from "@/lib/detect/models/isolation-forest";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { hashString, mulberry32 } from "@/lib/simulator/prng";
import { DEVICE_METRICS, type MetricSample } from "@/lib/telemetry/metrics";

/** The metrics every source reports; counts from flows/syslog only are left to their own detectors. */
export const MULTIVARIATE_METRICS = DEVICE_METRICS;

const TIME_FEATURES = ["hourSin", "hourCos", "weekend"] as const;
export const MULTIVARIATE_FEATURES = [...MULTIVARIATE_METRICS, ...TIME_FEATURES] as const;
const COLS = MULTIVARIATE_FEATURES.length;
/** Relative spread floor: 2 % of the level (twice the z-score detector's 1 %: the forest sees every metric at once). */
const MIN_STD_RELATIVE = 0.02;

export interface MultivariateModel {
  forest: IsolationForestModel;
  /** Training rows the forest was grown from (after subsampling). */
  rows: number;
}

/** Feature row of one device-minute against its baseline; null when the baseline knows none of the metrics. */
export function multivariateFeatures(sample: MetricSample, baseline: BaselineIndex): Float64Array | null {
  const row = new Float64Array(COLS);
  let known = 0;
  MULTIVARIATE_METRICS.forEach((metric, c) => {
    const value = sample.values[metric];
    const expected = expectedFor(baseline, metric, sample.ts);
    if (value === null || !Number.isFinite(value) || !expected) return; // 0: "as usual"
    const center = expected.median;
    const spread = effectiveStd(metric, expected.mad / 0.6745, center, MIN_STD_RELATIVE);
    row[c] = Math.asinh((value - center) / spread);
    known++;
  });
  if (known === 0) return null;
  const minuteOfDay = sample.ts.getUTCHours() * 60 + sample.ts.getUTCMinutes();
  const angle = (2 * Math.PI * minuteOfDay) / 1440;
  const day = sample.ts.getUTCDay();
  row[COLS - 3] = Math.sin(angle);
  row[COLS - 2] = Math.cos(angle);
  row[COLS - 1] = day === 0 || day === 6 ? 1 : 0;
  return row;
}

/**
 * Grows a forest (t = 100, ψ = 256, seeded) from feature rows of normal history. At most `maxRows`
 * rows are kept (a seeded uniform subsample): the forest only ever draws ψ per tree.
 */
export function trainMultivariateModel(
  rows: readonly Float64Array[],
  options: { seed?: number; maxRows?: number } = {},
): MultivariateModel | undefined {
  if (rows.length < 64) return undefined;
  const chosen = seededSubsample(rows, options.maxRows ?? 20_000, options.seed ?? 1);
  const data = new Float64Array(chosen.length * COLS);
  chosen.forEach((r, i) => data.set(r, i * COLS));
  const forest = fitIsolationForest(data, chosen.length, COLS, { seed: options.seed ?? hashString("multivariate") });
  return { forest, rows: chosen.length };
}

/** Index of the metric column furthest from its usual value. */
export function leadMetricIndex(row: Float64Array): number {
  let lead = 0;
  for (let c = 1; c < MULTIVARIATE_METRICS.length; c++) if (Math.abs(row[c]!) > Math.abs(row[lead]!)) lead = c;
  return lead;
}

/** How far a metric column of the row moved from its usual value, in robust σ (the asinh squash undone). */
export function metricMove(row: Float64Array, column: number): number {
  return Math.abs(Math.sinh(row[column]!));
}

/** How far the metric furthest from its usual value moved, in robust σ. */
export function largestMetricMove(row: Float64Array): number {
  return metricMove(row, leadMetricIndex(row));
}

/** A seeded uniform subsample of at most `max` rows (all of them when there are fewer). */
export function seededSubsample<T>(rows: readonly T[], max: number, seed: number): readonly T[] {
  if (rows.length <= max) return rows;
  const rng = mulberry32(seed);
  const copy = [...rows];
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rng() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, max);
}

export interface RoleModelDevice {
  id: number;
  role: string;
  samples: readonly MetricSample[];
  baseline: BaselineIndex | undefined;
  /** This device's periods to leave out (confirmed incidents). */
  exclude?: readonly { start: Date; end: Date }[];
}

/**
 * One model per role from its devices' history (every `stride`-th minute, outside `exclude`), each row
 * scored against the device's own baseline; each device gets its role's model. `train` gets the role's
 * rows and a seed derived from the role; it returns undefined when the history is too short (the
 * detector then stays silent for that role). Shared by the Isolation Forest and the one-class SVM.
 */
export function trainPerRole<M>(
  devices: readonly RoleModelDevice[],
  options: { exclude?: readonly { start: Date; end: Date }[]; stride?: number; seed?: number },
  train: (rows: Float64Array[], seed: number) => M | undefined,
): Map<number, M> {
  const stride = options.stride ?? 5;
  const exclude = options.exclude ?? [];
  const rowsByRole = new Map<string, Float64Array[]>();
  for (const d of devices) {
    if (!d.baseline) continue;
    let rows = rowsByRole.get(d.role);
    if (!rows) rowsByRole.set(d.role, (rows = []));
    for (let i = 0; i < d.samples.length; i += stride) {
      const s = d.samples[i]!;
      const t = s.ts.getTime();
      const outside = (w: { start: Date; end: Date }) => t < w.start.getTime() || t >= w.end.getTime();
      if (!exclude.every(outside) || !(d.exclude ?? []).every(outside)) continue;
      const row = multivariateFeatures(s, d.baseline);
      if (row) rows.push(row);
    }
  }
  const byRole = new Map<string, M | undefined>();
  for (const [role, rows] of rowsByRole) byRole.set(role, train(rows, (options.seed ?? 1) ^ hashString(role)));
  const out = new Map<number, M>();
  for (const d of devices) {
    const model = byRole.get(d.role);
    if (model) out.set(d.id, model);
  }
  return out;
}

/** One forest per role (see trainPerRole). */
export function trainRoleModels(
  devices: readonly RoleModelDevice[],
  options: { exclude?: readonly { start: Date; end: Date }[]; stride?: number; seed?: number } = {},
): Map<number, MultivariateModel> {
  return trainPerRole(devices, options, (rows, seed) => trainMultivariateModel(rows, { seed }));
}
