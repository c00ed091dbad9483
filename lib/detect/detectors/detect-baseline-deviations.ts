// The skeleton the hour-of-week baseline detectors (z-score, robust z-score, IQR fences) share: for each
// metric the sample reports, look up what is expected for this device at this hour of the week, score the
// value, and past the detector's threshold raise a metric_spike or metric_drop carrying the band it left,
// the baseline's statistics and the sentence every deviation detector writes. A detector declares only its
// score and its band.
import { expectedFor, type ExpectedBucket } from "@/lib/detect/baseline/hour-of-week-baseline";
import type { Detection, DetectorInput } from "@/lib/detect/detector";
import { clampToMetric } from "@/lib/detect/explain/clamp-to-metric";
import { describeBaselineTime, explainDeviation } from "@/lib/detect/explain/explain-deviation";
import { severityFor } from "@/lib/detect/severity";
import { METRICS, type MetricName } from "@/lib/telemetry/metrics";

/** A value scored against its bucket. */
export interface DeviationScore {
  /** Raised when it exceeds the threshold; severity reads it against the threshold (severityFor). */
  score: number;
  /** Above the band (metric_spike) rather than below it (metric_drop). */
  spike: boolean;
}

/** The band a raised value left, and how its explanation words the comparison. */
export interface DeviationBand {
  /** Band edges in metric units; clamped here to what the metric can take. */
  low: number;
  high: number;
  /** The spread the score divides by when it is a std, so score = |value − reference| / std holds for readers. */
  std?: number;
  /** What the explanation compares the value with (the mean or the median), and its name ("the usual"). */
  reference: number;
  referenceLabel: string;
  /** The detector's own measure, e.g. "z = 32.4". */
  scoreText: string;
  /** e.g. "normal range" or "fences". */
  rangeLabel: string;
  evidence?: Record<string, unknown>;
}

export interface BaselineDeviationRule<Score extends DeviationScore> {
  /** The id the detections carry. */
  detector: string;
  /** Only these metrics; all when undefined. */
  metrics: readonly MetricName[] | undefined;
  /** The configured setting the score must exceed. */
  threshold: number;
  /** Scores a finite value; null when the bucket lacks the statistics the score needs. */
  score(value: number, expected: ExpectedBucket, metric: MetricName): Score | null;
  /** The band, for a value that scored past the threshold. */
  band(scored: Score, expected: ExpectedBucket, metric: MetricName): DeviationBand;
}

/** One detection per metric whose value is past the rule's threshold against this hour-of-week's baseline. */
export function detectBaselineDeviations<Score extends DeviationScore>(
  { sample, baseline }: Pick<DetectorInput, "sample" | "baseline">,
  rule: BaselineDeviationRule<Score>,
): Detection[] {
  const detections: Detection[] = [];
  const observedTs = sample.ts.toISOString();
  for (const metric of rule.metrics ?? METRICS) {
    const value = sample.values[metric];
    if (value === null || !Number.isFinite(value)) continue;
    const expected = expectedFor(baseline, metric, sample.ts);
    if (!expected) continue;
    const scored = rule.score(value, expected, metric);
    if (!scored || !(scored.score > rule.threshold)) continue;

    const band = rule.band(scored, expected, metric);
    const low = clampToMetric(metric, band.low);
    const high = clampToMetric(metric, band.high);
    detections.push({
      detector: rule.detector,
      anomalyType: scored.spike ? "metric_spike" : "metric_drop",
      metric,
      severity: severityFor(scored.score, rule.threshold),
      score: scored.score,
      observed: { value, ts: observedTs },
      expected: {
        mean: expected.mean,
        ...(band.std === undefined ? {} : { std: band.std }),
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
        reference: band.reference,
        referenceLabel: band.referenceLabel,
        context: `for ${describeBaselineTime(expected)}`,
        score: band.scoreText,
        rangeLabel: band.rangeLabel,
        low,
        high,
      }),
      ...(band.evidence === undefined ? {} : { evidence: band.evidence }),
    });
  }
  return detections;
}
