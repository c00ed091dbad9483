// Every channel kind's wire format, sent by the worker's sender from real outbox rows to local
// receivers that check it: Slack Block Kit, Teams Adaptive Card, PagerDuty Events v2 (trigger,
// acknowledge and resolve under one dedup_key), Splunk HEC (header, batching, sourcetype), the
// Alertmanager webhook format, CEF over syslog on UDP, TCP and TLS (escaping), and email to a local
// SMTP server (smtp-server) with a text and an HTML part and SMTP authentication.
process.env.TIDEWATCH_SECRET_KEY ??= "integration-tests-notification-key-0123456789";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordDetection } from "../../../lib/db/alert-recording-queries";
import { triageAlert } from "../../../lib/db/alert-triage-queries";
import { createChannel } from "../../../lib/db/notification-channel-queries";
import { createLogger } from "../../../lib/log";
import { newChannelSchema } from "../../../lib/notify/channel-input";
import { NotificationSender } from "../../../workers/notification-sender";
import { makeDetection, makeDevice, makeUser } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { manualClock, startHttpReceiver, startSyslogReceiver, type HttpReceiver } from "./receivers";

let t: TestDatabase;
let rx: HttpReceiver;
let admin: number;
const BASE = "https://tw.example.test";
const log = createLogger("test:notify", { level: "error" });
// an attacker controls text such as device names and syslog-derived explanations
const NASTY = "core|1=a\\b\nx";

beforeAll(async () => {
  t = await createTestDatabase();
  rx = await startHttpReceiver();
  admin = (await makeUser(t.prisma, "admin")).id;
});
afterAll(async () => {
  await rx?.close();
  await t?.drop();
});
beforeEach(async () => {
  await t.prisma.notificationChannel.deleteMany();
  rx.requests.length = 0;
});

const channel = (input: Record<string, unknown>) => createChannel(t.prisma, newChannelSchema.parse(input), admin);
const send = () => new NotificationSender({ prisma: t.prisma, clock: manualClock(), log, baseUrl: BASE }).runOnce();
let n = 0;
async function raise(deviceName?: string, overrides: Parameters<typeof makeDetection>[1] = {}) {
  const d = await makeDevice(t.prisma, deviceName ?? `dev-${n}`, { site: "hq" });
  return recordDetection(t.prisma, {
    deviceId: d.id,
    detection: makeDetection(d.id, { observed: { value: 97, ts: new Date(Date.parse("2026-12-02T00:00:00Z") + n++ * 60_000).toISOString() }, ...overrides }),
  });
}

describe("HTTP channels", () => {
  it("Slack: Block Kit with a header, fields and a button to the alert, posted to the secret webhook URL", async () => {
    await channel({ name: "slack", kind: "slack", secret: `${rx.url}/services/T000/B000/XXXX` });
    const { alert } = await raise("edge-<1>");
    await send();
    const [req] = await rx.waitFor(1);
    expect(req!.path).toBe("/services/T000/B000/XXXX");
    const body = JSON.parse(req!.body);
    expect(body.text).toContain("edge-<1>");
    expect(body.blocks.map((b: { type: string }) => b.type)).toEqual(["header", "section", "section", "actions"]);
    expect(body.blocks[0].text).toMatchObject({ type: "plain_text", text: expect.stringContaining("[HIGH]") });
    expect(body.blocks[1].fields.map((f: { text: string }) => f.text)).toContain("*Device*\nedge-&lt;1&gt;");
    expect(body.blocks[3].elements[0]).toMatchObject({ type: "button", url: `${BASE}/alerts/${alert.id}` });
  });

  it("Teams: a message with one Adaptive Card (facts and an Open URL action)", async () => {
    await channel({ name: "teams", kind: "teams", secret: `${rx.url}/workflows/abc` });
    const { alert } = await raise();
    await send();
    const body = JSON.parse((await rx.waitFor(1))[0]!.body);
    expect(body.type).toBe("message");
    const card = body.attachments[0];
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(card.content.body[1].facts).toContainEqual({ title: "Severity", value: "high" });
    expect(card.content.actions[0]).toEqual({ type: "Action.OpenUrl", title: "Open alert", url: `${BASE}/alerts/${alert.id}` });
  });

  it("PagerDuty: trigger, acknowledge and resolve carry the same dedup_key and the routing key", async () => {
    await channel({ name: "pd", kind: "pagerduty", config: { url: `${rx.url}/v2/enqueue` }, secret: "R0UTINGKEY0000000000000000000000" });
    const { alert } = await raise();
    await send();
    await triageAlert(t.prisma, { alertId: alert.id, actorId: admin, patch: { status: "acknowledged" } });
    await send();
    await triageAlert(t.prisma, { alertId: alert.id, actorId: admin, patch: { status: "resolved" } });
    await send();
    const events = (await rx.waitFor(3)).map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.event_action)).toEqual(["trigger", "acknowledge", "resolve"]);
    expect(new Set(events.map((e) => e.dedup_key))).toEqual(new Set([`tidewatch:alert:${alert.id}`]));
    expect(events.every((e) => e.routing_key === "R0UTINGKEY0000000000000000000000")).toBe(true);
    expect(events[0].payload).toMatchObject({ severity: "error", source: alert.device.name, summary: expect.stringContaining(alert.title) });
    expect(events[0].payload.custom_details).toMatchObject({ explanation: alert.explanation, detector: alert.detector, expected: { low: 10, high: 50 } });
    expect(events[0].links[0].href).toBe(`${BASE}/alerts/${alert.id}`);
  });

  it("Splunk HEC: Authorization: Splunk <token>, several events in one request, sourcetype tidewatch:alert", async () => {
    await channel({ name: "hec", kind: "splunk_hec", config: { url: rx.url, index: "netsec" }, secret: "11111111-2222-3333-4444-555555555555" });
    const alerts = [await raise(), await raise(), await raise()];
    await send();
    const reqs = await rx.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(reqs).toHaveLength(1);
    expect(reqs[0]!.path).toBe("/services/collector/event");
    expect(reqs[0]!.headers.authorization).toBe("Splunk 11111111-2222-3333-4444-555555555555");
    const events = reqs[0]!.body.split("\n").map((l) => JSON.parse(l));
    expect(events).toHaveLength(3);
    expect(events.map((e) => e.event.alert.id)).toEqual(alerts.map((a) => a.alert.id));
    for (const e of events) expect(e).toMatchObject({ sourcetype: "tidewatch:alert", source: "tidewatch", index: "netsec", event: { event: "alert.raised" } });
    expect(events[0].time).toBe(Date.parse(alerts[0]!.alert.observedAt) / 1000);
  });

  it("Alertmanager webhook format: version 4, firing alert with labels and annotations", async () => {
    await channel({ name: "am", kind: "webhook", config: { url: rx.url, format: "alertmanager" } });
    const { alert } = await raise();
    await send();
    const body = JSON.parse((await rx.waitFor(1))[0]!.body);
    expect(body).toMatchObject({ version: "4", status: "firing", receiver: "am" });
    expect(body.alerts[0]).toMatchObject({
      status: "firing",
      labels: { alertname: alert.type, severity: "high", device: alert.device.name, site: "hq" },
      annotations: { description: alert.explanation },
      generatorURL: `${BASE}/alerts/${alert.id}`,
    });
  });
});

describe("CEF over syslog", () => {
  const cefOf = (line: string) => line.slice(line.indexOf("CEF:0|"));

  it("UDP: an RFC 5424 line with CEF whose header escapes | and \\ and whose extension escapes =, \\ and newlines", async () => {
    const rxu = await startSyslogReceiver("udp");
    try {
      await channel({ name: "cef-udp", kind: "syslog_cef", config: { host: "127.0.0.1", port: rxu.port, protocol: "udp" } });
      const { alert } = await raise(NASTY, { explanation: "bytes=5 a|b c\\d\r\nnext" });
      await send();
      const [line] = await rxu.waitFor(1);
      // facility local4 (20 × 8) + err (3) for high
      expect(line).toMatch(/^<163>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ tidewatch - alert - CEF:0\|/);
      const cef = cefOf(line!);
      expect(cef).toContain(`|Tidewatch|Tidewatch|`);
      expect(cef).toContain(`|${alert.type}|`);
      expect(cef).toContain("|8|");
      expect(cef).toContain(`dvchost=core|1\\=a\\\\b\\nx `);
      expect(cef).toContain(`msg=bytes\\=5 a|b c\\\\d\\nnext `);
      expect(cef).toContain(`externalId=${alert.id} `);
      expect(cef).toContain(`request=${BASE}/alerts/${alert.id}`);
      expect(cef).not.toMatch(/[\r\n]/);
    } finally {
      await rxu.close();
    }
  });

  it("TCP: a batch as newline-framed lines on one connection", async () => {
    const rxt = await startSyslogReceiver("tcp");
    try {
      await channel({ name: "cef-tcp", kind: "syslog_cef", config: { host: "127.0.0.1", port: rxt.port, protocol: "tcp" } });
      await raise();
      await raise(undefined, { severity: "critical", score: 20 });
      await send();
      const lines = await rxt.waitFor(2);
      expect(lines.map((l) => l.slice(0, 5))).toEqual(["<163>", "<162>"]);
      expect(cefOf(lines[1]!)).toContain("|10|");
    } finally {
      await rxt.close();
    }
  });

  it("TLS: verified against the collector's CA; refused when the certificate does not verify", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-cef-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { stdio: "ignore" });
    const cert = fs.readFileSync(`${dir}/cert.pem`, "utf8");
    const server = tls.createServer({ key: fs.readFileSync(`${dir}/key.pem`), cert });
    const rxs = await startSyslogReceiver("tcp", server);
    try {
      const good = await channel({ name: "cef-tls", kind: "syslog_cef", config: { host: "localhost", port: rxs.port, protocol: "tls", ca: cert } });
      const bad = await channel({ name: "cef-tls-unknown-ca", kind: "syslog_cef", config: { host: "localhost", port: rxs.port, protocol: "tls" } });
      await raise();
      await send();
      const lines = await rxs.waitFor(1);
      expect(cefOf(lines[0]!)).toMatch(/^CEF:0\|Tidewatch/);
      const rows = await t.prisma.notificationDelivery.findMany({ where: { channelId: { in: [good.id, bad.id] } }, orderBy: { channelId: "asc" } });
      expect(rows.map((r) => r.status)).toEqual(["sent", "pending"]);
      expect(rows[1]!.lastError).toMatch(/certificate/i);
      expect(lines).toHaveLength(1);
    } finally {
      await rxs.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("email", () => {
  it("sends text and HTML to every recipient through SMTP with authentication", async () => {
    const mails: { from: string; to: string[]; data: string; user?: string }[] = [];
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      authOptional: false,
      onAuth(auth, _session, cb) {
        if (auth.username === "notifier" && auth.password === "smtp-pass-123") cb(null, { user: auth.username });
        else cb(new Error("bad credentials"));
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString("utf8"),
            user: session.user as string | undefined,
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.server.address() as { port: number }).port;
    try {
      await channel({
        name: "mail",
        kind: "email",
        config: { host: "127.0.0.1", port, from: "tidewatch@example.test", to: ["soc@example.test", "oncall@example.test"], user: "notifier" },
        secret: "smtp-pass-123",
      });
      const { alert } = await raise("mail-dev");
      await send();
      const until = Date.now() + 10_000;
      while (mails.length < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(mails).toHaveLength(1);
      const m = mails[0]!;
      expect(m).toMatchObject({ from: "tidewatch@example.test", to: ["soc@example.test", "oncall@example.test"], user: "notifier" });
      expect(m.data).toMatch(/^Subject: \[HIGH\] .* on mail-dev/m);
      expect(m.data).toContain("Content-Type: text/plain");
      expect(m.data).toContain("Content-Type: text/html");
      expect(m.data).toContain(`${BASE}/alerts/${alert.id}`);
      expect(m.data).toContain("X-Tidewatch-Event: alert.raised");
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
