// Splunk HTTP Event Collector: one request carries a batch of events (concatenated JSON objects, as
// HEC accepts them), Authorization: Splunk <token>, sourcetype tidewatch:alert. The event is the
// webhook's JSON, so a SIEM search sees the same fields.
import { z } from "zod";
import { defineChannel } from "../channel";
import { postToReceiver } from "../http-send";
import { webhookPayload, type NotificationMessage } from "../message";
import { httpUrl } from "./webhook";

export const splunkConfigSchema = z.object({
  /** The HEC base URL, e.g. https://splunk.example.com:8088 (the /services/collector/event path is added). */
  url: httpUrl,
  index: z.string().min(1).max(80).optional(),
  source: z.string().min(1).max(200).default("tidewatch"),
});

export const HEC_SOURCETYPE = "tidewatch:alert";

export function hecUrl(base: string): string {
  return /\/services\/collector(\/event)?\/?$/.test(base) ? base.replace(/\/services\/collector\/?$/, "/services/collector/event") : `${base.replace(/\/+$/, "")}/services/collector/event`;
}

export function hecBody(messages: NotificationMessage[], config: z.infer<typeof splunkConfigSchema>): string {
  return messages
    .map((m) =>
      JSON.stringify({
        time: Date.parse(m.alert?.observedAt ?? m.campaign?.lastSeenAt ?? m.sentAt) / 1000,
        host: m.alert?.device ?? "tidewatch",
        source: config.source,
        sourcetype: HEC_SOURCETYPE,
        ...(config.index ? { index: config.index } : {}),
        event: webhookPayload(m),
      }),
    )
    .join("\n");
}

export const splunkHecChannel = defineChannel({
  kind: "splunk_hec",
  label: "Splunk HTTP Event Collector",
  configSchema: splunkConfigSchema,
  secret: { required: true, label: "HEC token" },
  batchSize: 100,
  async send({ config, secret, messages, signal }) {
    return postToReceiver(hecUrl(config.url), hecBody(messages, config), { "content-type": "application/json", authorization: `Splunk ${secret}` }, signal);
  },
});
