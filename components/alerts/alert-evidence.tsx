"use client";
// Why the detector fired and what to do: the metrics that drove the score (largest first), the
// supporting evidence (top talkers, focused destination, …) and the recommended next steps.
import type { AlertView } from "@/lib/alerts/alert-view";
import { isMetricName } from "@/lib/telemetry/metrics";
import { humanize } from "@/components/ui/humanize";
import { countryBreakdownOf } from "@/lib/alerts/country-breakdown";
import { CountryBreakdown } from "./country-breakdown";
import { formatAlertValue, metricLabel } from "./format-alert-value";

export function AlertEvidence({ alert }: { alert: AlertView }) {
  const evidence = alert.evidence ? Object.entries(alert.evidence) : [];
  const countries = alert.type === "geo_anomaly" ? countryBreakdownOf(alert.evidence) : null;
  return (
    <>
      {countries ? <CountryBreakdown bars={countries} /> : null}
      {alert.contributions.length > 0 ? (
        <section className="panel panel-body stack" aria-labelledby="contrib-heading">
          <h2 id="contrib-heading">Contributing metrics</h2>
          <table className="evidence-table" data-testid="alert-contributions">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Observed</th>
                <th scope="col">Expected</th>
                <th scope="col">Share</th>
              </tr>
            </thead>
            <tbody>
              {alert.contributions.map((c) => (
                <tr key={c.feature}>
                  <td>{isMetricName(c.feature) ? metricLabel(c.feature) : humanize(c.feature)}</td>
                  <td className="cell-number">{formatAlertValue(c.feature, c.value)}</td>
                  <td className="cell-number">{c.expected === undefined ? "—" : formatAlertValue(c.feature, c.expected)}</td>
                  <td className="cell-number">{Math.round(c.share * 100)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {evidence.length > 0 ? (
        <section className="panel panel-body stack" aria-labelledby="evidence-heading">
          <h2 id="evidence-heading">Evidence</h2>
          <div data-testid="alert-evidence" className="stack">
            {evidence.map(([key, value]) => (
              <EvidenceItem key={key} name={key} value={value} />
            ))}
          </div>
        </section>
      ) : null}
      {alert.recommendedActions.length > 0 ? (
        <section className="panel panel-body stack" aria-labelledby="actions-heading">
          <h2 id="actions-heading">Recommended actions</h2>
          <ol data-testid="alert-actions">
            {alert.recommendedActions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ol>
        </section>
      ) : null}
    </>
  );
}

function EvidenceItem({ name, value }: { name: string; value: unknown }) {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v && typeof v === "object" && !Array.isArray(v))) {
    const rows = value as Record<string, unknown>[];
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    return (
      <div>
        <h3 className="faint">{humanize(name)}</h3>
        <table className="evidence-table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {humanize(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 20).map((r, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c} className="mono">
                    {scalar(r[c])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <div>
      <span className="faint">{humanize(name)}: </span>
      <span className="mono">{Array.isArray(value) ? value.map(scalar).join(", ") : scalar(value)}</span>
    </div>
  );
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString() : value.toLocaleString(undefined, { maximumFractionDigits: 3 });
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
