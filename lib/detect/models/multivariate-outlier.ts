// Isolation Forest over a device-minute's whole shape: each metric's deviation from the device's own
// hour-of-week baseline (robust, squashed with asinh so one huge value cannot drown the rest) plus the
// time of day and week. One forest per role, trained on the fleet's recent history of that role, so a
// combination no single metric flags — a little more inbound, many more connections, busier CPU at 3
// a.m. — still stands out, and the alert can say which metrics drove it (per-feature contributions).
import { z } from "zod";
import { defineDetector, type Contribution, type Detection } from "@/lib/detect/detector";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { expectedFor, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { severityFor } from "@/lib/detect/detectors/hour-of-week-zscore";
import {
  fitIsolationForest,
  scoreWithContributions,
  type IsolationForestModel,
} from "@/lib/detect/models/isolation-forest";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { hashString, mulberry32 } from "@/lib/simulator/prng";
import { METRIC_INFO, type MetricName, type MetricSample } from "@/lib/telemetry/metrics";

export const MULTIVARIATE_OUTLIER_ID = "isolation-forest";

/** The metrics every source reports; counts from flows/syslog only are left to their own detectors. */
export const MULTIVARIATE_METRICS = [
  "bandwidthInBps",
  "bandwidthOutBps",
  "packetsPerSec",
  "flowsPerSec",
  "connectionsPerSec",
  "cpuPct",
  "memoryPct",
  "latencyMs",
  "packetLossPct",
] as const satisfies readonly MetricName[];

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

export const multivariateOutlierConfigSchema = z.object({
  /** Isolation score (0..1) above which a minute is an outlier; ~0.5 is ordinary. */
  threshold: z.number().gt(0.5).lt(1),
  /** Ignore minutes whose largest metric deviation is below this (in robust z), however rare the mix. */
  minMetricDeviation: z.number().min(0),
});
export type MultivariateOutlierConfig = z.infer<typeof multivariateOutlierConfigSchema>;

export const multivariateOutlier = defineDetector<MultivariateOutlierConfig>({
  id: MULTIVARIATE_OUTLIER_ID,
  description:
    "Isolation Forest (per role) over every metric's deviation from the device's hour-of-week baseline plus time of day: flags unusual combinations and says which metrics drove them.",
  configSchema: multivariateOutlierConfigSchema,
  defaultConfig: { threshold: 0.65, minMetricDeviation: 5 },
  detect({ sample, baseline, multivariateModel: model }, config) {
    if (!model) return [];
    const row = multivariateFeatures(sample, baseline);
    if (!row) return [];
    if (Math.abs(Math.sinh(row[leadMetricIndex(row)]!)) < config.minMetricDeviation) return [];
    const { score, contributions } = scoreWithContributions(model.forest, row);
    if (!(score > config.threshold)) return [];

    const detection = multivariateDetection({
      detector: MULTIVARIATE_OUTLIER_ID,
      sample,
      baseline,
      row,
      score,
      // distance past the threshold on the 0.5 (ordinary) .. 1 scale: medium, high past 1.5×, critical past 2×
      relative: (score - 0.5) / (config.threshold - 0.5),
      shares: contributions,
      summary: `Unusual combination of metrics for this device and time (isolation score ${score.toFixed(2)}, threshold ${config.threshold.toFixed(2)})`,
    });
    return detection ? [detection] : [];
  },
});

/**
 * The detection both multivariate detectors (Isolation Forest, one-class SVM) report for a row they
 * flag: the metric furthest from its usual value leads; contributions are the metrics that actually
 * moved (|robust z| ≥ 1), ranked by the detector's own per-feature `shares` (the models also credit
 * ordinary values, which explain nothing to an analyst). Undefined when the lead metric has no value.
 */
export function multivariateDetection(args: {
  detector: string;
  sample: MetricSample;
  baseline: BaselineIndex;
  row: Float64Array;
  score: number;
  /** How far past the threshold, on severityFor's scale with threshold 1. */
  relative: number;
  /** Per-feature shares in row order (at least the metric columns). */
  shares: ArrayLike<number>;
  /** The explanation's first clause: what the model said. */
  summary: string;
}): Detection | undefined {
  const { sample, baseline, row } = args;
  const ranked: Contribution[] = MULTIVARIATE_METRICS.flatMap((metric, c) => {
    const value = sample.values[metric];
    if (value === null || !Number.isFinite(value) || Math.abs(Math.sinh(row[c]!)) < 1) return [];
    const expected = expectedFor(baseline, metric, sample.ts);
    return [{ feature: metric, value, ...(expected ? { expected: expected.median } : {}), share: args.shares[c] ?? 0 }];
  }).sort((a, b) => b.share - a.share || a.feature.localeCompare(b.feature));
  const lead = leadMetricIndex(row);
  const metric: MetricName = MULTIVARIATE_METRICS[lead]!;
  const value = sample.values[metric];
  if (value === null || !Number.isFinite(value)) return undefined;
  const usual = expectedFor(baseline, metric, sample.ts);
  if (ranked.length === 0) ranked.push({ feature: metric, value, ...(usual ? { expected: usual.median } : {}), share: 1 });
  const parts = ranked.slice(0, 3).map((c) => {
    const m = c.feature as MetricName;
    const was = c.expected === undefined ? "" : ` (usually ${formatMetricValue(m, c.expected)})`;
    return `${METRIC_INFO[m].label} ${formatMetricValue(m, c.value)}${was}, ${Math.round(c.share * 100)}%`;
  });
  return {
    detector: args.detector,
    anomalyType: "multivariate_outlier",
    metric,
    severity: severityFor(args.relative, 1),
    score: args.score,
    observed: { value, ts: sample.ts.toISOString() },
    expected: {
      low: usual?.p05 ?? 0,
      high: usual?.p95 ?? 0,
      ...(usual ? { median: usual.median, p95: usual.p95, hourOfWeek: usual.hourOfWeek } : {}),
    },
    contributions: ranked.slice(0, 5),
    explanation: `${args.summary}; driven by ${parts.join("; ")}.`,
    dedupKey: `${sample.deviceId}:${args.detector}:${row[lead]! < 0 ? "drop" : "spike"}`,
  };
}

/** Index of the metric column furthest from its usual value. */
export function leadMetricIndex(row: Float64Array): number {
  let lead = 0;
  for (let c = 1; c < MULTIVARIATE_METRICS.length; c++) if (Math.abs(row[c]!) > Math.abs(row[lead]!)) lead = c;
  return lead;
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
