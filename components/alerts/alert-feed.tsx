"use client";
import { useState } from "react";
import { asSentence } from "@/components/ui/as-sentence";
import { AlertFeedRow } from "./alert-feed-row";
import { useAlertFeed } from "./use-alert-feed";

const COLUMNS = ["Time", "Severity", "Device", "Metric", "Explanation", "Status", "Feedback"] as const;

/** The newest alerts, newest first; new ones arrive through the live stream and flash briefly. */
export function AlertFeed() {
  const { data, isPending, isError, error } = useAlertFeed();
  // Rows present when the feed first loads are not "new"; rows added later (live) flash once.
  const [initialIds, setInitialIds] = useState<ReadonlySet<number> | null>(null);
  if (data && initialIds === null) setInitialIds(new Set(data.alerts.map((a) => a.id)));
  const isNew = (id: number) => initialIds !== null && !initialIds.has(id);
  const alerts = data?.alerts ?? [];

  return (
    <section className="panel" aria-labelledby="alert-feed-heading">
      <div className="panel-header">
        <h2 id="alert-feed-heading">Latest alerts</h2>
        {data ? <span className="faint">{alerts.length === 1 ? "1 alert" : `${alerts.length} alerts`}</span> : null}
      </div>
      <div data-testid="alert-feed" aria-busy={isPending}>
        {isPending ? (
          <FeedSkeleton />
        ) : isError ? (
          <div className="empty-state" role="alert">
            <strong>Could not load alerts.</strong>{" "}
            <span>{asSentence(error.message)} Reload the page to try again.</span>
          </div>
        ) : alerts.length === 0 ? (
          <div className="empty-state">
            <strong>No alerts yet.</strong>{" "}
            <span>
              The worker raises alerts as soon as telemetry looks abnormal; with the demo simulator the first one
              arrives within about two minutes of start.
            </span>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="alert-table">
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {alerts.map((alert) => (
                  <AlertFeedRow key={alert.id} alert={alert} isNew={isNew(alert.id)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}

function FeedSkeleton() {
  return (
    <div className="panel-body stack" aria-label="Loading alerts">
      {Array.from({ length: 5 }, (_, i) => (
        <span key={i} className="skeleton" style={{ height: "1.6rem" }} />
      ))}
    </div>
  );
}
