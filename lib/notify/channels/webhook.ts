// Generic webhook: POST the Tidewatch JSON (or the Prometheus Alertmanager webhook format, so anything
// that accepts Alertmanager accepts Tidewatch), signed with the channel's secret when it has one:
// X-Tidewatch-Signature: sha256=<hex HMAC-SHA256 of the raw body>.
import crypto from "node:crypto";
import { z } from "zod";
import { defineChannel } from "../channel";
import { postToReceiver } from "../http-send";
import { bySubject, headline, mitigationEnded, mitigationFacts, webhookPayload, type NotificationMessage, type SubjectMessage } from "../message";

export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).max(2000);

export const webhookConfigSchema = z.object({
  url: httpUrl,
  format: z.enum(["tidewatch", "alertmanager"]).default("tidewatch"),
});

export function signBody(body: string, secret: string): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** One message as an Alertmanager webhook notification (version 4) with one alert. */
export function alertmanagerPayload(m: NotificationMessage): Record<string, unknown> {
  return bySubject(m, {
    digest: (d) => {
      // a digest: one notification carrying every alert, as Alertmanager groups them
      const each = d.alerts.map((alert) => alertmanagerPayload({ ...d, alerts: undefined, alert, event: "alert.raised" }));
      return { ...each[0], groupKey: `{}:{tidewatch="digest:${d.id}"}`, commonLabels: { source: "tidewatch" }, alerts: each.flatMap((p) => p.alerts as unknown[]) };
    },
    alert: alertmanagerSingle,
    campaign: alertmanagerSingle,
    mitigation: alertmanagerMitigation,
  });
}

/** A mitigation as an alert named "mitigation": firing while proposed, active, failed or refused; resolved once it ended. */
function alertmanagerMitigation(m: SubjectMessage<"mitigation">): Record<string, unknown> {
  const x = m.mitigation;
  const status = mitigationEnded(m.event) ? "resolved" : "firing";
  const labels: Record<string, string> = {
    alertname: "mitigation",
    severity: x.alert.severity,
    source: "tidewatch",
    device: x.alert.device.name,
    playbook: x.playbookId,
    mitigation: String(x.id),
    state: x.status,
  };
  return {
    version: "4",
    groupKey: `{}:{tidewatch="mitigation:${x.id}"}`,
    truncatedAlerts: 0,
    status,
    receiver: m.channel,
    groupLabels: {},
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: x.url.replace(/\/alerts\/.*$/, ""),
    alerts: [
      {
        status,
        labels,
        annotations: { summary: headline(m), description: mitigationFacts(m).map(([k, v]) => `${k}: ${v}`).join("\n"), event: m.event, route: x.routeText },
        startsAt: x.createdAt,
        endsAt: status === "resolved" ? (x.endedAt ?? m.sentAt) : "0001-01-01T00:00:00Z",
        generatorURL: x.url,
        fingerprint: crypto.createHash("sha256").update(`mitigation:${x.id}`).digest("hex").slice(0, 16),
      },
    ],
  };
}

function alertmanagerSingle(m: NotificationMessage): Record<string, unknown> {
  const a = m.alert;
  const c = m.campaign;
  const resolved = m.event === "alert.resolved";
  const labels: Record<string, string> = {
    alertname: a?.type ?? "campaign",
    severity: a?.severity ?? c!.severity,
    source: "tidewatch",
    ...(a ? { device: a.device, site: a.site, role: a.role, detector: a.detector } : { campaign: c!.key }),
  };
  const startsAt = a?.createdAt ?? c!.firstSeenAt;
  return {
    version: "4",
    groupKey: `{}:{tidewatch="${a ? `alert:${a.id}` : `campaign:${c!.key}`}"}`,
    truncatedAlerts: 0,
    status: resolved ? "resolved" : "firing",
    receiver: m.channel,
    groupLabels: {},
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: (a?.url ?? c!.url).replace(/\/(alerts|campaigns|integrations).*$/, ""),
    alerts: [
      {
        status: resolved ? "resolved" : "firing",
        labels,
        annotations: { summary: headline(m), description: a?.explanation ?? `Alerts ${c!.alertIds.join(", ")}`, event: m.event },
        startsAt,
        endsAt: resolved ? m.sentAt : "0001-01-01T00:00:00Z",
        generatorURL: a?.url ?? c!.url,
        fingerprint: crypto.createHash("sha256").update(`${labels.alertname}:${a ? a.id : c!.key}`).digest("hex").slice(0, 16),
      },
    ],
  };
}

export const webhookChannel = defineChannel({
  kind: "webhook",
  label: "Webhook (JSON)",
  configSchema: webhookConfigSchema,
  secret: { required: false, label: "HMAC signing secret (optional)" },
  batchSize: 1,
  digest: true,
  async send({ config, secret, messages, signal }) {
    const m = messages[0]!;
    const body = JSON.stringify(config.format === "alertmanager" ? alertmanagerPayload(m) : webhookPayload(m));
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-tidewatch-event": m.event,
      "x-tidewatch-delivery": m.id,
    };
    if (secret) headers["x-tidewatch-signature"] = signBody(body, secret);
    return postToReceiver(config.url, body, headers, signal);
  },
});
