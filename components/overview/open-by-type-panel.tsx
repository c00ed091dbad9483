"use client";
// Open and acknowledged alerts per type, most first; each row opens the Anomalies page filtered to it.
import Link from "next/link";
import { alertTypeTitle } from "@/lib/alerts/alert-type";
import type { OpenAlertsOfType } from "@/lib/dashboards/overview-view";
import { formatCount } from "./overview-format";

export function OpenByTypePanel({ types }: { types: OpenAlertsOfType[] }) {
  const most = Math.max(1, ...types.map((t) => t.count));
  return (
    <section className="panel overview-panel" aria-labelledby="open-by-type-heading">
      <div className="panel-header">
        <h2 id="open-by-type-heading">Open alerts by type</h2>
        <span className="faint">open or acknowledged</span>
      </div>
      {types.length === 0 ? (
        <div className="empty-state" data-testid="open-by-type-empty">
          <strong>No open alerts.</strong>
          <span>Alerts appear here by type as detectors raise them; resolved and suppressed ones are not counted.</span>
        </div>
      ) : (
        <ol className="open-type-list" data-testid="open-by-type">
          {types.map((t) => (
            <li key={t.type} data-testid="open-type-row" data-type={t.type}>
              <Link
                className="open-type-link"
                href={`/anomalies?type=${encodeURIComponent(t.type)}&status=open,acknowledged`}
                aria-label={`${alertTypeTitle(t.type)}: ${formatCount(t.count)} open or acknowledged`}
              >
                <span className="open-type-name">{alertTypeTitle(t.type)}</span>
                <span className="open-type-bar" aria-hidden="true">
                  <span style={{ width: `${(t.count / most) * 100}%` }} />
                </span>
                <span className="open-type-count">{formatCount(t.count)}</span>
              </Link>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
