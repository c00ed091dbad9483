// Flags a value outside a dynamic band around the exponentially weighted average of the device's
// last hour: catches sudden level shifts relative to what the device was just doing. By default the
// value must also be unusual for the hour of the week (`minBaselineDeviation`), so ramps and jobs the
// baseline expects stay quiet; a metric without a baseline bucket is then not judged. The band follows
// the data, so a shift that persists stops alerting once it has become the recent normal.
import { z } from "zod";
import { expectedFor } from "@/lib/detect/baseline/hour-of-week-baseline";
import { clampToMetric } from "@/lib/detect/explain/clamp-to-metric";
import { defineDetector, type Detection } from "@/lib/detect/detector";
import { explainDeviation } from "@/lib/detect/explain/explain-deviation";
import { severityFor } from "@/lib/detect/severity";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { METRICS } from "@/lib/telemetry/metrics";

export const EWMA_BAND_ID = "ewma-band";

const MINUTE_MS = 60_000;

export const ewmaBandConfigSchema = z.object({
  /**
   * Off by default since the adaptive-baseline detector replaced it (it raised most false alerts on real
   * data: README, \"Detection on real data\"); an engineer may turn it on for a role or site.
   */
  enabled: z.boolean(),
  /** Weight of the newest point (0.1 ≈ the last 19 minutes carry most of the weight). */
  alpha: z.number().finite().gt(0).max(1),
  /** Band half-width in EWMA standard deviations: alert outside mean ± k·σ. */
  k: z.number().finite().positive(),
  /** Fewer finite recent values than this for a metric: no opinion on it. */
  minPoints: z.number().int().min(2),
  /** Only recent minutes this close to the sample count (the input carries up to 60). */
  windowMinutes: z.number().int().min(1).max(60),
  /**
   * Relative floor as a fraction of |EWMA mean|: σ used is max(EWMA σ, minStd × |mean|,
   * MIN_STD_ABSOLUTE[metric]), so a flat last hour does not make a wobble an alert.
   */
  minStd: z.number().finite().min(0),
  /**
   * The value must also be this far (robust z against the hour-of-week bucket) from what is usual at
   * this hour, so the daily ramps, the midnight turn and scheduled jobs the baseline already knows do
   * not read as level shifts; 0 turns the check off.
   */
  minBaselineDeviation: z.number().finite().min(0),
  /** Only these metrics; all when omitted. */
  metrics: z.array(z.enum(METRICS)).optional(),
});

export type EwmaBandConfig = z.infer<typeof ewmaBandConfigSchema>;

export interface EwmaStats {
  mean: number;
  std: number;
  count: number;
}

export const ewmaBand = defineDetector<EwmaBandConfig>({
  id: EWMA_BAND_ID,
  description:
    "Compares each metric with an exponentially weighted average and spread of the device's last hour and flags values outside that dynamic band.",
  configSchema: ewmaBandConfigSchema,
  scoreField: "k",
  alertTypes: ["metric_spike", "metric_drop"],
  // k 6 (tuned on the built-in evaluation suite): σ from ~20 effectively weighted minutes is itself uncertain.
  defaultConfig: { enabled: false, alpha: 0.1, k: 6, minPoints: 20, windowMinutes: 60, minStd: 0.01, minBaselineDeviation: 3 },
  detect({ sample, recent, baseline }, config) {
    if (!config.enabled) return [];
    const now = sample.ts.getTime();
    const windowStart = now - config.windowMinutes * MINUTE_MS;
    // Only strictly earlier minutes: the value under test must not pull its own band towards it.
    const window = (recent ?? [])
      .filter((s) => {
        const t = s.ts.getTime();
        return Number.isFinite(t) && t >= windowStart && t < now;
      })
      .sort((a, b) => a.ts.getTime() - b.ts.getTime());
    if (window.length < config.minPoints) return [];

    const detections: Detection[] = [];
    const observedTs = sample.ts.toISOString();
    for (const metric of config.metrics ?? METRICS) {
      const value = sample.values[metric];
      if (value === null || !Number.isFinite(value)) continue;
      const points: { t: number; value: number }[] = [];
      for (const s of window) {
        const v = s.values[metric];
        if (v !== null && Number.isFinite(v)) points.push({ t: s.ts.getTime(), value: v });
      }
      if (points.length < config.minPoints) continue;

      const stats = ewmaStats(points.map((p) => p.value), config.alpha);
      const std = effectiveStd(metric, stats.std, stats.mean, config.minStd);
      const z = (value - stats.mean) / std;
      if (!(Math.abs(z) > config.k)) continue;
      if (config.minBaselineDeviation > 0) {
        const usual = expectedFor(baseline, metric, sample.ts);
        if (!usual) continue;
        const spread = effectiveStd(metric, usual.mad / 0.6745, usual.median, config.minStd);
        const fromUsual = (value - usual.median) / spread;
        // the same direction as the jump, and unusual for the hour too
        if (!(Math.sign(fromUsual) === Math.sign(z) && Math.abs(fromUsual) > config.minBaselineDeviation)) continue;
      }

      const anomalyType = z > 0 ? "metric_spike" : "metric_drop";
      const low = clampToMetric(metric, stats.mean - config.k * std);
      const high = clampToMetric(metric, stats.mean + config.k * std);
      const spanMinutes = Math.round((now - points[0]!.t) / MINUTE_MS);
      detections.push({
        detector: EWMA_BAND_ID,
        anomalyType,
        metric,
        severity: severityFor(Math.abs(z), config.k),
        score: Math.abs(z),
        observed: { value, ts: observedTs },
        expected: {
          mean: stats.mean,
          // The σ the score was computed with, so score = |value − mean| / std holds for readers.
          std,
          low,
          high,
          sampleCount: stats.count,
        },
        explanation: explainDeviation({
          metric,
          value,
          reference: stats.mean,
          referenceLabel: "the recent average",
          context: `of the last ${spanMinutes} minutes`,
          score: `EWMA z = ${z.toFixed(1)}`,
          rangeLabel: "recent band",
          low,
          high,
        }),
        evidence: { alpha: config.alpha, windowMinutes: spanMinutes },
      });
    }
    return detections;
  },
});

/**
 * Exponentially weighted mean and standard deviation of `values` (oldest first), with the
 * incremental update of Finch (2009), "Incremental calculation of weighted mean and variance".
 * Starts from the first value with zero variance, so very short series read slightly tight.
 */
export function ewmaStats(values: readonly number[], alpha: number): EwmaStats {
  let count = 0;
  let mean = 0;
  let variance = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (count === 0) {
      mean = value;
    } else {
      const diff = value - mean;
      const increment = alpha * diff;
      mean += increment;
      variance = (1 - alpha) * (variance + diff * increment);
    }
    count += 1;
  }
  return { mean: count > 0 ? mean : Number.NaN, std: Math.sqrt(variance), count };
}
