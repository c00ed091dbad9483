// Tukey's fences on this device's hour-of-week quartiles: a value below p25 − k·IQR or above
// p75 + k·IQR is an outlier. Needs no assumption about the shape of the distribution, so it suits
// skewed metrics (bandwidth, syslog counts) where mean ± z·std is lopsided.
import { z } from "zod";
import { clampToMetric } from "@/lib/detect/explain/clamp-to-metric";
import { defineDetector, type Detection } from "@/lib/detect/detector";
import { describeBaselineTime, explainDeviation } from "@/lib/detect/explain/explain-deviation";
import { expectedFor } from "@/lib/detect/baseline/hour-of-week-baseline";
import { severityFor } from "@/lib/detect/severity";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { METRICS } from "@/lib/telemetry/metrics";

export const IQR_FENCES_ID = "iqr-fences";

/** The IQR of a normal series is 1.349 σ; converts the shared std floor into an IQR floor. */
export const IQR_PER_STD = 2 * 0.6745;

export const iqrFencesConfigSchema = z.object({
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
  defaultConfig: { k: 4, minStd: 0.01 },
  detect({ sample, baseline }, config) {
    const detections: Detection[] = [];
    const observedTs = sample.ts.toISOString();
    const { k } = config;
    for (const metric of config.metrics ?? METRICS) {
      const value = sample.values[metric];
      if (value === null || !Number.isFinite(value)) continue;
      const expected = expectedFor(baseline, metric, sample.ts);
      if (!expected || !Number.isFinite(expected.p25) || !Number.isFinite(expected.p75)) continue;

      const iqr = IQR_PER_STD * effectiveStd(metric, (expected.p75 - expected.p25) / IQR_PER_STD, expected.median, config.minStd);
      // Score = distance from the nearer quartile in IQRs, so the fence itself is at score k and
      // severityFor(score, k) reads as for z: medium past the fence, high past 1.5k, critical past 2k.
      const above = (value - expected.p75) / iqr;
      const below = (expected.p25 - value) / iqr;
      const score = Math.max(above, below);
      if (!(score > k)) continue;

      const anomalyType = above > below ? "metric_spike" : "metric_drop";
      const low = clampToMetric(metric, expected.p25 - k * iqr);
      const high = clampToMetric(metric, expected.p75 + k * iqr);
      const pastFence = score - k;
      detections.push({
        detector: IQR_FENCES_ID,
        anomalyType,
        metric,
        severity: severityFor(score, k),
        score,
        observed: { value, ts: observedTs },
        expected: {
          mean: expected.mean,
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
          reference: expected.median,
          referenceLabel: "the median",
          context: `for ${describeBaselineTime(expected)}`,
          score: `${pastFence.toFixed(1)} IQR past the ${anomalyType === "metric_spike" ? "upper" : "lower"} fence`,
          rangeLabel: "fences",
          low,
          high,
        }),
        evidence: { p25: expected.p25, p75: expected.p75, iqr, k, baselineSource: expected.source },
      });
    }
    return detections;
  },
});
