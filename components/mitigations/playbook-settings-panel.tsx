"use client";
// The mitigation playbooks and their settings: enabled, automatic (no human when the detector and the
// AI approve) and the TTL. Everyone sees them; only admins change them (audited, live for others).
import { can } from "@/lib/auth/roles";
import { useCurrentUser } from "@/components/current-user";
import { asSentence } from "@/components/ui/as-sentence";
import { LoadError } from "@/components/ui/load-error";
import { usePlaybooks, useUpdatePlaybook } from "./use-mitigations";

export function PlaybookSettingsPanel() {
  const user = useCurrentUser();
  const admin = can(user.role, "settings:manage");
  const { data, isError, error, refetch, isFetching } = usePlaybooks();
  const update = useUpdatePlaybook();
  return (
    <section className="panel panel-body stack" aria-labelledby="playbooks-heading" data-testid="mitigation-playbooks">
      <h2 id="playbooks-heading">Mitigation playbooks</h2>
      <p className="muted">
        Manual playbooks wait for an analyst&apos;s Approve on the alert page. An automatic one announces without a human when the alert is high or critical
        with at least 85% confidence and the AI approves; without an AI approval an analyst still decides.
      </p>
      {isError && !data ? <LoadError what="the playbooks" error={error} onRetry={() => void refetch()} retrying={isFetching} /> : null}
      {data ? (
        <ul className="mitigation-list">
          {data.playbooks.map((p) => (
            <li key={p.id} className="mitigation" data-testid="playbook" data-playbook-id={p.id}>
              <div className="mitigation-head">
                <strong>{p.title}</strong>
                <span className="faint">TTL {p.ttlMinutes} min</span>
              </div>
              <p className="faint">{p.description}</p>
              <div className="triage-actions" aria-busy={update.isPending}>
                <label>
                  <input type="checkbox" checked={p.enabled} disabled={!admin || update.isPending} onChange={(e) => update.mutate({ id: p.id, enabled: e.target.checked })} /> Enabled
                </label>
                <label>
                  <input type="checkbox" checked={p.automatic} disabled={!admin || update.isPending} onChange={(e) => update.mutate({ id: p.id, automatic: e.target.checked })} /> Automatic
                </label>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {!admin ? <p className="muted">Only admins change playbooks.</p> : null}
      {update.isError ? (
        <p className="form-error" role="alert">
          {asSentence(update.error.message)}
        </p>
      ) : null}
    </section>
  );
}
