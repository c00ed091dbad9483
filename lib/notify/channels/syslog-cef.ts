// CEF (ArcSight Common Event Format) over syslog for QRadar, ArcSight, Sentinel and the rest: an
// RFC 5424 line whose message is `CEF:0|Tidewatch|Tidewatch|<version>|<type>|<name>|<0-10>|<ext>`,
// sent over UDP (one datagram each), TCP or TLS (newline-framed, RFC 6587). Header fields escape
// `\` and `|`; extension values escape `\`, `=` and line breaks, as the CEF spec requires.
import dgram from "node:dgram";
import net from "node:net";
import os from "node:os";
import tls from "node:tls";
import { z } from "zod";
import { APP_VERSION } from "../../version";
import { defineChannel, describeError, type SendOutcome } from "../channel";
import { bySubject, eventVerb, messageSeverity, mitigationVerb, subjectUrl, type NotificationMessage, type Severity, type SubjectMessage } from "../message";

export const syslogConfigSchema = z.object({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(514),
  protocol: z.enum(["udp", "tcp", "tls"]).default("udp"),
  /** PEM of the CA that signed the collector's certificate (TLS), when not a public one. */
  ca: z.string().max(20_000).optional(),
  /** TLS: refuse a certificate that does not verify (only a lab turns this off). */
  rejectUnauthorized: z.boolean().default(true),
});
type SyslogConfig = z.infer<typeof syslogConfigSchema>;

const CEF_SEVERITY: Record<Severity, number> = { low: 3, medium: 5, high: 8, critical: 10 };
// syslog severities (RFC 5424): crit 2, err 3, warning 4, notice 5; facility local4 (20)
const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5 };
const FACILITY = 20;

export const cefHeaderEscape = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
export const cefValueEscape = (s: string) =>
  s.replace(/\\/g, "\\\\").replace(/=/g, "\\=").replace(/\r\n|\n/g, "\\n").replace(/\r/g, "\\r");

type CefExtension = [string, string | number | undefined][];

const cef = (signature: string, name: string, severity: Severity, ext: CefExtension) => {
  const extension = ext
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${cefValueEscape(String(v))}`)
    .join(" ");
  return `CEF:0|Tidewatch|Tidewatch|${cefHeaderEscape(APP_VERSION)}|${cefHeaderEscape(signature)}|${cefHeaderEscape(name)}|${CEF_SEVERITY[severity]}|${extension}`;
};

export function cefMessage(m: NotificationMessage): string {
  return bySubject(m, { digest: (d) => d.alerts.map((alert) => cefSingle({ ...d, alerts: undefined, alert, event: "alert.raised" })).join("\n"), alert: cefSingle, campaign: cefSingle, mitigation: cefMitigation });
}

/** A mitigation: signature "mitigation", the route and its state in the extension. */
function cefMitigation(m: SubjectMessage<"mitigation">): string {
  const x = m.mitigation;
  return cef(`mitigation:${x.playbookId}`, `Mitigation (${mitigationVerb(m)})`, x.alert.severity, [
    ["rt", Date.parse(x.updatedAt)],
    ["act", m.event],
    ["externalId", String(x.id)],
    ["dvchost", x.alert.device.name],
    ["cat", "mitigation"],
    ["msg", x.reason ?? undefined],
    ["request", x.url],
    ["cs1Label", "route"],
    ["cs1", x.routeText],
    ["cs2Label", "playbook"],
    ["cs2", x.playbookId],
    ["cs3Label", "status"],
    ["cs3", x.status],
    ["cs4Label", "ai"],
    ["cs4", x.gates.ai.outcome],
    ["cn1Label", "alert"],
    ["cn1", x.alert.id],
    ["cn2Label", "dryRun"],
    ["cn2", x.dryRun ? 1 : 0],
  ]);
}

function cefSingle(m: NotificationMessage): string {
  const a = m.alert;
  const c = m.campaign;
  const severity = (a ?? c)!.severity;
  const ext: CefExtension = a
    ? [
        ["rt", Date.parse(a.observedAt)],
        ["act", m.event],
        ["externalId", String(a.id)],
        ["dvchost", a.device],
        ["cat", a.type],
        ["msg", a.explanation],
        ["request", a.url],
        ["cs1Label", "site"],
        ["cs1", a.site],
        ["cs2Label", "role"],
        ["cs2", a.role],
        ["cs3Label", "detector"],
        ["cs3", a.detector],
        ["cs4Label", "metric"],
        ["cs4", a.metric ?? undefined],
        ["cn1Label", "score"],
        ["cn1", Number.isFinite(a.score) ? Number(a.score.toFixed(3)) : undefined],
        ["cn2Label", "occurrences"],
        ["cn2", a.occurrences],
      ]
    : [
        ["rt", Date.parse(c!.firstSeenAt)],
        ["act", m.event],
        ["externalId", c!.key],
        ["cat", "campaign"],
        ["msg", `${c!.types.join(", ")}: alerts ${c!.alertIds.join(", ")}`],
        ["request", subjectUrl(m)],
        ["cn1Label", "confidence"],
        ["cn1", c!.confidence],
      ];
  return cef(a ? a.type : "campaign", `${a ? a.title : "Campaign"} (${eventVerb(m.event)})`, severity, ext);
}

/** The whole syslog line: RFC 5424 header (PRI, version, time, host, app) and the CEF message. */
export function syslogLine(m: NotificationMessage, hostname = os.hostname()): string {
  const severity = messageSeverity(m);
  const host = hostname.replace(/[^\x21-\x7e]/g, "").slice(0, 255) || "-";
  return `<${FACILITY * 8 + SYSLOG_SEVERITY[severity]}>1 ${m.sentAt} ${host} tidewatch - ${m.event === "test" ? "test" : m.mitigation ? "mitigation" : "alert"} - ${cefMessage(m)}`;
}

async function sendUdp(config: SyslogConfig, lines: string[]): Promise<void> {
  const family = net.isIPv6(config.host) ? "udp6" : "udp4";
  const socket = dgram.createSocket(family);
  try {
    for (const line of lines) {
      await new Promise<void>((resolve, reject) => socket.send(Buffer.from(line), config.port, config.host, (err) => (err ? reject(err) : resolve())));
    }
  } finally {
    socket.close();
  }
}

async function sendStream(config: SyslogConfig, lines: string[], signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket =
      config.protocol === "tls"
        ? tls.connect({ host: config.host, port: config.port, servername: net.isIP(config.host) ? undefined : config.host, ca: config.ca, rejectUnauthorized: config.rejectUnauthorized })
        : net.connect({ host: config.host, port: config.port });
    const timer = setTimeout(() => socket.destroy(new Error("timed out")), 10_000);
    const abort = () => socket.destroy(new Error("aborted"));
    signal.addEventListener("abort", abort, { once: true });
    const done = (err?: Error) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", abort);
      if (err) reject(err);
      else resolve();
    };
    socket.once("error", done);
    socket.once(config.protocol === "tls" ? "secureConnect" : "connect", () => {
      socket.end(lines.map((l) => `${l}\n`).join(""), () => done());
    });
  });
}

export const syslogCefChannel = defineChannel({
  kind: "syslog_cef",
  label: "CEF over syslog (UDP, TCP, TLS)",
  configSchema: syslogConfigSchema,
  secret: { required: false, label: "(none)" },
  batchSize: 100,
  async send({ config, messages, signal }): Promise<SendOutcome> {
    const lines = messages.map((m) => syslogLine(m));
    try {
      if (config.protocol === "udp") await sendUdp(config, lines);
      else await sendStream(config, lines, signal);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: describeError(err) };
    }
  },
});
