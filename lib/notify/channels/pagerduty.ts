// PagerDuty Events API v2: alert.raised / alert.escalated / campaign.raised trigger an incident with
// dedup_key = the alert's or campaign's key; Tidewatch's acknowledge and resolve send `acknowledge` /
// `resolve` with the same key, so the incident follows the alert. The secret is the routing key.
import { z } from "zod";
import { defineChannel } from "../channel";
import { postToReceiver } from "../http-send";
import { headline, subjectUrl, type NotificationMessage, type Severity } from "../message";
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
  if (m.campaign) return `tidewatch:${m.campaign.key}`;
  if (m.event === "test") return `tidewatch:test:${m.id}`;
  return `tidewatch:alert:${m.alert!.id}`;
}

export function pagerdutyEvents(m: NotificationMessage, routingKey: string): Record<string, unknown>[] {
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
