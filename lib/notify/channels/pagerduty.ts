// PagerDuty Events API v2: alert.raised / alert.escalated / campaign.raised trigger an incident with
// dedup_key = the alert's or campaign's key; Tidewatch's acknowledge and resolve send `acknowledge` /
// `resolve` with the same key, so the incident follows the alert. A mitigation is an incident of its
// own (its dedup_key): a proposal triggers it (someone must approve), announcement, failure and refusal
// trigger it again (PagerDuty adds them to the open incident), and denial, withdrawal and expiry resolve
// it. The secret is the routing key.
import { z } from "zod";
import { defineChannel } from "../channel";
import { postToReceiver } from "../http-send";
import { bySubject, headline, messageSeverity, mitigationActionLabel, mitigationEnded, mitigationFacts, subjectUrl, type NotificationMessage, type Severity, type SubjectMessage } from "../message";
import { httpUrl } from "./webhook";

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

export const pagerdutyConfigSchema = z.object({
  /** The Events API endpoint; only a test or a proxy changes it. */
  url: httpUrl.default(PAGERDUTY_EVENTS_URL),
});

const PD_SEVERITY: Record<Severity, "critical" | "error" | "warning" | "info"> = {
  critical: "critical",
  high: "error",
  medium: "warning",
  low: "info",
};

export function pagerdutyDedupKey(m: NotificationMessage): string {
  if (m.mitigation) return `tidewatch:mitigation:${m.mitigation.id}`;
  if (m.campaign) return `tidewatch:${m.campaign.key}`;
  if (m.event === "test") return `tidewatch:test:${m.id}`;
  return `tidewatch:alert:${m.alert!.id}`;
}

export function pagerdutyEvents(m: NotificationMessage, routingKey: string): Record<string, unknown>[] {
  return bySubject(m, {
    // the channel is not a digest kind: the sender hands it a digest's alerts one by one
    digest: (d) => d.alerts.flatMap((alert) => alertOrCampaignEvents({ ...d, alerts: undefined, alert, event: "alert.raised" }, routingKey)),
    alert: (a) => alertOrCampaignEvents(a, routingKey),
    campaign: (c) => alertOrCampaignEvents(c, routingKey),
    mitigation: (x) => mitigationEvents(x, routingKey),
  });
}

function mitigationEvents(m: SubjectMessage<"mitigation">, routingKey: string): Record<string, unknown>[] {
  const dedup_key = pagerdutyDedupKey(m);
  if (mitigationEnded(m.event)) return [{ routing_key: routingKey, event_action: "resolve", dedup_key }];
  const x = m.mitigation;
  return [
    {
      routing_key: routingKey,
      event_action: "trigger",
      dedup_key,
      payload: {
        summary: headline(m).slice(0, 1024),
        source: x.alert.device.name,
        severity: PD_SEVERITY[messageSeverity(m)],
        timestamp: x.updatedAt,
        class: `mitigation:${x.playbookId}`,
        custom_details: { event: m.event, ...Object.fromEntries(mitigationFacts(m)), route: x.route, mitigationId: x.id, alertId: x.alert.id, dryRun: x.dryRun },
      },
      client: "Tidewatch",
      client_url: x.url,
      links: [{ href: x.url, text: mitigationActionLabel(m) }],
    },
  ];
}

function alertOrCampaignEvents(m: NotificationMessage, routingKey: string): Record<string, unknown>[] {
  const dedup_key = pagerdutyDedupKey(m);
  if (m.event === "alert.acknowledged") return [{ routing_key: routingKey, event_action: "acknowledge", dedup_key }];
  if (m.event === "alert.resolved") return [{ routing_key: routingKey, event_action: "resolve", dedup_key }];
  const a = m.alert;
  const c = m.campaign;
  const trigger = {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key,
    payload: {
      summary: headline(m).slice(0, 1024),
      source: a?.device ?? `${c!.deviceIds.length} devices`,
      severity: PD_SEVERITY[(a ?? c)!.severity],
      timestamp: a?.observedAt ?? c!.firstSeenAt,
      component: a?.metric ?? undefined,
      group: a?.site,
      class: a?.type ?? c!.types.join(","),
      custom_details: a
        ? {
            event: m.event,
            explanation: a.explanation,
            detector: a.detector,
            score: a.score,
            observed: a.observed,
            expected: a.expected,
            evidence: a.evidence,
            occurrences: a.occurrences,
            role: a.role,
          }
        : { event: m.event, types: c!.types, alertIds: c!.alertIds, deviceIds: c!.deviceIds, confidence: c!.confidence },
    },
    client: "Tidewatch",
    client_url: subjectUrl(m),
    links: [{ href: subjectUrl(m), text: a ? "Alert in Tidewatch" : "Campaign in Tidewatch" }],
  };
  // a test opens nothing for anyone to clear by hand: its incident is resolved right after
  return m.event === "test" ? [trigger, { routing_key: routingKey, event_action: "resolve", dedup_key }] : [trigger];
}

export const pagerdutyChannel = defineChannel({
  kind: "pagerduty",
  label: "PagerDuty (Events API v2)",
  configSchema: pagerdutyConfigSchema,
  secret: { required: true, label: "Integration (routing) key" },
  batchSize: 1,
  async send({ config, secret, messages, signal }) {
    for (const event of pagerdutyEvents(messages[0]!, secret!)) {
      const outcome = await postToReceiver(config.url, JSON.stringify(event), { "content-type": "application/json" }, signal);
      if (!outcome.ok) return outcome;
    }
    return { ok: true, status: 202 };
  },
});
