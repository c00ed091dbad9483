// What a notification says, whatever the channel: the event and the alert or campaign it is about,
// with a link back to Tidewatch. Channel formats (lib/notify/channels) render this one shape.
import type { AlertView } from "../alerts/alert-view";
import type { CampaignView } from "../alerts/campaign-view";

export const NOTIFICATION_EVENTS = [
  "alert.raised",
  "alert.escalated",
  "alert.acknowledged",
  "alert.resolved",
  "campaign.raised",
  "campaign.escalated",
  "test",
  /** Several less severe raised alerts in one message (a channel's digest). */
  "alert.digest",
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export type Severity = AlertView["severity"];

export interface AlertSummary {
  id: number;
  severity: Severity;
  status: string;
  type: string;
  title: string;
  detector: string;
  metric: string | null;
  device: string;
  deviceId: number;
  site: string;
  role: string;
  score: number;
  explanation: string;
  observed: AlertView["observed"];
  expected: AlertView["expected"];
  evidence: AlertView["evidence"];
  observedAt: string;
  createdAt: string;
  occurrences: number;
  campaignId: number | null;
  url: string;
}

/** A campaign as a message carries it: its view and the link back to it. */
export type CampaignSummary = CampaignView & { url: string };

export interface NotificationMessage {
  /** The outbox row's id: receivers can drop a redelivery of the same id. */
  id: string;
  event: NotificationEvent;
  sentAt: string;
  channel: string;
  alert?: AlertSummary;
  campaign?: CampaignSummary;
  /** alert.digest: the alerts it gathers, oldest first. */
  alerts?: AlertSummary[];
}

export function alertSummary(a: AlertView, baseUrl: string): AlertSummary {
  return {
    id: a.id,
    severity: a.severity,
    status: a.status,
    type: a.type,
    title: a.title,
    detector: a.detector,
    metric: a.metric,
    device: a.device.name,
    deviceId: a.device.id,
    site: a.device.site,
    role: a.device.role,
    score: a.score,
    explanation: a.explanation,
    observed: a.observed,
    expected: a.expected,
    evidence: a.evidence,
    observedAt: a.observedAt,
    createdAt: a.createdAt,
    occurrences: a.occurrences,
    campaignId: a.campaignId,
    url: `${baseUrl}/alerts/${a.id}`,
  };
}

export function campaignSummary(c: CampaignView, baseUrl: string): CampaignSummary {
  return { ...c, url: `${baseUrl}/campaigns?campaign=${c.id}` };
}

/** The alert a `test` event carries, so a receiver sees the real shape without a real alert. */
export function testAlert(channel: string, baseUrl: string, at: Date): AlertSummary {
  const ts = at.toISOString();
  return {
    id: 0,
    severity: "low",
    status: "open",
    type: "test",
    title: "Test notification",
    detector: "test",
    metric: null,
    device: "tidewatch",
    deviceId: 0,
    site: "-",
    role: "-",
    score: 0,
    explanation: `A test from Tidewatch: the channel "${channel}" is set up and reachable.`,
    observed: { value: 0, ts },
    expected: { low: 0, high: 0 },
    evidence: null,
    observedAt: ts,
    createdAt: ts,
    occurrences: 1,
    campaignId: null,
    url: `${baseUrl}/integrations`,
  };
}

const EVENT_VERB: Record<NotificationEvent, string> = {
  "alert.raised": "Raised",
  "alert.escalated": "Escalated (unacknowledged)",
  "alert.acknowledged": "Acknowledged",
  "alert.resolved": "Resolved",
  "campaign.raised": "Campaign",
  "campaign.escalated": "Campaign escalated (no alert acknowledged)",
  test: "Test",
  "alert.digest": "Digest",
};

export const eventVerb = (e: NotificationEvent) => EVENT_VERB[e];

/** One line for subjects, titles and summaries: "[HIGH] DDoS on edge-1 (site hq) - Raised" (ASCII: mail subjects stay unencoded). */
export function headline(m: NotificationMessage): string {
  if (m.alerts) {
    const worst = [...new Set(m.alerts.map((a) => a.severity))].join("/");
    return `Tidewatch digest: ${m.alerts.length} alert(s) raised (${worst})`;
  }
  if (m.campaign) {
    const c = m.campaign;
    const escalated = m.event === "campaign.escalated" ? " - escalated, no alert acknowledged" : "";
    return `[${c.severity.toUpperCase()}] Campaign: ${c.types.join(", ")} on ${c.deviceIds.length} device(s), ${c.alertIds.length} alert(s)${escalated}`;
  }
  const a = m.alert!;
  return `[${a.severity.toUpperCase()}] ${a.title} on ${a.device} (site ${a.site}) - ${eventVerb(m.event)}`;
}

/** The link of the message's subject. */
export const subjectUrl = (m: NotificationMessage) =>
  m.campaign?.url ?? m.alert?.url ?? m.alerts?.[0]?.url.replace(/\/alerts\/\d+$/, "/anomalies") ?? "";

/** One line per alert of a digest: "[LOW] Latency spike on edge-1 (site hq)". */
export const digestLine = (a: AlertSummary) => `[${a.severity.toUpperCase()}] ${a.title} on ${a.device} (site ${a.site})`;

/** The JSON body of the generic webhook (documented in README): event, alert or campaign, sentAt. */
export function webhookPayload(m: NotificationMessage): Record<string, unknown> {
  return {
    id: m.id,
    event: m.event,
    ...(m.alert ? { alert: m.alert } : {}),
    ...(m.campaign ? { campaign: m.campaign } : {}),
    ...(m.alerts ? { alerts: m.alerts } : {}),
    sentAt: m.sentAt,
  };
}
