"use client";
// The Overview's "Active mitigations": every route Tidewatch announces right now (or, in dry run,
// records), with its alert and when it is withdrawn; approvals waiting behind the cap are listed too.
import { LoadError } from "@/components/ui/load-error";
import { MitigationItem } from "./mitigation-item";
import { useMitigations } from "./use-mitigations";

const MODE: Record<string, string> = {
  off: "Off (MITIGATION_BGP=off): nothing is announced.",
  "dry-run": "Dry run (MITIGATION_BGP=dry-run): routes are recorded, never sent to a router.",
  gobgp: "Routes go to the edge routers through GoBGP.",
};

export function ActiveMitigationsPanel() {
  const { data, isError, error, refetch, isFetching } = useMitigations({ status: "open" });
  const shown = data?.mitigations.filter((m) => m.status !== "proposed") ?? [];
  const proposed = (data?.mitigations.length ?? 0) - shown.length;
  return (
    <section className="panel" aria-labelledby="active-mitigations-heading" data-testid="active-mitigations">
      <div className="panel-header">
        <h2 id="active-mitigations-heading">Active mitigations</h2>
        {data ? <span className="faint">{MODE[data.mode]}</span> : null}
      </div>
      <div className="panel-body stack">
        {isError && !data ? <LoadError what="the mitigations" error={error} onRetry={() => void refetch()} retrying={isFetching} /> : null}
        {data && shown.length === 0 ? <p className="muted">No active mitigations.</p> : null}
        {shown.length > 0 ? (
          <ul className="mitigation-list">
            {shown.map((m) => (
              <MitigationItem key={m.id} m={m} showAlert />
            ))}
          </ul>
        ) : null}
        {proposed > 0 ? (
          <p className="faint" data-testid="mitigations-proposed">
            {proposed} {proposed === 1 ? "proposal waits" : "proposals wait"} for an analyst on {proposed === 1 ? "its alert's" : "their alerts'"} page.
          </p>
        ) : null}
      </div>
    </section>
  );
}
