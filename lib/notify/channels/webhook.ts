// Generic webhook: POST the Tidewatch JSON (or the Prometheus Alertmanager webhook format, so anything
// that accepts Alertmanager accepts Tidewatch), signed with the channel's secret when it has one:
// X-Tidewatch-Signature: sha256=<hex HMAC-SHA256 of the raw body>.
import crypto from "node:crypto";
import { z } from "zod";
import { defineChannel } from "../channel";
import { postToReceiver } from "../http-send";
import { headline, webhookPayload, type NotificationMessage } from "../message";

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
  if (m.alerts) {
    // a digest: one notification carrying every alert, as Alertmanager groups them
    const each = m.alerts.map((alert) => alertmanagerPayload({ ...m, alerts: undefined, alert, event: "alert.raised" }));
    return { ...each[0], groupKey: `{}:{tidewatch="digest:${m.id}"}`, commonLabels: { source: "tidewatch" }, alerts: each.flatMap((p) => p.alerts as unknown[]) };
  }
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
