// Microsoft Teams through a Workflows webhook (the secret is its URL): a message with one Adaptive Card
// (title, facts, explanation, a button to the alert).
import { z } from "zod";
import { defineChannel } from "../channel";
import { postToReceiver } from "../http-send";
import { bySubject, digestLine, eventVerb, headline, mitigationActionLabel, mitigationFacts, subjectUrl, type NotificationMessage, type SubjectMessage } from "../message";
import { httpUrl } from "./webhook";

export const teamsConfigSchema = z.object({});

const COLOR = { critical: "attention", high: "attention", medium: "warning", low: "default" } as const;

const CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
const message = (card: Record<string, unknown>) => ({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] });

export function teamsPayload(m: NotificationMessage): Record<string, unknown> {
  return bySubject(m, { digest: teamsDigest, alert: teamsSingle, campaign: teamsSingle, mitigation: teamsMitigation });
}

/** A mitigation: its facts, and a button to its alert's page (where a proposal is approved or denied). */
function teamsMitigation(m: SubjectMessage<"mitigation">): Record<string, unknown> {
  return message({
    $schema: CARD_SCHEMA,
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      { type: "TextBlock", text: headline(m), weight: "Bolder", size: "Medium", wrap: true, color: COLOR[m.mitigation.alert.severity] },
      { type: "FactSet", facts: mitigationFacts(m).map(([title, value]) => ({ title, value })) },
    ],
    actions: [{ type: "Action.OpenUrl", title: mitigationActionLabel(m), url: m.mitigation.url }],
  });
}

function teamsDigest(m: SubjectMessage<"digest">): Record<string, unknown> {
  return message({
    $schema: CARD_SCHEMA,
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      { type: "TextBlock", text: headline(m), weight: "Bolder", size: "Medium", wrap: true },
      ...m.alerts.map((a) => ({ type: "TextBlock", text: `[${digestLine(a)}](${a.url})`, wrap: true, spacing: "Small" })),
    ],
    actions: [{ type: "Action.OpenUrl", title: "Open anomalies", url: subjectUrl(m) }],
  });
}

function teamsSingle(m: NotificationMessage): Record<string, unknown> {
  const a = m.alert;
  const c = m.campaign;
  const facts = a
    ? [["Severity", a.severity], ["Event", eventVerb(m.event)], ["Device", a.device], ["Site", a.site], ["Detector", a.detector], ["Score", a.score.toFixed(2)]]
    : [["Severity", c!.severity], ["Types", c!.types.join(", ")], ["Devices", String(c!.deviceIds.length)], ["Alerts", String(c!.alertIds.length)]];
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: headline(m), weight: "Bolder", size: "Medium", wrap: true, color: COLOR[(a ?? c)!.severity] },
            { type: "FactSet", facts: facts.map(([title, value]) => ({ title, value })) },
            ...(a ? [{ type: "TextBlock", text: a.explanation, wrap: true }] : []),
          ],
          actions: [{ type: "Action.OpenUrl", title: a ? "Open alert" : "Open campaign", url: subjectUrl(m) }],
        },
      },
    ],
  };
}

export const teamsChannel = defineChannel({
  kind: "teams",
  label: "Microsoft Teams (Workflows webhook)",
  configSchema: teamsConfigSchema,
  secret: { required: true, label: "Workflows webhook URL" },
  batchSize: 1,
  digest: true,
  async send({ secret, messages, signal }) {
    const url = httpUrl.safeParse(secret);
    if (!url.success) return { ok: false, error: "the webhook URL is not an http(s) URL", permanent: true };
    return postToReceiver(url.data, JSON.stringify(teamsPayload(messages[0]!)), { "content-type": "application/json" }, signal);
  },
});
