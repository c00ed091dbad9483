import { describe, expect, it } from "vitest";
import { parseRfc3339, parseSyslog, type SyslogParseFailure } from "@/lib/telemetry/syslog/parse-syslog";
import type { SyslogMessage } from "@/lib/telemetry/syslog-message";

const RECEIVED = Date.UTC(2026, 10, 21, 0, 3, 0); // 2026-11-21T00:03:00Z
const utc = (...a: [number, number, number, number, number, number, number?]) => Date.UTC(a[0], a[1] - 1, a[2], a[3], a[4], a[5], a[6] ?? 0);

function parseUtc(input: string | Buffer, receivedAt = RECEIVED) {
  return parseSyslog(typeof input === "string" ? Buffer.from(input, "utf8") : input, receivedAt, { bsdTimeZone: "utc" });
}

function ok(input: string | Buffer, receivedAt = RECEIVED) {
  const r = parseUtc(input, receivedAt);
  if (!r.ok) throw new Error(`expected a message, got ${r.reason}: ${r.detail}`);
  return r;
}

describe("parseSyslog: RFC 3164 (BSD)", () => {
  const cases: Array<{ name: string; input: string; expected: Partial<SyslogMessage>; procId?: string | null }> = [
    {
      name: "what `logger --rfc3164` sends",
      input: "<131>Nov 21 00:02:51 vm myapp: hello 3164 udp",
      expected: { format: "rfc3164", facility: 16, severity: "err", timestampMs: utc(2026, 11, 21, 0, 2, 51), hostname: "vm", appName: "myapp", message: "hello 3164 udp" },
    },
    {
      name: "space-padded day, tag with pid",
      input: "<38>Feb  5 17:32:18 fw01 sshd[4821]: Failed password for root from 10.0.0.9",
      expected: { facility: 4, severity: "info", timestampMs: utc(2026, 2, 5, 17, 32, 18), hostname: "fw01", appName: "sshd", message: "Failed password for root from 10.0.0.9" },
      procId: "4821",
    },
    {
      name: "no hostname (tag right after the timestamp)",
      input: "<13>Nov 20 23:59:00 CRON[12]: session opened",
      expected: { hostname: null, appName: "CRON", message: "session opened", timestampMs: utc(2026, 11, 20, 23, 59, 0) },
      procId: "12",
    },
    {
      name: "no timestamp, no hostname: all text",
      input: "<13>Error: disk full on /var",
      expected: { timestampMs: null, hostname: null, appName: null, message: "Error: disk full on /var" },
    },
    {
      name: "no timestamp but a tag with pid",
      input: "<14>kernel[0]: eth0 link down",
      expected: { timestampMs: null, hostname: null, appName: "kernel", message: "eth0 link down" },
    },
    {
      name: "Cisco sequence number, unsynchronised clock mark, milliseconds and zone",
      input: "<189>45: *Jan 12 10:11:12.345 UTC: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down",
      expected: { facility: 23, severity: "notice", timestampMs: utc(2026, 1, 12, 10, 11, 12, 345), hostname: null, appName: "%LINK-3-UPDOWN", message: "Interface Gi0/1, changed state to down" },
    },
    {
      name: "year in the timestamp",
      input: "<30>Mar  3 2024 08:00:01 sw2 ntpd: clock stepped",
      expected: { timestampMs: utc(2024, 3, 3, 8, 0, 1), hostname: "sw2", appName: "ntpd" },
    },
    {
      name: "RFC 3339 timestamp in a BSD message (rsyslog forwarding format)",
      input: "<86>2026-11-20T22:15:03.120+01:00 web-3.example.org nginx: upstream timed out",
      expected: { timestampMs: utc(2026, 11, 20, 21, 15, 3, 120), hostname: "web-3.example.org", appName: "nginx", message: "upstream timed out" },
    },
    {
      name: "IP address as hostname",
      input: "<165>Nov 21 00:01:00 192.0.2.7 bgpd: neighbor down",
      expected: { hostname: "192.0.2.7", appName: "bgpd", message: "neighbor down" },
    },
    {
      name: "IPv6 address as hostname",
      input: "<165>Nov 21 00:01:00 2001:db8::7 bgpd: neighbor up",
      expected: { hostname: "2001:db8::7", appName: "bgpd" },
    },
    {
      name: "trailing LF, CR and NUL are not part of the text",
      input: "<13>Nov 21 00:01:00 h app: text\r\n\0",
      expected: { message: "text" },
    },
    {
      name: "priority 0 (kern.emerg)",
      input: "<0>Nov 21 00:01:00 h kernel: panic",
      expected: { facility: 0, severity: "emerg" },
    },
    {
      name: "priority 191 (local7.debug)",
      input: "<191>Nov 21 00:01:00 h app: x",
      expected: { facility: 23, severity: "debug" },
    },
    {
      name: "text starting with '1 ' stays BSD",
      input: "<13>1 user logged in",
      expected: { format: "rfc3164", message: "1 user logged in" },
    },
    {
      name: "empty message after the header",
      input: "<13>Nov 21 00:01:00 h app:",
      expected: { hostname: "h", appName: "app", message: "" },
    },
  ];

  it.each(cases)("$name", ({ input, expected, procId }) => {
    const r = ok(input);
    expect(r.message).toMatchObject({ format: "rfc3164", ...expected });
    if (procId !== undefined) expect(r.procId).toBe(procId);
  });

  it.each([
    { name: "Dec 31 arriving on Jan 1 is last year's", received: Date.UTC(2027, 0, 1, 0, 0, 5), stamp: "Dec 31 23:59:58", expected: utc(2026, 12, 31, 23, 59, 58) },
    { name: "Jan 1 arriving on Dec 31 (device clock ahead) is next year's", received: Date.UTC(2026, 11, 31, 23, 59, 50), stamp: "Jan  1 00:00:01", expected: utc(2027, 1, 1, 0, 0, 1) },
    { name: "a stale January stamp arriving in November is this year's", received: RECEIVED, stamp: "Jan 12 10:00:00", expected: utc(2026, 1, 12, 10, 0, 0) },
    { name: "a stamp two days ahead stays this year", received: RECEIVED, stamp: "Nov 23 10:00:00", expected: utc(2026, 11, 23, 10, 0, 0) },
  ])("year inference: $name", ({ received, stamp, expected }) => {
    expect(ok(`<13>${stamp} h app: x`, received).message.timestampMs).toBe(expected);
  });

  it("reads BSD timestamps in the collector's zone by default", () => {
    const r = parseSyslog(Buffer.from("<13>Nov 20 18:30:00 h app: x"), RECEIVED);
    expect(r.ok && r.message.timestampMs).toBe(new Date(2026, 10, 20, 18, 30, 0).getTime());
  });
});

describe("parseSyslog: RFC 5424", () => {
  it("parses what `logger --rfc5424` sends, structured data kept apart from the text", () => {
    const r = ok('<131>1 2026-11-21T00:02:51.157145+00:00 vm myapp - - [timeQuality tzKnown="1" isSynced="0"] hello 5424 udp');
    expect(r.message).toEqual({
      format: "rfc5424",
      facility: 16,
      severity: "err",
      timestampMs: utc(2026, 11, 21, 0, 2, 51, 157),
      hostname: "vm",
      appName: "myapp",
      message: "hello 5424 udp",
    });
    expect(r.structuredData).toEqual([{ id: "timeQuality", params: [{ name: "tzKnown", value: "1" }, { name: "isSynced", value: "0" }] }]);
  });

  it("parses the RFC's own example with a BOM before the text", () => {
    const bytes = Buffer.concat([
      Buffer.from("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "),
      Buffer.from('[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] '),
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from("An application event log entry..."),
    ]);
    const r = ok(bytes);
    expect(r.message).toMatchObject({
      facility: 20,
      severity: "notice",
      timestampMs: utc(2003, 10, 11, 22, 14, 15, 3),
      hostname: "mymachine.example.com",
      appName: "evntslog",
      message: "An application event log entry...",
    });
    expect(r.msgId).toBe("ID47");
    expect(r.procId).toBeNull();
    expect(r.structuredData.map((e) => e.id)).toEqual(["exampleSDID@32473", "examplePriority@32473"]);
    expect(r.structuredData[0]!.params).toContainEqual({ name: "eventID", value: "1011" });
  });

  it.each([
    { name: "escaped ] inside a value", sd: '[x@1 k="v\\]x"]', value: "v]x" },
    { name: 'escaped " inside a value', sd: '[x@1 k="say \\"hi\\""]', value: 'say "hi"' },
    { name: "escaped backslash", sd: '[x@1 k="C:\\\\temp"]', value: "C:\\temp" },
    { name: "other backslashes kept", sd: '[x@1 k="a\\nb"]', value: "a\\nb" },
    { name: "] and spaces unescaped are fine inside quotes only when escaped", sd: '[x@1 k="a b \\] c"]', value: "a b ] c" },
  ])("structured data: $name", ({ sd, value }) => {
    const r = ok(`<14>1 2026-11-21T00:00:00Z h app 12 - ${sd} after`);
    expect(r.structuredData).toEqual([{ id: "x@1", params: [{ name: "k", value }] }]);
    expect(r.message.message).toBe("after");
    expect(r.procId).toBe("12");
  });

  it.each([
    { name: "all nil fields", input: "<14>1 - - - - - -", expected: { timestampMs: null, hostname: null, appName: null, message: "" } },
    { name: "nil SD then text", input: "<14>1 - host app - - - text here", expected: { hostname: "host", appName: "app", message: "text here" } },
    { name: "no SD field at all (sender bug): the rest is text", input: "<14>1 2026-11-21T00:00:00Z host app - - text", expected: { message: "text" } },
    { name: "malformed SD: kept as text", input: '<14>1 2026-11-21T00:00:00Z host app - - [x@1 k="unterminated] text', expected: { message: '[x@1 k="unterminated] text' } },
    { name: "header ending after MSGID", input: "<14>1 2026-11-21T00:00:00Z host app - ID1", expected: { hostname: "host", message: "" } },
    { name: "negative zone offset", input: "<14>1 2026-11-20T19:00:00.5-05:00 h a - - - x", expected: { timestampMs: utc(2026, 11, 21, 0, 0, 0, 500) } },
    { name: "invalid timestamp is null, message kept", input: "<14>1 2026-13-45T99:00:00Z h a - - - x", expected: { timestampMs: null, message: "x" } },
  ])("$name", ({ input, expected }) => {
    expect(ok(input).message).toMatchObject({ format: "rfc5424", ...expected });
  });
});

describe("parseSyslog: bytes that are not UTF-8", () => {
  it("keeps the message, read as Latin-1, and says so", () => {
    const bytes = Buffer.concat([Buffer.from("<11>Nov 21 00:00:00 h app: caf"), Buffer.from([0xe9, 0x20, 0xff, 0xfe])]);
    const r = ok(bytes);
    expect(r.encoding).toBe("latin1");
    expect(r.message.message).toBe("café ÿþ");
    expect(r.message.hostname).toBe("h");
  });

  it("valid UTF-8 is read as UTF-8", () => {
    const r = ok("<11>Nov 21 00:00:00 h app: Überlast – Schnittstelle ausgefallen ✓");
    expect(r.encoding).toBe("utf-8");
    expect(r.message.message).toBe("Überlast – Schnittstelle ausgefallen ✓");
  });

  it("an RFC 5424 message with a BOM but bad bytes keeps its text without the BOM", () => {
    const bytes = Buffer.concat([Buffer.from("<14>1 - h a - - - "), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("x"), Buffer.from([0xc3])]);
    const r = ok(bytes);
    expect(r.encoding).toBe("latin1");
    expect(r.message.message).toBe("x\u00c3");
  });
});

describe("parseSyslog: rejected input", () => {
  it.each<{ name: string; input: string | Buffer; reason: SyslogParseFailure }>([
    { name: "empty", input: "", reason: "empty" },
    { name: "only whitespace", input: " \r\n", reason: "empty" },
    { name: "no PRI", input: "Nov 21 00:00:00 h app: x", reason: "missing_pri" },
    { name: "PRI not closed", input: "<13 x", reason: "bad_pri" },
    { name: "PRI with letters", input: "<1a>x", reason: "bad_pri" },
    { name: "empty PRI", input: "<>x", reason: "bad_pri" },
    { name: "PRI of four digits", input: "<0013>x", reason: "bad_pri" },
    { name: "PRI 192", input: "<192>x", reason: "pri_out_of_range" },
    { name: "PRI 999", input: "<999>x", reason: "pri_out_of_range" },
    { name: "RFC 5424 header cut short", input: "<13>1 2026-11-21T00:00:00Z host", reason: "truncated_header" },
    { name: "binary garbage", input: Buffer.from([0x00, 0xff, 0x3c, 0x10]), reason: "missing_pri" },
  ])("$name → $reason", ({ input, reason }) => {
    const r = parseUtc(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.detail.length).toBeGreaterThan(0);
    }
  });

  it("never throws on random bytes", () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20_000; i++) {
      const len = Math.floor(rand() * 200);
      const bytes = Buffer.alloc(len);
      for (let j = 0; j < len; j++) bytes[j] = Math.floor(rand() * 256);
      if (rand() < 0.5 && len > 4) bytes.write(`<${Math.floor(rand() * 200)}>${rand() < 0.5 ? "1 " : ""}`, 0, "latin1");
      expect(() => parseUtc(bytes)).not.toThrow();
    }
  });
});

describe("parseRfc3339", () => {
  it.each([
    ["2003-10-11T22:14:15.003Z", utc(2003, 10, 11, 22, 14, 15, 3)],
    ["1985-04-12T23:20:50.52Z", utc(1985, 4, 12, 23, 20, 50, 520)],
    ["1985-04-12T19:20:50.52-04:00", utc(1985, 4, 12, 23, 20, 50, 520)],
    ["2003-08-24T05:14:15.000003-07:00", utc(2003, 8, 24, 12, 14, 15, 0)],
    ["2026-11-21T00:02:51.157145+00:00", utc(2026, 11, 21, 0, 2, 51, 157)],
    ["2024-02-30T00:00:00Z", null],
    ["2003-08-24 05:14", null],
    ["not a time", null],
  ])("%s", (input, expected) => {
    expect(parseRfc3339(input)).toBe(expected);
  });
});
