"use client";
// Mitigations on the alert page and on each campaign: proposed, active and ended ones with the
// analyst's buttons. Shown only where a playbook proposed something (most alerts have no mitigation).
import { MitigationItem } from "./mitigation-item";
import { useMitigations } from "./use-mitigations";

export function MitigationsPanel({ alertId, campaignId }: { alertId?: number; campaignId?: number }) {
  const { data } = useMitigations({ alertId, campaignId });
  if (!data || data.mitigations.length === 0) return null;
  const headingId = `mitigations-${alertId ?? `c${campaignId}`}-heading`;
  return (
    <section className="panel panel-body stack" aria-labelledby={headingId} data-testid="mitigations">
      <h2 id={headingId}>Mitigation</h2>
      <ul className="mitigation-list">
        {data.mitigations.map((m) => (
          <MitigationItem key={m.id} m={m} showAlert={campaignId !== undefined} />
        ))}
      </ul>
    </section>
  );
}
