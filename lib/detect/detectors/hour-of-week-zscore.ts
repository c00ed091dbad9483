// Flags a metric that is far from what is normal for this device at this hour of the week.
import { z } from "zod";
import { defineDetector } from "@/lib/detect/detector";
import { detectBaselineDeviations } from "@/lib/detect/detectors/detect-baseline-deviations";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { METRICS } from "@/lib/telemetry/metrics";

export const HOUR_OF_WEEK_ZSCORE_ID = "hour-of-week-zscore";

export const hourOfWeekZScoreConfigSchema = z.object({
  /**
   * Off by default since the adaptive-baseline detector replaced it (it raised most false alerts on real
   * data: README, \"Detection on real data\"); an engineer may turn it on for a role or site.
   */
  enabled: z.boolean(),
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
  defaultConfig: { enabled: false, threshold: 5, minStd: 0.01 },
  detect(input, config) {
    if (!config.enabled) return [];
    return detectBaselineDeviations(input, {
      detector: HOUR_OF_WEEK_ZSCORE_ID,
      metrics: config.metrics,
      threshold: config.threshold,
      score(value, expected, metric) {
        if (!Number.isFinite(expected.mean) || !Number.isFinite(expected.std)) return null;
        const std = effectiveStd(metric, expected.std, expected.mean, config.minStd);
        const zScore = (value - expected.mean) / std;
        return { score: Math.abs(zScore), spike: zScore > 0, zScore, std };
      },
      band: ({ zScore, std }, expected) => ({
        low: expected.mean - config.threshold * std,
        high: expected.mean + config.threshold * std,
        std,
        reference: expected.mean,
        referenceLabel: "the usual",
        scoreText: `z = ${zScore.toFixed(1)}`,
        rangeLabel: "normal range",
      }),
    });
  },
});
