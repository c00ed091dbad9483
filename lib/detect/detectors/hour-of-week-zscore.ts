// Flags a metric that is far from what is normal for this device at this hour of the week.
import { z } from "zod";
import { clampToMetric } from "@/lib/detect/explain/clamp-to-metric";
import { defineDetector, type Detection } from "@/lib/detect/detector";
import { describeBaselineTime, explainDeviation } from "@/lib/detect/explain/explain-deviation";
import { expectedFor } from "@/lib/detect/baseline/hour-of-week-baseline";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { severityFor } from "@/lib/detect/severity";
import { METRICS } from "@/lib/telemetry/metrics";

export const HOUR_OF_WEEK_ZSCORE_ID = "hour-of-week-zscore";

// The std floor lives in std-floor.ts (shared with the baseline growth cap); re-exported for callers.
export { MIN_STD_ABSOLUTE } from "@/lib/detect/baseline/std-floor";

export const hourOfWeekZScoreConfigSchema = z.object({
  /** Alert when |z| exceeds this. */
  threshold: z.number().finite().positive(),
  /**
   * Relative std floor as a fraction of |mean| (0.01 = 1 %): the effective std is
   * max(bucket std, minStd × |mean|, MIN_STD_ABSOLUTE[metric]), so near-constant series stay quiet.
   */
  minStd: z.number().finite().min(0),
  /** Only these metrics; all when omitted. */
  metrics: z.array(z.enum(METRICS)).optional(),
});

export type HourOfWeekZScoreConfig = z.infer<typeof hourOfWeekZScoreConfigSchema>;

export const hourOfWeekZScore = defineDetector<HourOfWeekZScoreConfig>({
  id: HOUR_OF_WEEK_ZSCORE_ID,
  description:
    "Compares each metric with this device's usual value for the same hour of the week and flags large z-scores.",
  configSchema: hourOfWeekZScoreConfigSchema,
  scoreField: "threshold",
  alertTypes: ["metric_spike", "metric_drop"],
  defaultConfig: { threshold: 5, minStd: 0.01 },
  detect({ sample, baseline }, config) {
    const detections: Detection[] = [];
    const observedTs = sample.ts.toISOString();
    for (const metric of config.metrics ?? METRICS) {
      const value = sample.values[metric];
      if (value === null || !Number.isFinite(value)) continue;
      const expected = expectedFor(baseline, metric, sample.ts);
      if (!expected || !Number.isFinite(expected.mean) || !Number.isFinite(expected.std)) continue;

      const std = effectiveStd(metric, expected.std, expected.mean, config.minStd);
      const zScore = (value - expected.mean) / std;
      if (!(Math.abs(zScore) > config.threshold)) continue;

      const anomalyType = zScore > 0 ? "metric_spike" : "metric_drop";
      const low = clampToMetric(metric, expected.mean - config.threshold * std);
      const high = clampToMetric(metric, expected.mean + config.threshold * std);
      detections.push({
        detector: HOUR_OF_WEEK_ZSCORE_ID,
        anomalyType,
        metric,
        severity: severityFor(Math.abs(zScore), config.threshold),
        score: Math.abs(zScore),
        observed: { value, ts: observedTs },
        expected: {
          mean: expected.mean,
          // The std the score was computed with, so score = |value − mean| / std holds for readers.
          std,
          low,
          high,
          median: expected.median,
          p95: expected.p95,
          p99: expected.p99,
          hourOfWeek: expected.hourOfWeek,
          sampleCount: expected.sampleCount,
        },
        explanation: explainDeviation({
          metric,
          value,
          reference: expected.mean,
          referenceLabel: "the usual",
          context: `for ${describeBaselineTime(expected)}`,
          score: `z = ${zScore.toFixed(1)}`,
          rangeLabel: "normal range",
          low,
          high,
        }),
      });
    }
    return detections;
  },
});
