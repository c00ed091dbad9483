import type { AlertView } from "@/lib/alerts/alert-view";
import { formatAlertRange, formatAlertValue } from "./format-alert-value";

/** The numbers behind the chart, in the metric's unit. */
export function AlertNumbers({ alert }: { alert: AlertView }) {
  const { metric, observed, expected } = alert;
  const rows: Array<[string, string, string?]> = [
    ["Observed", formatAlertValue(metric, observed.value), "observed-number"],
    ["Expected range", formatAlertRange(metric, expected.low, expected.high)],
  ];
  if (expected.mean !== undefined) rows.push(["Mean", formatAlertValue(metric, expected.mean)]);
  if (expected.median !== undefined) rows.push(["Median", formatAlertValue(metric, expected.median)]);
  if (expected.p95 !== undefined) rows.push(["95th percentile", formatAlertValue(metric, expected.p95)]);
  if (expected.std !== undefined) rows.push(["Std deviation", formatAlertValue(metric, expected.std)]);
  rows.push(["Score", alert.score.toFixed(2)]);

  return (
    <dl className="numbers" data-severity={alert.severity} data-testid="alert-numbers">
      {rows.map(([label, value, className]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd className={className}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
