// Email over SMTP with nodemailer: a plain-text and an HTML part, the subject the headline. The
// secret is the SMTP password (with `user`).
import nodemailer from "nodemailer";
import { z } from "zod";
import { defineChannel, describeError, type SendOutcome } from "../channel";
import { bySubject, digestLine, eventVerb, headline, mitigationActionLabel, mitigationFacts, subjectUrl, type NotificationMessage, type SubjectMessage } from "../message";

export const emailConfigSchema = z.object({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send without STARTTLS. */
  requireTls: z.boolean().default(false),
  user: z.string().min(1).max(320).optional(),
  from: z.email().max(320),
  to: z.array(z.email().max(320)).min(1).max(50),
  rejectUnauthorized: z.boolean().default(true),
});

const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

type EmailContent = { subject: string; text: string; html: string };

export function emailContent(m: NotificationMessage): EmailContent {
  return bySubject(m, { digest: emailDigest, alert: emailSingle, campaign: emailSingle, mitigation: emailMitigation });
}

function emailDigest(m: SubjectMessage<"digest">): EmailContent {
  const subject = headline(m);
  const text = [subject, "", ...m.alerts.map((a) => `${digestLine(a)}\n  ${a.url}`), "", subjectUrl(m), ""].join("\n");
  const body = `<h2>${html(subject)}</h2><ul>${m.alerts.map((a) => `<li><a href="${html(a.url)}">${html(digestLine(a))}</a></li>`).join("")}</ul>`;
  return { subject, text, html: body };
}

/** A mitigation: its facts, and the link to its alert's page (where a proposal is approved or denied). */
function emailMitigation(m: SubjectMessage<"mitigation">): EmailContent {
  const rows = mitigationFacts(m);
  const url = m.mitigation.url;
  const label = mitigationActionLabel(m);
  const subject = headline(m).replace(/[\r\n]+/g, " ");
  const text = [subject, "", ...rows.map(([k, v]) => `${k}: ${v}`), "", `${label}: ${url}`, ""].join("\n");
  const body = `<h2>${html(subject)}</h2><table>${rows.map(([k, v]) => `<tr><th align="left">${html(k)}</th><td>${html(v)}</td></tr>`).join("")}</table><p><a href="${html(url)}">${html(label)}</a></p>`;
  return { subject, text, html: body };
}

function emailSingle(m: NotificationMessage): EmailContent {
  const a = m.alert;
  const c = m.campaign;
  const rows: [string, string][] = a
    ? [["Event", eventVerb(m.event)], ["Severity", a.severity], ["Type", a.title], ["Device", a.device], ["Site", a.site], ["Detector", a.detector], ["Score", a.score.toFixed(2)], ["Observed at", a.observedAt]]
    : [["Event", eventVerb(m.event)], ["Severity", c!.severity], ["Types", c!.types.join(", ")], ["Devices", String(c!.deviceIds.length)], ["Alerts", c!.alertIds.join(", ")], ["First seen", c!.firstSeenAt]];
  const url = subjectUrl(m);
  const subject = headline(m).replace(/[\r\n]+/g, " ");
  const text = [subject, "", ...rows.map(([k, v]) => `${k}: ${v}`), ...(a ? ["", a.explanation] : []), "", url, ""].join("\n");
  const body = `<h2>${html(subject)}</h2><table>${rows.map(([k, v]) => `<tr><th align="left">${html(k)}</th><td>${html(v)}</td></tr>`).join("")}</table>${a ? `<p>${html(a.explanation)}</p>` : ""}<p><a href="${html(url)}">Open in Tidewatch</a></p>`;
  return { subject, text, html: body };
}

export const emailChannel = defineChannel({
  kind: "email",
  label: "Email (SMTP)",
  configSchema: emailConfigSchema,
  secret: { required: false, label: "SMTP password (with user)" },
  batchSize: 1,
  digest: true,
  async send({ config, secret, messages }): Promise<SendOutcome> {
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTls,
      auth: config.user ? { user: config.user, pass: secret ?? "" } : undefined,
      tls: { rejectUnauthorized: config.rejectUnauthorized },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 15_000,
    });
    try {
      const m = messages[0]!;
      await transport.sendMail({ from: config.from, to: config.to, ...emailContent(m), headers: { "X-Tidewatch-Event": m.event, "X-Tidewatch-Delivery": m.id } });
      return { ok: true };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // 5xx replies (unknown mailbox, refused auth) will not change on retry; 4xx and network errors may
      return { ok: false, error: describeError(err), status: code, permanent: code !== undefined && code >= 500 };
    } finally {
      transport.close();
    }
  },
});
