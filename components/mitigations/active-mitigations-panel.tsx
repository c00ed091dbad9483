"use client";
// The Overview's "Active mitigations": every route Tidewatch announces right now (or, in dry run,
// records), with its alert and when it is withdrawn, and how many approvals and proposals wait.
import { LoadError } from "@/components/ui/load-error";
import { MitigationItem } from "./mitigation-item";
import { useMitigations } from "./use-mitigations";

const MODE: Record<string, string> = {
  off: "Off (MITIGATION_BGP=off): nothing is announced.",
  "dry-run": "Dry run (MITIGATION_BGP=dry-run): routes are recorded, never sent to a router.",
  gobgp: "Routes go to the edge routers through GoBGP.",
};

export function ActiveMitigationsPanel() {
  const { data, isError, error, refetch, isFetching } = useMitigations({ status: "active" });
  const waiting = data ? [
    data.open.approved > 0 ? `${data.open.approved} approved, waiting to be announced (MITIGATION_MAX_ACTIVE)` : "",
    data.open.proposed > 0 ? `${data.open.proposed} ${data.open.proposed === 1 ? "proposal waits" : "proposals wait"} for an analyst on the alert's page` : "",
  ].filter(Boolean) : [];
  return (
    <section className="panel" aria-labelledby="active-mitigations-heading" data-testid="active-mitigations">
      <div className="panel-header">
        <h2 id="active-mitigations-heading">Active mitigations</h2>
        {data ? <span className="faint">{MODE[data.mode]}</span> : null}
      </div>
      <div className="panel-body stack">
        {isError && !data ? <LoadError what="the mitigations" error={error} onRetry={() => void refetch()} retrying={isFetching} /> : null}
        {data && data.mitigations.length === 0 ? <p className="muted">No active mitigations.</p> : null}
        {data && data.mitigations.length > 0 ? (
          <ul className="mitigation-list">
            {data.mitigations.map((m) => (
              <MitigationItem key={m.id} m={m} showAlert />
            ))}
          </ul>
        ) : null}
        {waiting.length > 0 ? (
          <p className="faint" data-testid="mitigations-waiting">
            {waiting.join("; ")}.
          </p>
        ) : null}
      </div>
    </section>
  );
}
