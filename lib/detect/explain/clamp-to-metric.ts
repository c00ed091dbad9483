// Expected ranges are drawn in metric units and never leave what the metric can take: rates and
// counts are never negative, percentages never exceed 100.
import { METRIC_INFO, type MetricName } from "@/lib/telemetry/metrics";

export function clampToMetric(metric: MetricName, value: number): number {
  const max = METRIC_INFO[metric].max ?? Number.POSITIVE_INFINITY;
  return Math.min(max, Math.max(0, value));
}
