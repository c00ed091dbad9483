"use client";
// One mitigation: its status, the route exactly as it would be (or is) announced, the gates' outcomes,
// its TTL, and the analyst's buttons for what its status allows (Approve/Deny a proposal, Extend and
// Withdraw an approved or active one).
import { useState } from "react";
import Link from "next/link";
import { can } from "@/lib/auth/roles";
import type { MitigationView } from "@/lib/mitigation/mitigation-view";
import { useCurrentUser } from "@/components/current-user";
import { asSentence } from "@/components/ui/as-sentence";
import { formatFullTime, formatTime } from "@/components/ui/format-time";
import { useMitigationAction } from "./use-mitigations";

const AI_OUTCOME: Record<MitigationView["gates"]["ai"]["outcome"], string> = { approve: "approved", reject: "did not approve", ask_human: "asks a human" };

export function MitigationItem({ m, showAlert = false }: { m: MitigationView; showAlert?: boolean }) {
  const user = useCurrentUser();
  const allowed = can(user.role, "mitigations:decide");
  const act = useMitigationAction();
  const [minutes, setMinutes] = useState(m.ttlMinutes);
  const open = m.status === "proposed" || m.status === "approved" || m.status === "active";
  const busy = act.isPending;

  return (
    <li className="mitigation" data-testid="mitigation" data-mitigation-id={m.id} data-status={m.status}>
      <div className="mitigation-head">
        <span className="badge status-badge mitigation-status" data-status={m.status} data-testid="mitigation-status">
          {m.status}
        </span>
        <strong>{m.playbookTitle}</strong>
        {showAlert ? (
          <span className="muted">
            for <Link href={`/alerts/${m.alert.id}`}>{m.alert.title}</Link> on {m.alert.device.name}
          </span>
        ) : null}
      </div>
      <p>
        <span className="faint">{m.dryRun ? "Would announce: " : m.status === "active" ? "Announced: " : "Announces: "}</span>
        <code data-testid="mitigation-route">{m.routeText}</code>
      </p>
      {m.dryRun ? (
        <p className="faint" data-testid="mitigation-dry-run">
          Dry run (MITIGATION_BGP=dry-run): exactly this route is recorded; nothing is sent to a router.
        </p>
      ) : null}
      {m.reason ? <p className="muted" data-testid="mitigation-reason">{asSentence(m.reason)}</p> : null}
      <ul className="mitigation-gates faint" aria-label="Gates">
        <li>Detector: {m.gates.detector.reason}</li>
        <li>
          AI: {AI_OUTCOME[m.gates.ai.outcome]} ({m.gates.ai.reason})
        </li>
        <li>Human: {m.gates.human.reason}</li>
      </ul>
      <p className="faint">
        {open ? (
          <>
            {m.status === "active" ? "Withdrawn automatically at" : "Lapses at"}{" "}
            <time dateTime={m.expiresAt} title={formatFullTime(m.expiresAt)}>
              {formatTime(m.expiresAt)}
            </time>{" "}
            (TTL {m.ttlMinutes} min)
          </>
        ) : m.endedAt ? (
          <>
            Ended <time dateTime={m.endedAt}>{formatTime(m.endedAt)}</time>
            {m.endedBy ? ` by ${m.endedBy.name}` : ""}
          </>
        ) : m.decidedAt ? (
          <>
            Decided <time dateTime={m.decidedAt}>{formatTime(m.decidedAt)}</time>
            {m.decidedBy ? ` by ${m.decidedBy.name}` : ""}
          </>
        ) : null}
      </p>
      {open && allowed ? (
        <div className="triage-actions" role="group" aria-label={`Mitigation #${m.id}`} aria-busy={busy}>
          {m.status === "proposed" ? (
            <>
              <button type="button" className="button" disabled={busy} onClick={() => act.mutate({ id: m.id, action: "approve" })}>
                Approve
              </button>
              <button type="button" className="button" disabled={busy} onClick={() => act.mutate({ id: m.id, action: "deny" })}>
                Deny
              </button>
            </>
          ) : (
            <button type="button" className="button" disabled={busy} onClick={() => act.mutate({ id: m.id, action: "withdraw" })}>
              Withdraw
            </button>
          )}
          {m.status === "active" ? (
            <label className="mitigation-extend">
              <input
                className="input"
                type="number"
                min={1}
                value={minutes}
                aria-label="Minutes from now"
                onChange={(e) => setMinutes(Number(e.target.value))}
              />
              <button type="button" className="button" disabled={busy || !(minutes > 0)} onClick={() => act.mutate({ id: m.id, action: "extend", minutes })}>
                Extend
              </button>
            </label>
          ) : null}
        </div>
      ) : null}
      {open && !allowed ? <p className="muted">Viewers cannot decide on mitigations.</p> : null}
      {act.isError ? (
        <p className="form-error" role="alert">
          {asSentence(act.error.message)}
        </p>
      ) : null}
    </li>
  );
}
