// The pure parts of notifications: which change announces what, filters, backoff and Retry-After,
// CEF escaping, the HEC endpoint, quiet hours, secrets sealed at rest, and every channel's rendering of
// a mitigation's state changes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { MitigationView } from "@/lib/mitigation/mitigation-view";
import { emailContent } from "@/lib/notify/channels/email";
import { cefHeaderEscape, cefValueEscape, syslogLine } from "@/lib/notify/channels/syslog-cef";
import { hecBody, hecUrl } from "@/lib/notify/channels/splunk-hec";
import { pagerdutyEvents } from "@/lib/notify/channels/pagerduty";
import { slackPayload } from "@/lib/notify/channels/slack";
import { teamsPayload } from "@/lib/notify/channels/teams";
import { alertmanagerPayload } from "@/lib/notify/channels/webhook";
import { parseRetryAfter } from "@/lib/notify/http-send";
import { MITIGATION_STATUS_EVENT, mitigationSummary, NOTIFICATION_EVENTS, testAlert, webhookPayload, type MitigationEvent, type NotificationMessage } from "@/lib/notify/message";
import { heldUntil, quietHoursSchema } from "@/lib/notify/quiet-hours";
import { alertEventFor, alertMatches, campaignMatches, inDigest, mitigationMatches, nextDigestAt, retryDelayMs } from "@/lib/notify/routing";
import { decryptSecret, encryptSecret, loadSecretKey } from "@/lib/notify/secret-box";

describe("alertEventFor", () => {
  it.each([
    ["created", "open", "alert.raised"],
    ["updated", "open", null], // a repeat folded into the alert, a note, an assignment
    ["created", "suppressed", null], // maintenance, rules, announced surges
    ["updated", "suppressed", null],
    ["updated", "acknowledged", "alert.acknowledged"],
    ["updated", "resolved", "alert.resolved"],
  ] as const)("%s with status %s → %s", (change, status, event) => {
    expect(alertEventFor(change, status)).toBe(event);
  });
});

describe("filters", () => {
  const alert = { severity: "high" as const, type: "ddos", detector: "flow-threats", device: { id: 1, name: "e1", site: "hq", role: "edge-router" } };
  it.each([
    [{}, true],
    [{ minSeverity: "high" as const }, true],
    [{ minSeverity: "critical" as const }, false],
    [{ types: ["ddos", "port_scan"] }, true],
    [{ types: ["port_scan"] }, false],
    [{ detectors: ["flow-threats"] }, true],
    [{ sites: ["branch"] }, false],
    [{ roles: ["edge-router"] }, true],
    [{ subjects: "campaigns" as const }, false],
    [{ subjects: "alerts" as const, sites: ["hq"], minSeverity: "medium" as const }, true],
  ])("alert against %j → %s", (filter, expected) => {
    expect(alertMatches(filter, alert)).toBe(expected);
  });
  it("device tags: any listed tag of the alert's device matches", () => {
    expect(alertMatches({ tags: ["pci", "prod"] }, alert, ["prod"])).toBe(true);
    expect(alertMatches({ tags: ["pci"] }, alert, ["prod"])).toBe(false);
    expect(alertMatches({ tags: ["pci"] }, alert)).toBe(false);
  });
  it("campaigns match on severity and any of their types, and not on alert-only channels", () => {
    const c = { severity: "critical" as const, types: ["ddos", "exfiltration"] };
    expect(campaignMatches({ types: ["exfiltration"] }, c)).toBe(true);
    expect(campaignMatches({ types: ["port_scan"] }, c)).toBe(false);
    expect(campaignMatches({ subjects: "alerts" }, c)).toBe(false);
    // site, role and tag filters: one of its devices must pass them all
    const devices = [{ site: "branch", role: "server", tags: [] }, { site: "hq", role: "firewall", tags: ["pci"] }];
    expect(campaignMatches({ sites: ["hq"], tags: ["pci"] }, c, devices)).toBe(true);
    expect(campaignMatches({ sites: ["hq"], roles: ["server"] }, c, devices)).toBe(false);
    expect(campaignMatches({ sites: ["hq"] }, c)).toBe(false);
  });
});

describe("retries", () => {
  it("back off exponentially from the base up to the cap, with ±20% jitter", () => {
    const o = { baseMs: 5_000, maxMs: 900_000 };
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, o, 0.5))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(20, o, 0.5)).toBe(900_000);
    expect(retryDelayMs(1, o, 0)).toBe(4_000);
    expect(retryDelayMs(1, o, 1)).toBe(6_000);
  });
  it("wait what Retry-After says (never less than the base, at most an hour)", () => {
    expect(retryDelayMs(1, { baseMs: 5_000, maxMs: 900_000, retryAfterMs: 120_000 })).toBe(120_000);
    expect(retryDelayMs(1, { baseMs: 5_000, maxMs: 900_000, retryAfterMs: 1_000 })).toBe(5_000);
    expect(retryDelayMs(1, { baseMs: 5_000, maxMs: 900_000, retryAfterMs: 7_200_000 })).toBe(3_600_000);
  });
  it.each([
    ["120", 120_000],
    ["0", 0],
    ["Mon, 07 Dec 2026 10:01:00 GMT", 60_000],
    ["soon", undefined],
    [null, undefined],
  ])("parse Retry-After %j", (value, ms) => {
    expect(parseRetryAfter(value, Date.parse("2026-12-07T10:00:00Z"))).toBe(ms);
  });
});

describe("CEF escaping", () => {
  it.each([
    ["plain", "plain", "plain"],
    ["a|b", "a\\|b", "a|b"],
    ["back\\slash", "back\\\\slash", "back\\\\slash"],
    ["k=v", "k=v", "k\\=v"],
    ["two\nlines\r\nhere\rend", "two lines here end", "two\\nlines\\nhere\\rend"],
  ])("%j → header %j, value %j", (raw, header, value) => {
    expect(cefHeaderEscape(raw)).toBe(header);
    expect(cefValueEscape(raw)).toBe(value);
  });
});

describe("channel details", () => {
  it.each([
    ["https://splunk:8088", "https://splunk:8088/services/collector/event"],
    ["https://splunk:8088/", "https://splunk:8088/services/collector/event"],
    ["https://splunk:8088/services/collector", "https://splunk:8088/services/collector/event"],
    ["https://splunk:8088/services/collector/event", "https://splunk:8088/services/collector/event"],
  ])("HEC endpoint of %s", (base, url) => {
    expect(hecUrl(base)).toBe(url);
  });
  it("a PagerDuty test triggers and resolves its own incident under one dedup key", () => {
    const m: NotificationMessage = { id: "test:1", event: "test", sentAt: "2026-12-07T00:00:00Z", channel: "pd", alert: testAlert("pd", "http://x", new Date(0)) };
    const events = pagerdutyEvents(m, "rk");
    expect(events.map((e) => e.event_action)).toEqual(["trigger", "resolve"]);
    expect(new Set(events.map((e) => e.dedup_key)).size).toBe(1);
  });
});

describe("secrets at rest", () => {
  it("seal and open with the key; another key cannot open them; each sealing differs", () => {
    const k1 = loadSecretKey({ TIDEWATCH_SECRET_KEY: "a".repeat(40), DATA_DIR: "/nonexistent" });
    const k2 = loadSecretKey({ TIDEWATCH_SECRET_KEY: "b".repeat(40), DATA_DIR: "/nonexistent" });
    const sealed = encryptSecret("https://hooks.slack.com/services/T/B/secret", k1);
    expect(sealed).not.toContain("secret");
    expect(encryptSecret("https://hooks.slack.com/services/T/B/secret", k1)).not.toBe(sealed);
    expect(decryptSecret(sealed, k1)).toBe("https://hooks.slack.com/services/T/B/secret");
    expect(() => decryptSecret(sealed, k2)).toThrow();
    // a sealed value altered in the database is refused, not decrypted into something else
    const [v, iv, tag, data] = sealed.split(":");
    const flipped = Buffer.from(data!, "base64");
    flipped[0]! ^= 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64")].join(":"), k1)).toThrow();
  });
  it("without TIDEWATCH_SECRET_KEY, generate DATA_DIR/secret.key once (mode 0600) and reuse it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-secret-key-"));
    try {
      const first = loadSecretKey({ DATA_DIR: dir });
      expect(first).toHaveLength(32);
      expect(fs.statSync(path.join(dir, "secret.key")).mode & 0o777).toBe(0o600);
      expect(loadSecretKey({ DATA_DIR: dir }).equals(first)).toBe(true);
      fs.writeFileSync(path.join(dir, "secret.key"), "short");
      expect(() => loadSecretKey({ DATA_DIR: dir })).toThrow(/damaged/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("quiet hours", () => {
  const q = (extra: Record<string, string> = {}) => quietHoursSchema.parse({ from: "22:00", to: "07:00", timezone: "Europe/Berlin", ...extra });
  it.each([
    // Berlin is UTC+1 in December
    ["2026-12-07T20:59:00Z", "high", null],
    ["2026-12-07T21:00:00Z", "high", "2026-12-08T06:00:00.000Z"],
    ["2026-12-08T02:30:00Z", "medium", "2026-12-08T06:00:00.000Z"],
    ["2026-12-08T02:30:00Z", "critical", null],
    ["2026-12-08T06:00:00Z", "low", null],
  ] as const)("overnight 22:00–07:00 Berlin at %s, %s → held until %s", (at, severity, until) => {
    expect(heldUntil(q(), severity, new Date(at))?.toISOString() ?? null).toBe(until);
  });
  it("a daytime span, a severity let through, and bad settings refused", () => {
    const lunch = q({ from: "12:00", to: "13:30", timezone: "UTC", allowSeverity: "high" });
    expect(heldUntil(lunch, "medium", new Date("2026-12-07T12:45:00Z"))?.toISOString()).toBe("2026-12-07T13:30:00.000Z");
    expect(heldUntil(lunch, "high", new Date("2026-12-07T12:45:00Z"))).toBeNull();
    expect(quietHoursSchema.safeParse({ from: "25:00", to: "07:00" }).success).toBe(false);
    expect(quietHoursSchema.safeParse({ from: "22:00", to: "07:00", timezone: "Mars/Olympus" }).success).toBe(false);
  });
});

describe("digest", () => {
  it("takes alerts below its severity and is due at the next multiple of its period", () => {
    const f = { digest: { everyMinutes: 15, belowSeverity: "high" as const } };
    expect(["low", "medium", "high", "critical"].map((s) => inDigest(f, s as "low"))).toEqual([true, true, false, false]);
    expect(inDigest({}, "low")).toBe(false);
    expect(nextDigestAt(15, new Date("2026-12-07T05:14:59Z")).toISOString()).toBe("2026-12-07T05:15:00.000Z");
    expect(nextDigestAt(15, new Date("2026-12-07T05:15:00Z")).toISOString()).toBe("2026-12-07T05:30:00.000Z");
    expect(nextDigestAt(60, new Date("2026-12-07T05:15:00Z")).toISOString()).toBe("2026-12-07T06:00:00.000Z");
  });
});

describe("mitigation messages", () => {
  const BASE = "https://tw.example.test";
  const view = (over: Partial<MitigationView> = {}): MitigationView => ({
    id: 7,
    alert: { id: 42, title: "DDoS", type: "ddos", severity: "critical", device: { id: 3, name: "web-<1>" } },
    campaignId: 5,
    playbookId: "ddos",
    playbookTitle: "Volumetric DDoS: blackhole the attacked host",
    route: { kind: "blackhole", prefix: "10.2.0.7/32", communities: ["65535:666"] },
    routeKey: "blackhole|10.2.0.7/32",
    routeText: "blackhole 10.2.0.7/32 (65535:666)",
    status: "proposed",
    reason: "flood toward 10.2.0.7",
    gates: {
      detector: { passed: true, confidence: 0.95, severity: "critical", reason: "critical with 95% confidence" },
      ai: { outcome: "ask_human", reason: "AI approval off", confidence: null, model: null },
      human: { required: true, reason: "waiting" },
    },
    automatic: false,
    dryRun: false,
    ttlMinutes: 30,
    expiresAt: "2026-12-07T10:30:00.000Z",
    activatedAt: null,
    decidedBy: null,
    decidedAt: null,
    endedBy: null,
    endedAt: null,
    createdAt: "2026-12-07T10:00:00.000Z",
    updatedAt: "2026-12-07T10:00:05.000Z",
    ...over,
  });
  const message = (event: MitigationEvent, over: Partial<MitigationView> = {}): NotificationMessage => ({
    id: "91",
    event,
    sentAt: "2026-12-07T10:00:06.000Z",
    channel: "soc",
    mitigation: mitigationSummary(view(over), BASE),
  });
  const ALERT_PAGE = `${BASE}/alerts/42`;

  it("each status announces once with its own event; approved waits for the announcement", () => {
    expect(MITIGATION_STATUS_EVENT).toEqual({
      proposed: "mitigation.proposed",
      approved: null,
      active: "mitigation.active",
      denied: "mitigation.denied",
      withdrawn: "mitigation.withdrawn",
      expired: "mitigation.expired",
      failed: "mitigation.failed",
      refused: "mitigation.refused",
    });
    for (const e of Object.values(MITIGATION_STATUS_EVENT)) if (e) expect(NOTIFICATION_EVENTS).toContain(e);
  });

  it("filters judge a mitigation by its alert, whatever subjects the channel takes", () => {
    const a = { severity: "critical" as const, type: "ddos", detector: "flow-threats", device: { id: 3, name: "web-1", site: "dc", role: "server" } };
    expect(mitigationMatches({ subjects: "campaigns" }, a)).toBe(true);
    expect(mitigationMatches({ minSeverity: "critical", sites: ["dc"] }, a)).toBe(true);
    expect(mitigationMatches({ types: ["exfiltration"] }, a)).toBe(false);
    expect(mitigationMatches({ sites: ["hq"] }, a)).toBe(false);
    expect(mitigationMatches({ tags: ["pci"] }, a, ["pci"])).toBe(true);
    expect(mitigationMatches({ tags: ["pci"] }, a)).toBe(false);
  });

  it("Slack: a proposal asks for a decision, with a button to the alert's page; names are escaped", () => {
    const body = slackPayload(message("mitigation.proposed")) as { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: { text: string }; url: string }[] }[] };
    expect(body.text).toBe("[CRITICAL] Mitigation proposed, awaiting approval: blackhole 10.2.0.7/32 (65535:666) for DDoS on web-<1>");
    expect(body.blocks.map((b) => b.type)).toEqual(["header", "section", "actions"]);
    expect(body.blocks[1]!.text!.text).toContain("*Route*: blackhole 10.2.0.7/32 (65535:666)");
    expect(body.blocks[1]!.text!.text).toContain("on web-&lt;1&gt;");
    expect(body.blocks[2]!.elements![0]).toMatchObject({ text: { text: "Approve or deny in Tidewatch" }, url: ALERT_PAGE });
    // once decided, the button only opens the page
    const active = slackPayload(message("mitigation.active", { status: "active", decidedBy: { id: 1, name: "Mia" } })) as typeof body;
    expect(active.text).toContain("Mitigation active (announced)");
    expect(active.blocks[1]!.text!.text).toContain("*Approved by*: Mia");
    expect(active.blocks[2]!.elements![0]!.text.text).toBe("Open in Tidewatch");
  });

  it("Teams: an Adaptive Card with the mitigation's facts and an Open URL to the alert's page", () => {
    const body = teamsPayload(message("mitigation.refused", { status: "refused", reason: "10.0.0.0/8 is shorter than /24" })) as { attachments: { content: { body: { facts?: { title: string; value: string }[]; text?: string }[]; actions: unknown[] } }[] };
    const card = body.attachments[0]!.content;
    expect(card.body[0]!.text).toContain("Mitigation refused by the safety guard");
    expect(card.body[1]!.facts).toContainEqual({ title: "Reason", value: "10.0.0.0/8 is shorter than /24" });
    expect(card.actions[0]).toEqual({ type: "Action.OpenUrl", title: "Open in Tidewatch", url: ALERT_PAGE });
  });

  it("email: an ASCII subject, the facts in text and HTML, and the link to decide", () => {
    const flow = { kind: "flowspec" as const, destination: "10.2.0.7/32", protocols: [17], destinationPorts: [53], action: { type: "discard" as const } };
    const mail = emailContent(message("mitigation.proposed", { route: flow, routeText: "flowspec → 10.2.0.7/32 UDP dport 53: discard" }));
    expect(mail.subject).toBe("[CRITICAL] Mitigation proposed, awaiting approval: flowspec -> 10.2.0.7/32 UDP dport 53: discard for DDoS on web-<1>");
    expect(mail.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(mail.text).toContain(`Approve or deny in Tidewatch: ${ALERT_PAGE}`);
    expect(mail.html).toContain("web-&lt;1&gt;");
    expect(mail.html).toContain(`<a href="${ALERT_PAGE}">Approve or deny in Tidewatch</a>`);
  });

  it("PagerDuty: one incident per mitigation, triggered by the proposal and resolved by its end", () => {
    const [trigger] = pagerdutyEvents(message("mitigation.proposed"), "rk");
    expect(trigger).toMatchObject({ event_action: "trigger", dedup_key: "tidewatch:mitigation:7", payload: { severity: "critical", source: "web-<1>", class: "mitigation:ddos" }, links: [{ href: ALERT_PAGE }] });
    for (const e of ["mitigation.withdrawn", "mitigation.expired", "mitigation.denied"] as const) expect(pagerdutyEvents(message(e), "rk")).toEqual([{ routing_key: "rk", event_action: "resolve", dedup_key: "tidewatch:mitigation:7" }]);
    for (const e of ["mitigation.active", "mitigation.failed", "mitigation.refused"] as const) expect(pagerdutyEvents(message(e), "rk")[0]).toMatchObject({ event_action: "trigger", dedup_key: "tidewatch:mitigation:7" });
  });

  it("Splunk HEC and the webhook: the mitigation as JSON, at the time of its change, under its own sourcetype", () => {
    const m = message("mitigation.withdrawn", { status: "withdrawn", endedBy: { id: 2, name: "Ann" }, endedAt: "2026-12-07T10:12:00.000Z" });
    const hec = JSON.parse(hecBody([m], { url: "https://splunk:8088", source: "tidewatch" }));
    expect(hec).toMatchObject({ time: Date.parse("2026-12-07T10:00:05.000Z") / 1000, host: "web-<1>", sourcetype: "tidewatch:mitigation", event: { event: "mitigation.withdrawn", mitigation: { id: 7, status: "withdrawn", url: ALERT_PAGE, campaignUrl: `${BASE}/campaigns?campaign=5` } } });
    expect(webhookPayload(m)).toMatchObject({ id: "91", event: "mitigation.withdrawn", mitigation: { routeText: "blackhole 10.2.0.7/32 (65535:666)" } });
    const am = alertmanagerPayload(m) as { status: string; alerts: { labels: Record<string, string>; endsAt: string; generatorURL: string }[] };
    expect(am.status).toBe("resolved");
    expect(am.alerts[0]).toMatchObject({ labels: { alertname: "mitigation", severity: "critical", mitigation: "7", state: "withdrawn" }, endsAt: "2026-12-07T10:12:00.000Z", generatorURL: ALERT_PAGE });
    expect((alertmanagerPayload(message("mitigation.proposed")) as { status: string }).status).toBe("firing");
  });

  it("CEF over syslog: signature mitigation:<playbook>, the route and state in the extension", () => {
    const line = syslogLine(message("mitigation.active", { status: "active", dryRun: true }), "tw");
    // local4 (20 × 8) + crit (2) for a critical alert's mitigation
    expect(line).toMatch(/^<162>1 2026-12-07T10:00:06.000Z tw tidewatch - mitigation - CEF:0\|Tidewatch\|Tidewatch\|[^|]+\|mitigation:ddos\|Mitigation \(Mitigation active \(dry-run: nothing sent to a router\)\)\|10\|/);
    expect(line).toContain("act=mitigation.active ");
    expect(line).toContain("cs1=blackhole 10.2.0.7/32 (65535:666) ");
    expect(line).toContain(`request=${ALERT_PAGE} `);
    expect(line).toContain("cn2=1");
  });

  it("every channel renders every mitigation event with the way back to the mitigation", () => {
    const linked = [slackPayload, teamsPayload, emailContent, webhookPayload, alertmanagerPayload, (m: NotificationMessage) => syslogLine(m, "tw")];
    const events = NOTIFICATION_EVENTS.filter((x): x is MitigationEvent => x.startsWith("mitigation."));
    expect(events).toHaveLength(7);
    for (const e of events) {
      for (const render of linked) expect(JSON.stringify(render(message(e))), `${render.name} ${e}`).toContain(ALERT_PAGE);
      expect(JSON.stringify(pagerdutyEvents(message(e), "rk"))).toContain("tidewatch:mitigation:7");
    }
  });
});
