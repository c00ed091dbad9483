// Slack incoming webhook (the secret is the hooks.slack.com URL): Block Kit with a header, the facts
// as fields, the explanation and a button to the alert. `text` is the notification's fallback.
import { z } from "zod";
import { defineChannel } from "../channel";
import { postToReceiver } from "../http-send";
import { bySubject, digestLine, eventVerb, headline, mitigationActionLabel, mitigationFacts, subjectUrl, type NotificationMessage, type SubjectMessage } from "../message";
import { httpUrl } from "./webhook";

export const slackConfigSchema = z.object({});

// Slack's limits: header text 150 characters, section text 3000, field text 2000.
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Slack mrkdwn treats &, < and > as markup: escaped so an attacker-controlled name cannot inject links. */
export const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function slackPayload(m: NotificationMessage): Record<string, unknown> {
  return bySubject(m, { digest: slackDigest, alert: slackSingle, campaign: slackSingle, mitigation: slackMitigation });
}

/** A mitigation: its facts, and a button to its alert's page (where a proposal is approved or denied). */
function slackMitigation(m: SubjectMessage<"mitigation">): Record<string, unknown> {
  const text = headline(m);
  const facts = mitigationFacts(m).map(([k, v]) => `*${k}*: ${slackEscape(v)}`);
  return {
    text: cut(text, 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: cut(text, 150), emoji: false } },
      { type: "section", text: { type: "mrkdwn", text: cut(facts.join("\n"), 3000) } },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: mitigationActionLabel(m) }, url: m.mitigation.url, action_id: "open_in_tidewatch" }] },
    ],
  };
}

function slackDigest(m: SubjectMessage<"digest">): Record<string, unknown> {
  const lines = m.alerts.map((a) => `• <${a.url}|${slackEscape(digestLine(a))}>`);
  return {
    text: cut(headline(m), 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: cut(headline(m), 150), emoji: false } },
      { type: "section", text: { type: "mrkdwn", text: cut(lines.join("\n"), 3000) } },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open anomalies" }, url: subjectUrl(m), action_id: "open_in_tidewatch" }] },
    ],
  };
}

function slackSingle(m: NotificationMessage): Record<string, unknown> {
  const field = (label: string, value: string | number) => ({ type: "mrkdwn", text: cut(`*${label}*\n${slackEscape(String(value))}`, 2000) });
  const a = m.alert;
  const c = m.campaign;
  const fields = a
    ? [field("Severity", a.severity), field("Event", eventVerb(m.event)), field("Device", a.device), field("Site", a.site), field("Type", a.title), field("Score", a.score.toFixed(2))]
    : [field("Severity", c!.severity), field("Types", c!.types.join(", ")), field("Devices", c!.deviceIds.length), field("Alerts", c!.alertIds.length)];
  const text = headline(m);
  return {
    text: cut(text, 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: cut(text, 150), emoji: false } },
      { type: "section", fields },
      ...(a ? [{ type: "section", text: { type: "mrkdwn", text: cut(slackEscape(a.explanation), 3000) } }] : []),
      {
        type: "actions",
        elements: [{ type: "button", text: { type: "plain_text", text: a ? "Open alert" : "Open campaign" }, url: subjectUrl(m), action_id: "open_in_tidewatch" }],
      },
    ],
  };
}

export const slackChannel = defineChannel({
  kind: "slack",
  label: "Slack (incoming webhook)",
  configSchema: slackConfigSchema,
  secret: { required: true, label: "Incoming webhook URL" },
  batchSize: 1,
  digest: true,
  async send({ secret, messages, signal }) {
    const url = httpUrl.safeParse(secret);
    if (!url.success) return { ok: false, error: "the webhook URL is not an http(s) URL", permanent: true };
    return postToReceiver(url.data, JSON.stringify(slackPayload(messages[0]!)), { "content-type": "application/json" }, signal);
  },
});
