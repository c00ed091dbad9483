// The Isolation Forest as a minute detector: scores the device-minute's feature row (models/multivariate-model.ts)
// with its role's forest and reports the metrics that drove an unusual combination. Also builds the detection
// the one-class SVM reports, so both multivariate detectors read alike.
import { z } from "zod";
import { defineDetector, type Contribution, type Detection } from "@/lib/detect/detector";
import { expectedFor, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { scoreWithContributions } from "@/lib/detect/models/isolation-forest";
import {
  largestMetricMove,
  leadMetricIndex,
  metricMove,
  MULTIVARIATE_METRICS,
  multivariateFeatures,
} from "@/lib/detect/models/multivariate-model";
import { severityFor } from "@/lib/detect/severity";
import { METRIC_INFO, type MetricName, type MetricSample } from "@/lib/telemetry/metrics";

export const MULTIVARIATE_OUTLIER_ID = "isolation-forest";

export const multivariateOutlierConfigSchema = z.object({
  /**
   * Off by default: on real service metrics (jumpstarter-d3) it raised 3.5 alerts per device-day at 22 %
   * precision, and on the simulator suite every incident it found was found first by another detector
   * (README, "Detection on real data"). An engineer may turn it on for a role.
   */
  enabled: z.boolean(),
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
  scoreField: "threshold",
  alertTypes: ["multivariate_outlier"],
  defaultConfig: { enabled: false, threshold: 0.65, minMetricDeviation: 5 },
  detect({ sample, baseline, multivariateModel: model }, config) {
    if (!config.enabled || !model) return [];
    const row = multivariateFeatures(sample, baseline);
    if (!row) return [];
    if (largestMetricMove(row) < config.minMetricDeviation) return [];
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
    if (value === null || !Number.isFinite(value) || metricMove(row, c) < 1) return [];
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
  };
}
