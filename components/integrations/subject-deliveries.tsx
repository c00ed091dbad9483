"use client";
// Where an alert (or campaign) was sent, when, and the outcome: the notification history of one subject.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { DeliveryView } from "@/lib/notify/channel-input";
import { fetchJson } from "@/components/api/fetch-json";
import { formatFullTime } from "@/components/ui/format-time";

const OUTCOME: Record<string, string> = {
  pending: "waiting to be sent",
  sending: "sending",
  sent: "delivered",
  dead: "not delivered (gave up)",
  skipped: "not sent on its own",
};

export function SubjectDeliveries({ alertId, campaignId, version }: { alertId?: number; campaignId?: number; version?: string }) {
  const query = alertId !== undefined ? `alertId=${alertId}` : `campaignId=${campaignId}`;
  const deliveries = useQuery({
    // the alert's updatedAt: a triage change may have queued an acknowledgement or resolution
    queryKey: ["notification-deliveries", query, version],
    queryFn: ({ signal }) => fetchJson<{ deliveries: DeliveryView[] }>(`/api/notification-deliveries?${query}&limit=50`, { signal }).then((r) => r.deliveries),
  });
  return (
    <section className="panel panel-body stack" aria-labelledby="notifications-heading" data-testid="subject-deliveries">
      <h2 id="notifications-heading">Notifications</h2>
      {deliveries.isError ? (
        <p className="faint">Could not load where this was sent.</p>
      ) : !deliveries.data ? (
        <span className="skeleton" style={{ height: "1.2rem" }} />
      ) : deliveries.data.length === 0 ? (
        <p className="faint">Not sent to any channel.</p>
      ) : (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {deliveries.data.map((d) => (
            <li key={d.id} data-testid="subject-delivery" data-status={d.status}>
              <strong>{d.channelName}</strong> <span className="mono">{d.event}</span>: {OUTCOME[d.status] ?? d.status}
              {d.responseStatus ? ` (HTTP ${d.responseStatus})` : ""}
              {d.attempts > 1 ? ` after ${d.attempts} tries` : ""}
              <div className="faint">{formatFullTime(d.sentAt ?? d.createdAt)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** On a campaign card: loaded only when opened, so a long list of campaigns costs no requests. */
export function CampaignDeliveries({ campaignId, version }: { campaignId: number; version: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)} data-testid="campaign-deliveries">
      <summary className="faint">Where it was sent</summary>
      {open ? <SubjectDeliveries campaignId={campaignId} version={version} /> : null}
    </details>
  );
}
