// Flags a metric that is far from what is normal for this device at this hour of the week.
import { z } from "zod";
import { defineDetector, type Detection, type Severity } from "@/lib/detect/detector";
import { formatMetricRange, formatMetricValue } from "@/lib/detect/format-metric-value";
import { describeHourOfWeek } from "@/lib/detect/hour-of-week";
import { expectedFor, type ExpectedBucket } from "@/lib/detect/hour-of-week-baseline";
import { METRIC_INFO, METRICS, type MetricName } from "@/lib/telemetry/metrics";

export const HOUR_OF_WEEK_ZSCORE_ID = "hour-of-week-zscore";

/**
 * Smallest std ever used, in the metric's own unit, so a series that is exactly constant (often 0,
 * e.g. packet loss) does not turn a negligible wobble into a huge z.
 */
export const MIN_STD_ABSOLUTE: Readonly<Record<MetricName, number>> = {
  bandwidthInBps: 1_000,
  bandwidthOutBps: 1_000,
  packetsPerSec: 1,
  flowsPerSec: 0.5,
  connectionsPerSec: 0.5,
  cpuPct: 0.5,
  memoryPct: 0.5,
  latencyMs: 0.1,
  packetLossPct: 0.05,
  distinctPeers: 1,
  distinctDstPorts: 1,
  syslogMessages: 1,
  syslogErrors: 1,
  syslogFailures: 1,
};

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
  defaultConfig: { threshold: 4, minStd: 0.01 },
  detect({ sample, baseline }, config) {
    const detections: Detection[] = [];
    const observedTs = sample.ts.toISOString();
    for (const metric of config.metrics ?? METRICS) {
      const value = sample.values[metric];
      if (value === null || !Number.isFinite(value)) continue;
      const expected = expectedFor(baseline, metric, sample.ts);
      if (!expected || !Number.isFinite(expected.mean) || !Number.isFinite(expected.std)) continue;

      const std = effectiveStd(metric, expected, config.minStd);
      const zScore = (value - expected.mean) / std;
      if (!(Math.abs(zScore) > config.threshold)) continue;

      const anomalyType = zScore > 0 ? "metric_spike" : "metric_drop";
      const max = METRIC_INFO[metric].max ?? Number.POSITIVE_INFINITY;
      const low = clamp(expected.mean - config.threshold * std, 0, max);
      const high = clamp(expected.mean + config.threshold * std, 0, max);
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
        explanation: explain(metric, value, expected, zScore, low, high),
        dedupKey: `${sample.deviceId}:${HOUR_OF_WEEK_ZSCORE_ID}:${metric}:${anomalyType}`,
      });
    }
    return detections;
  },
});

/** medium past the threshold, high past 1.5×, critical past 2×. */
export function severityFor(absZ: number, threshold: number): Severity {
  if (absZ > 2 * threshold) return "critical";
  if (absZ > 1.5 * threshold) return "high";
  return "medium";
}

function effectiveStd(metric: MetricName, expected: ExpectedBucket, minStd: number): number {
  return Math.max(expected.std, minStd * Math.abs(expected.mean), MIN_STD_ABSOLUTE[metric]);
}

function explain(
  metric: MetricName,
  value: number,
  expected: ExpectedBucket,
  zScore: number,
  low: number,
  high: number,
): string {
  const info = METRIC_INFO[metric];
  const usual = formatMetricValue(metric, expected.mean);
  const direction = zScore > 0 ? "above" : "below";
  const diff = Math.abs(value - expected.mean);
  let change: string;
  if (info.unit === "%") {
    // "% above" a percentage is ambiguous; percentage points are not.
    change = `${diff.toFixed(1)} points ${direction} the usual ${usual}`;
  } else if (expected.mean !== 0) {
    const pct = (diff / Math.abs(expected.mean)) * 100;
    change = `${pct >= 10 ? Math.round(pct) : pct.toFixed(1)}% ${direction} the usual ${usual}`;
  } else {
    change = `${direction} the usual ${usual}`;
  }
  const when =
    expected.source === "hour-of-week"
      ? describeHourOfWeek(expected.hourOfWeek)
      : `${String(expected.hourOfWeek % 24).padStart(2, "0")}:00 UTC across the week`;
  return (
    `${info.label} ${formatMetricValue(metric, value)} is ${change} for ${when} ` +
    `(z = ${zScore.toFixed(1)}, normal range ${formatMetricRange(metric, low, high)}).`
  );
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
