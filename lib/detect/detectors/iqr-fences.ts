// Tukey's fences on this device's hour-of-week quartiles: a value below p25 − k·IQR or above
// p75 + k·IQR is an outlier. Needs no assumption about the shape of the distribution, so it suits
// skewed metrics (bandwidth, syslog counts) where mean ± z·std is lopsided.
import { z } from "zod";
import { defineDetector } from "@/lib/detect/detector";
import { detectBaselineDeviations } from "@/lib/detect/detectors/detect-baseline-deviations";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { METRICS } from "@/lib/telemetry/metrics";

export const IQR_FENCES_ID = "iqr-fences";

/** The IQR of a normal series is 1.349 σ; converts the shared std floor into an IQR floor. */
export const IQR_PER_STD = 2 * 0.6745;

export const iqrFencesConfigSchema = z.object({
  /**
   * Off by default since the adaptive-baseline detector replaced it (it raised most false alerts on real
   * data: README, \"Detection on real data\"); an engineer may turn it on for a role or site.
   */
  enabled: z.boolean(),
  /** Tukey's k: fences sit k IQRs outside the quartiles (3 = "far out"). */
  k: z.number().finite().positive(),
  /**
   * Relative floor as a fraction of |median|: the IQR used is at least 1.349 × max(minStd × |median|,
   * MIN_STD_ABSOLUTE[metric]), the IQR a normal series with that std would have, so constant series
   * (IQR 0) stay quiet.
   */
  minStd: z.number().finite().min(0),
  /** Only these metrics; all when omitted. */
  metrics: z.array(z.enum(METRICS)).optional(),
});

export type IqrFencesConfig = z.infer<typeof iqrFencesConfigSchema>;

export const iqrFences = defineDetector<IqrFencesConfig>({
  id: IQR_FENCES_ID,
  description:
    "Flags values outside Tukey's fences (quartiles ± k × IQR) of this device's usual values for the same hour of the week.",
  configSchema: iqrFencesConfigSchema,
  scoreField: "k",
  alertTypes: ["metric_spike", "metric_drop"],
  defaultConfig: { enabled: false, k: 4, minStd: 0.01 },
  detect(input, config) {
    if (!config.enabled) return [];
    const { k } = config;
    return detectBaselineDeviations(input, {
      detector: IQR_FENCES_ID,
      metrics: config.metrics,
      threshold: k,
      score(value, expected, metric) {
        if (!Number.isFinite(expected.p25) || !Number.isFinite(expected.p75)) return null;
        const iqr = IQR_PER_STD * effectiveStd(metric, (expected.p75 - expected.p25) / IQR_PER_STD, expected.median, config.minStd);
        // Score = distance from the nearer quartile in IQRs, so the fence itself is at score k and
        // severityFor(score, k) reads as for z: medium past the fence, high past 1.5k, critical past 2k.
        const above = (value - expected.p75) / iqr;
        const below = (expected.p25 - value) / iqr;
        return { score: Math.max(above, below), spike: above > below, iqr };
      },
      band: ({ score, spike, iqr }, expected) => ({
        low: expected.p25 - k * iqr,
        high: expected.p75 + k * iqr,
        reference: expected.median,
        referenceLabel: "the median",
        scoreText: `${(score - k).toFixed(1)} IQR past the ${spike ? "upper" : "lower"} fence`,
        rangeLabel: "fences",
        evidence: { p25: expected.p25, p75: expected.p75, iqr, k, baselineSource: expected.source },
      }),
    });
  },
});
