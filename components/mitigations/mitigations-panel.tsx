"use client";
// Mitigations on the alert page and on each campaign: proposed, active and ended ones with the
// analyst's buttons. Shown only where a playbook proposed something (most alerts have no mitigation).
// The campaign cards share one list of the newest mitigations (one request for the whole page, not one
// per card), each keeping those of its alerts.
import type { MitigationView } from "@/lib/mitigation/mitigation-view";
import { MitigationItem } from "./mitigation-item";
import { useMitigations } from "./use-mitigations";

/** How many of the newest mitigations the campaign cards look through. */
const CAMPAIGN_WINDOW = 200;

export function MitigationsPanel(props: { alertId: number } | { campaignId: number; alertIds: readonly number[] }) {
  const perAlert = "alertId" in props;
  const { data } = useMitigations(perAlert ? { alertId: props.alertId } : { status: "all", limit: CAMPAIGN_WINDOW });
  const shown: MitigationView[] = !data
    ? []
    : perAlert
      ? data.mitigations
      : data.mitigations.filter((m) => m.campaignId === props.campaignId || props.alertIds.includes(m.alert.id));
  if (shown.length === 0) return null;
  const headingId = perAlert ? `mitigations-${props.alertId}-heading` : `mitigations-c${props.campaignId}-heading`;
  return (
    <section className="panel panel-body stack" aria-labelledby={headingId} data-testid="mitigations">
      <h2 id={headingId}>Mitigation</h2>
      <ul className="mitigation-list">
        {shown.map((m) => (
          <MitigationItem key={m.id} m={m} showAlert={!perAlert} />
        ))}
      </ul>
    </section>
  );
}
