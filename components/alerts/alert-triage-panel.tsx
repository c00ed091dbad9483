"use client";
// Status and ownership of an alert: acknowledge, resolve, reopen, assign to me / unassign.
// Suppressed alerts were never raised (maintenance window or rule) and have no status to change.
import type { AlertView } from "@/lib/alerts/alert-view";
import { can } from "@/lib/auth/roles";
import { useCurrentUser } from "@/components/current-user";
import { asSentence } from "@/components/ui/as-sentence";
import { formatFullTime } from "@/components/ui/format-time";
import { useAlertTriage } from "./use-alert-triage";

export function AlertTriagePanel({ alert }: { alert: AlertView }) {
  const user = useCurrentUser();
  const allowed = can(user.role, "alerts:triage");
  const triage = useAlertTriage();
  const suppressed = alert.status === "suppressed";
  const mine = alert.assignee?.id === user.id;
  const patch = (p: Parameters<typeof triage.mutate>[0]["patch"]) => triage.mutate({ alertId: alert.id, patch: p });

  return (
    <section className="panel panel-body stack" aria-labelledby="triage-heading">
      <h2 id="triage-heading">Triage</h2>
      <dl className="numbers">
        <div>
          <dt>Status</dt>
          <dd data-testid="triage-status">{alert.status}</dd>
        </div>
        <div>
          <dt>Assignee</dt>
          <dd data-testid="triage-assignee">{alert.assignee ? alert.assignee.name : "Nobody"}</dd>
        </div>
        {alert.acknowledgedAt ? (
          <div>
            <dt>Acknowledged</dt>
            <dd>{formatFullTime(alert.acknowledgedAt)}</dd>
          </div>
        ) : null}
        {alert.resolvedAt ? (
          <div>
            <dt>Resolved</dt>
            <dd>{formatFullTime(alert.resolvedAt)}</dd>
          </div>
        ) : null}
      </dl>
      {suppressed ? (
        <p className="muted">Suppressed by a maintenance window or rule: recorded, never raised.</p>
      ) : (
        <div className="triage-actions" role="group" aria-label="Change status" aria-busy={triage.isPending}>
          {alert.status === "open" ? (
            <button type="button" className="button" disabled={!allowed} onClick={() => patch({ status: "acknowledged" })}>
              Acknowledge
            </button>
          ) : null}
          {alert.status !== "resolved" ? (
            <button type="button" className="button" disabled={!allowed} onClick={() => patch({ status: "resolved" })}>
              Resolve
            </button>
          ) : (
            <button type="button" className="button" disabled={!allowed} onClick={() => patch({ status: "open" })}>
              Reopen
            </button>
          )}
        </div>
      )}
      <div className="triage-actions">
        <button type="button" className="button" disabled={!allowed} onClick={() => patch({ assignee: mine ? null : "me" })}>
          {mine ? "Unassign me" : "Assign to me"}
        </button>
      </div>
      {!allowed ? <p className="muted">Viewers cannot change alerts.</p> : null}
      {triage.isError ? (
        <p className="form-error" role="alert">
          Could not change the alert: {asSentence(triage.error.message)}
        </p>
      ) : null}
    </section>
  );
}
