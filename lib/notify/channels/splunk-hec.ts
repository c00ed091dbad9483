// Splunk HTTP Event Collector: one request carries a batch of events (concatenated JSON objects, as
// HEC accepts them), Authorization: Splunk <token>, sourcetype tidewatch:alert (tidewatch:mitigation for
// mitigations). The event is the webhook's JSON, so a SIEM search sees the same fields.
import { z } from "zod";
import { defineChannel } from "../channel";
import { postToReceiver } from "../http-send";
import { bySubject, webhookPayload, type NotificationMessage } from "../message";
import { httpUrl } from "./webhook";

export const splunkConfigSchema = z.object({
  /** The HEC base URL, e.g. https://splunk.example.com:8088 (the /services/collector/event path is added). */
  url: httpUrl,
  index: z.string().min(1).max(80).optional(),
  source: z.string().min(1).max(200).default("tidewatch"),
});

export const HEC_SOURCETYPE = "tidewatch:alert";
export const HEC_MITIGATION_SOURCETYPE = "tidewatch:mitigation";

export function hecUrl(base: string): string {
  return /\/services\/collector(\/event)?\/?$/.test(base) ? base.replace(/\/services\/collector\/?$/, "/services/collector/event") : `${base.replace(/\/+$/, "")}/services/collector/event`;
}

export function hecBody(messages: NotificationMessage[], config: z.infer<typeof splunkConfigSchema>): string {
  return messages
    .map((m) =>
      JSON.stringify({
        ...bySubject(m, {
          alert: ({ alert: a }) => ({ time: Date.parse(a.observedAt) / 1000, host: a.device }),
          campaign: ({ campaign: c }) => ({ time: Date.parse(c.lastSeenAt) / 1000, host: "tidewatch" }),
          digest: () => ({ time: Date.parse(m.sentAt) / 1000, host: "tidewatch" }),
          // the time of the state change the event announces
          mitigation: ({ mitigation: x }) => ({ time: Date.parse(x.updatedAt) / 1000, host: x.alert.device.name }),
        }),
        source: config.source,
        sourcetype: m.mitigation ? HEC_MITIGATION_SOURCETYPE : HEC_SOURCETYPE,
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
