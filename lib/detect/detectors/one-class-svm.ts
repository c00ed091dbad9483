// The One-Class SVM as a minute detector (the model is models/one-class-svm-model.ts): flags minutes outside
// the learned region of normal combinations. Off by default until the evaluation shows it earns its place.
import { z } from "zod";
import { defineDetector } from "@/lib/detect/detector";
import { multivariateDetection } from "@/lib/detect/detectors/multivariate-outlier";
import { largestMetricMove, multivariateFeatures } from "@/lib/detect/models/multivariate-model";
import { nearestSupportGap, oneClassSvmScore } from "@/lib/detect/models/one-class-svm-model";

export const ONE_CLASS_SVM_ID = "one-class-svm";

export const oneClassSvmConfigSchema = z.object({
  /** Off by default: a comparison detector until the evaluation says otherwise. */
  enabled: z.boolean(),
  /** Fires below this decision value (relative to ρ: 0 = boundary, −1 = far from all normal minutes). */
  threshold: z.number().gt(-1).lte(0),
  /** Ignore minutes whose largest metric deviation is below this (in robust z). */
  minMetricDeviation: z.number().min(0),
});
export type OneClassSvmConfig = z.infer<typeof oneClassSvmConfigSchema>;

export const oneClassSvm = defineDetector<OneClassSvmConfig>({
  id: ONE_CLASS_SVM_ID,
  description:
    "One-Class SVM (per role, RBF kernel) over every metric's deviation from the device's hour-of-week baseline plus time of day: flags minutes outside the learned region of normal combinations. Off by default (comparison with the Isolation Forest).",
  configSchema: oneClassSvmConfigSchema,
  scoreField: "threshold",
  alertTypes: ["multivariate_outlier"],
  defaultConfig: { enabled: false, threshold: -0.5, minMetricDeviation: 5 },
  detect({ sample, baseline, oneClassSvmModel: model }, config) {
    if (!config.enabled || !model) return [];
    const row = multivariateFeatures(sample, baseline);
    if (!row || row.length !== model.cols) return [];
    if (largestMetricMove(row) < config.minMetricDeviation) return [];
    const score = oneClassSvmScore(model, row);
    if (!(score < config.threshold)) return [];
    // Shares: each moved metric's part of the squared distance to the nearest support vector.
    const gap = nearestSupportGap(model, row);
    const gapTotal = gap.reduce((a, b) => a + b, 0);
    // How far from the threshold towards −1 (far from every normal minute): medium in the first quarter
    // of the way, high past a quarter, critical past half.
    const depth = (config.threshold - score) / (config.threshold + 1);
    const detection = multivariateDetection({
      detector: ONE_CLASS_SVM_ID,
      sample,
      baseline,
      row,
      score,
      relative: 1 + 2 * depth,
      shares: gap.map((g) => (gapTotal > 0 ? g / gapTotal : 0)),
      summary: `Outside the usual combinations of metrics for this device's role and time (one-class SVM decision ${score.toFixed(2)}, threshold ${config.threshold.toFixed(2)})`,
    });
    return detection ? [detection] : [];
  },
});
