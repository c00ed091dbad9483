// The pure parts of notifications: which change announces what, filters, backoff and Retry-After,
// CEF escaping, the HEC endpoint, quiet hours, and secrets sealed at rest.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cefHeaderEscape, cefValueEscape } from "@/lib/notify/channels/syslog-cef";
import { hecUrl } from "@/lib/notify/channels/splunk-hec";
import { pagerdutyEvents } from "@/lib/notify/channels/pagerduty";
import { parseRetryAfter } from "@/lib/notify/http-send";
import { testAlert, type NotificationMessage } from "@/lib/notify/message";
import { heldUntil, quietHoursSchema } from "@/lib/notify/quiet-hours";
import { alertEventFor, alertMatches, campaignMatches, inDigest, nextDigestAt, retryDelayMs } from "@/lib/notify/routing";
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
