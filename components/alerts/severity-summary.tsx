"use client";
import { SEVERITIES } from "@/lib/alerts/alert-view";
import { useSeverityCounts } from "./use-severity-counts";

/** One card per severity with the number of open + acknowledged alerts. */
export function SeveritySummary() {
  const { data, isError } = useSeverityCounts();

  return (
    <section aria-labelledby="severity-summary-heading">
      <h2 id="severity-summary-heading" className="visually-hidden">
        Active alerts by severity
      </h2>
      <ul className="severity-cards">
        {SEVERITIES.map((severity) => (
          <li key={severity} className="severity-card" data-testid="severity-count" data-severity={severity}>
            <span className="severity-card-label">{severity}</span>
            <span className="severity-card-count" aria-live="polite">
              {data ? data[severity] : isError ? "—" : <span className="skeleton" style={{ width: "2.5rem", height: "1.9rem" }} />}
            </span>
            <span className="faint">open or acknowledged</span>
          </li>
        ))}
      </ul>
      {isError ? (
        <p className="form-error" role="alert" style={{ marginTop: "0.75rem" }}>
          Could not load the alert counts. Reload the page to try again.
        </p>
      ) : null}
    </section>
  );
}
