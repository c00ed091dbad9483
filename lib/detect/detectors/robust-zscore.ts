// Flags a metric far from this device's median for the hour of the week, measured in MADs. Median
// and MAD barely move when a few wild values slip into training (a missed attack, a counter glitch),
// so unlike the plain z-score a poisoned bucket does not widen the band and hide the next anomaly.
import { z } from "zod";
import { defineDetector } from "@/lib/detect/detector";
import { detectBaselineDeviations } from "@/lib/detect/detectors/detect-baseline-deviations";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { METRICS } from "@/lib/telemetry/metrics";

export const ROBUST_ZSCORE_ID = "robust-zscore";

/** MAD of a normal series is 0.6745 σ; dividing by it puts robust z on the plain z scale. */
export const MAD_TO_STD = 1 / 0.6745;

export const robustZScoreConfigSchema = z.object({
  /**
   * Off by default since the adaptive-baseline detector replaced it (it raised most false alerts on real
   * data: README, \"Detection on real data\"); an engineer may turn it on for a role or site.
   */
  enabled: z.boolean(),
  /** Alert when |robust z| exceeds this. */
  threshold: z.number().finite().positive(),
  /**
   * Relative floor as a fraction of |median|: the spread used is max(MAD / 0.6745,
   * minStd × |median|, MIN_STD_ABSOLUTE[metric]), so near-constant series (MAD 0) stay quiet.
   */
  minStd: z.number().finite().min(0),
  /** Only these metrics; all when omitted. */
  metrics: z.array(z.enum(METRICS)).optional(),
});

export type RobustZScoreConfig = z.infer<typeof robustZScoreConfigSchema>;

export const robustZScore = defineDetector<RobustZScoreConfig>({
  id: ROBUST_ZSCORE_ID,
  description:
    "Compares each metric with this device's median for the same hour of the week, in robust (MAD-based) z-scores that a few outliers in training cannot inflate.",
  configSchema: robustZScoreConfigSchema,
  scoreField: "threshold",
  alertTypes: ["metric_spike", "metric_drop"],
  // Above the plain z-score's 5 (both tuned on the built-in evaluation suite): MAD-based spreads are
  // tighter on the heavy-tailed series networks produce.
  defaultConfig: { enabled: false, threshold: 6, minStd: 0.01 },
  detect(input, config) {
    if (!config.enabled) return [];
    return detectBaselineDeviations(input, {
      detector: ROBUST_ZSCORE_ID,
      metrics: config.metrics,
      threshold: config.threshold,
      score(value, expected, metric) {
        if (!Number.isFinite(expected.median) || !Number.isFinite(expected.mad)) return null;
        const robustStd = effectiveStd(metric, expected.mad * MAD_TO_STD, expected.median, config.minStd);
        const robustZ = (value - expected.median) / robustStd;
        return { score: Math.abs(robustZ), spike: robustZ > 0, robustZ, robustStd };
      },
      band: ({ robustZ, robustStd }, expected) => ({
        low: expected.median - config.threshold * robustStd,
        high: expected.median + config.threshold * robustStd,
        // The spread the score was computed with, so score = |value − median| / std holds for readers.
        std: robustStd,
        reference: expected.median,
        referenceLabel: "the median",
        scoreText: `robust z = ${robustZ.toFixed(1)}`,
        rangeLabel: "normal range",
        evidence: { mad: expected.mad, baselineSource: expected.source },
      }),
    });
  },
});
