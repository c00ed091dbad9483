// What a notification says, whatever the channel: the event and the alert, campaign or mitigation it
// is about, with a link back to Tidewatch. Channel formats (lib/notify/channels) render this one shape,
// each through `bySubject`, whose handler map makes every channel say something for every subject.
import type { MitigationStatus } from "@prisma/client";
import type { AlertView } from "../alerts/alert-view";
import type { CampaignView } from "../alerts/campaign-view";
import type { MitigationView } from "../mitigation/mitigation-view";
import { SEVERITY_RANK } from "../detect/severity";

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
  "mitigation.proposed",
  "mitigation.active",
  "mitigation.denied",
  "mitigation.withdrawn",
  "mitigation.expired",
  "mitigation.failed",
  "mitigation.refused",
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];
export type MitigationEvent = Extract<NotificationEvent, `mitigation.${string}`>;

/**
 * The message each mitigation status announces, once per mitigation and channel. `approved` announces
 * nothing: the controller announces it within seconds (active) or says why not (failed, refused).
 */
export const MITIGATION_STATUS_EVENT: Readonly<Record<MitigationStatus, MitigationEvent | null>> = {
  proposed: "mitigation.proposed",
  approved: null,
  active: "mitigation.active",
  denied: "mitigation.denied",
  withdrawn: "mitigation.withdrawn",
  expired: "mitigation.expired",
  failed: "mitigation.failed",
  refused: "mitigation.refused",
};

export const isMitigationEvent = (e: string): e is MitigationEvent => e.startsWith("mitigation.");
/** The mitigation's route is no longer wanted (or never was): the thread it opened can close. */
export const mitigationEnded = (e: MitigationEvent) => e === "mitigation.denied" || e === "mitigation.withdrawn" || e === "mitigation.expired";

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

/** A mitigation as a message carries it; `url` is its alert's page, where Approve/Deny/Withdraw live. */
export type MitigationSummary = MitigationView & { url: string; campaignUrl: string | null };

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
  mitigation?: MitigationSummary;
}

/** What a message is about; each channel renders every one (bySubject's handler map). */
export type MessageSubject = "alert" | "campaign" | "digest" | "mitigation";
interface SubjectMessages {
  alert: NotificationMessage & { alert: AlertSummary };
  campaign: NotificationMessage & { campaign: CampaignSummary };
  digest: NotificationMessage & { alerts: AlertSummary[] };
  mitigation: NotificationMessage & { mitigation: MitigationSummary; event: MitigationEvent };
}
export type SubjectMessage<K extends MessageSubject> = SubjectMessages[K];
export type SubjectRenderers<T> = { [K in MessageSubject]: (m: SubjectMessages[K]) => T };

export function subjectOf(m: NotificationMessage): MessageSubject {
  if (m.alerts) return "digest";
  if (m.mitigation) return "mitigation";
  if (m.campaign) return "campaign";
  return "alert";
}

/** Renders a message with the handler for its subject; a channel missing a subject does not compile. */
export function bySubject<T>(m: NotificationMessage, r: SubjectRenderers<T>): T {
  const k = subjectOf(m);
  return (r[k] as (m: NotificationMessage) => T)(m);
}

/** The severity a message is sent at (quiet hours, syslog and PagerDuty levels): a mitigation's is its alert's. */
export const messageSeverity = (m: NotificationMessage): Severity =>
  bySubject<Severity>(m, {
    alert: (x) => x.alert.severity,
    campaign: (x) => x.campaign.severity,
    digest: (x) => x.alerts.reduce<Severity>((w, a) => (SEVERITY_RANK[a.severity] > SEVERITY_RANK[w] ? a.severity : w), "low"),
    mitigation: (x) => x.mitigation.alert.severity,
  });

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

export function mitigationSummary(m: MitigationView, baseUrl: string): MitigationSummary {
  return { ...m, url: `${baseUrl}/alerts/${m.alert.id}`, campaignUrl: m.campaignId === null ? null : `${baseUrl}/campaigns?campaign=${m.campaignId}` };
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
  "mitigation.proposed": "Mitigation proposed, awaiting approval",
  "mitigation.active": "Mitigation active (announced)",
  "mitigation.denied": "Mitigation denied",
  "mitigation.withdrawn": "Mitigation withdrawn",
  "mitigation.expired": "Mitigation expired (withdrawn)",
  "mitigation.failed": "Mitigation failed",
  "mitigation.refused": "Mitigation refused by the safety guard",
};

export const eventVerb = (e: NotificationEvent) => EVENT_VERB[e];

/** What a mitigation message says happened, e.g. "Mitigation active (dry-run: nothing sent to a router)". */
export function mitigationVerb(m: SubjectMessage<"mitigation">): string {
  const x = m.mitigation;
  if (m.event === "mitigation.proposed" && x.automatic) return "Mitigation proposed (automatic playbook: announced if the AI approves, else awaiting approval)";
  if (m.event === "mitigation.active" && x.dryRun) return "Mitigation active (dry-run: nothing sent to a router)";
  return eventVerb(m.event);
}

/** The facts of a mitigation message, in the order channels show them. */
export function mitigationFacts(m: SubjectMessage<"mitigation">): [string, string][] {
  const x = m.mitigation;
  const by: [string, string] | null =
    m.event === "mitigation.active" && x.decidedBy ? ["Approved by", x.decidedBy.name]
    : m.event === "mitigation.denied" && x.decidedBy ? ["Denied by", x.decidedBy.name]
    : m.event === "mitigation.withdrawn" && x.endedBy ? ["Withdrawn by", x.endedBy.name]
    : null;
  return [
    ["Status", mitigationVerb(m)],
    ["Route", x.routeText],
    ["Playbook", x.playbookTitle],
    ["Alert", `#${x.alert.id} ${x.alert.title} on ${x.alert.device.name} (${x.alert.severity})`],
    ...(m.event === "mitigation.active" ? ([["Until", x.expiresAt]] as [string, string][]) : m.event === "mitigation.proposed" ? ([["TTL", `${x.ttlMinutes} min once announced`]] as [string, string][]) : []),
    ...(by ? [by] : []),
    ...(x.reason ? ([["Reason", x.reason]] as [string, string][]) : []),
    ["AI approval", `${x.gates.ai.outcome}: ${x.gates.ai.reason}`],
  ];
}

/** A mitigation's button: a proposal asks for a decision on its alert's page. */
export const mitigationActionLabel = (m: SubjectMessage<"mitigation">) => (m.event === "mitigation.proposed" && !m.mitigation.automatic ? "Approve or deny in Tidewatch" : "Open in Tidewatch");

/** One line for subjects, titles and summaries: "[HIGH] DDoS on edge-1 (site hq) - Raised" (ASCII: mail subjects stay unencoded). */
export function headline(m: NotificationMessage): string {
  return bySubject(m, {
    digest: (d) => `Tidewatch digest: ${d.alerts.length} alert(s) raised (${[...new Set(d.alerts.map((a) => a.severity))].join("/")})`,
    campaign: ({ campaign: c, event }) => {
      const escalated = event === "campaign.escalated" ? " - escalated, no alert acknowledged" : "";
      return `[${c.severity.toUpperCase()}] Campaign: ${c.types.join(", ")} on ${c.deviceIds.length} device(s), ${c.alertIds.length} alert(s)${escalated}`;
    },
    alert: ({ alert: a, event }) => `[${a.severity.toUpperCase()}] ${a.title} on ${a.device} (site ${a.site}) - ${eventVerb(event)}`,
    mitigation: (x) => {
      const mi = x.mitigation;
      return `[${mi.alert.severity.toUpperCase()}] ${eventVerb(x.event)}: ${mi.routeText.replace(/→/g, "->")} for ${mi.alert.title} on ${mi.alert.device.name}`;
    },
  });
}

/** The link of the message's subject. */
export const subjectUrl = (m: NotificationMessage) =>
  bySubject(m, {
    digest: (d) => d.alerts[0]?.url.replace(/\/alerts\/\d+$/, "/anomalies") ?? "",
    campaign: (c) => c.campaign.url,
    alert: (a) => a.alert.url,
    mitigation: (x) => x.mitigation.url,
  });

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
    ...(m.mitigation ? { mitigation: m.mitigation } : {}),
    sentAt: m.sentAt,
  };
}
