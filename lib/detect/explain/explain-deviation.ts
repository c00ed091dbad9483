// The sentence every deviation detector writes, so alerts from different detectors read alike:
// "Bandwidth out 911 Mbps is 340% above the usual 207 Mbps for Tuesday 14:00 UTC (z = 32.4, normal range 120–294 Mbps)."
import { formatMetricRange, formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { describeHourOfWeek } from "@/lib/detect/baseline/hour-of-week";
import type { ExpectedBucket } from "@/lib/detect/baseline/hour-of-week-baseline";
import { METRIC_INFO, type MetricName } from "@/lib/telemetry/metrics";

export interface DeviationText {
  metric: MetricName;
  value: number;
  /** What the value is compared with (mean, median, recent average), in metric units. */
  reference: number;
  /** How to name the reference, e.g. "the usual" or "the recent average". */
  referenceLabel: string;
  /** Where the reference comes from, e.g. "for Tuesday 14:00 UTC" or "over the last 60 minutes". */
  context: string;
  /** The detector's own measure, e.g. "z = 32.4". */
  score: string;
  /** e.g. "normal range" or "fences". */
  rangeLabel: string;
  low: number;
  high: number;
}

export function explainDeviation(text: DeviationText): string {
  const { metric, value } = text;
  return (
    `${METRIC_INFO[metric].label} ${formatMetricValue(metric, value)} is ${describeChange(text)} ${text.context} ` +
    `(${text.score}, ${text.rangeLabel} ${formatMetricRange(metric, text.low, text.high)}).`
  );
}

/** "Tuesday 14:00 UTC", "14:00 UTC across the week" or "any hour of the week", by the baseline level used. */
export function describeBaselineTime(expected: Pick<ExpectedBucket, "hourOfWeek" | "source">): string {
  switch (expected.source) {
    case "hour-of-week":
      return describeHourOfWeek(expected.hourOfWeek);
    case "hour-of-day":
      return `${String(expected.hourOfWeek % 24).padStart(2, "0")}:00 UTC across the week`;
    case "global":
      return "any hour of the week";
  }
}

/** "340% above the usual 207 Mbps"; percentage points for % metrics; no percentage against zero. */
function describeChange({ metric, value, reference, referenceLabel }: DeviationText): string {
  const info = METRIC_INFO[metric];
  const usual = `${referenceLabel} ${formatMetricValue(metric, reference)}`;
  const direction = value > reference ? "above" : "below";
  const diff = Math.abs(value - reference);
  if (info.unit === "%") {
    // "% above" a percentage is ambiguous; percentage points are not.
    return `${diff.toFixed(1)} points ${direction} ${usual}`;
  }
  if (reference !== 0) {
    const pct = (diff / Math.abs(reference)) * 100;
    return `${pct >= 10 ? Math.round(pct) : pct.toFixed(1)}% ${direction} ${usual}`;
  }
  return `${direction} ${usual}`;
}
