// Numbers of an alert in the unit of its metric ("912 Mbps", "42.3%"), or plainly when the alert
// is not about one known metric.
import { formatMetricRange, formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { isMetricName, METRIC_INFO } from "@/lib/telemetry/metrics";

const plain = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

export function formatAlertValue(metric: string | null, value: number | null | undefined): string {
  if (metric && isMetricName(metric)) return formatMetricValue(metric, value);
  return value === null || value === undefined || !Number.isFinite(value) ? "—" : plain.format(value);
}

export function formatAlertRange(metric: string | null, low: number, high: number): string {
  if (metric && isMetricName(metric)) return formatMetricRange(metric, low, high);
  if (!Number.isFinite(low) || !Number.isFinite(high)) return "—";
  return `${plain.format(low)}–${plain.format(high)}`;
}

/** "Bandwidth in" for known metrics, the raw name otherwise, "—" for none. */
export function metricLabel(metric: string | null): string {
  if (!metric) return "—";
  return isMetricName(metric) ? METRIC_INFO[metric].label : metric;
}
