// Parses one syslog message (the payload of a UDP datagram or one TCP frame) in either format:
//
//   RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP [BOM]MSG]
//   RFC 3164: <PRI>[TIMESTAMP SP [HOSTNAME SP]][TAG[PID]: ]MSG        (the BSD format)
//
// Pure: no clock, no I/O (the time of arrival is passed in, for the year a BSD timestamp lacks).
// Tolerant the way real devices need: BSD messages without timestamp or hostname, Cisco-style
// "seq: *Mmm dd hh:mm:ss.mmm:" stamps, RFC 3339 stamps in BSD messages (rsyslog forwarding), a
// missing or malformed STRUCTURED-DATA field (the rest is kept as text). What is rejected (with a
// reason) is what has no usable priority: no `<PRI>`, a malformed one, or one above 191; and an
// RFC 5424 header cut short.
//
// BSD heuristics (RFC 3164 leaves them to the receiver): after a timestamp, the first word is the
// HOSTNAME unless it ends in ":" or carries "[pid]" (then it is the TAG of a sender that omits the
// hostname); "TAG:" / "TAG[pid]:" becomes appName. Without a timestamp there is no hostname, and a
// leading "Word:" stays text ("Error: disk full") unless it carries a "[pid]". BSD timestamps have
// no zone: read in the collector's zone (option), the year inferred from the arrival time.
//
// Bytes that are not valid UTF-8 never throw and never lose the message: the whole message is then
// read as Latin-1 (every byte maps to one character, nothing is replaced), and `encoding` says so.
import { SYSLOG_SEVERITIES, type SyslogMessage } from "@/lib/telemetry/syslog-message";

export type SyslogParseFailure =
  /** Nothing but whitespace. */
  | "empty"
  /** Does not start with `<`. */
  | "missing_pri"
  /** `<` not followed by 1-3 digits and `>`. */
  | "bad_pri"
  /** PRI above 191 (facility > 23). */
  | "pri_out_of_range"
  /** An RFC 5424 message whose header fields stop before MSGID. */
  | "truncated_header";

export interface SdParam {
  name: string;
  value: string;
}

export interface SdElement {
  id: string;
  /** In message order; names may repeat (RFC 5424 allows it). */
  params: SdParam[];
}

export interface SyslogParseSuccess {
  ok: true;
  message: SyslogMessage;
  /** "latin1" when the bytes were not valid UTF-8 (counted by the collector, message kept). */
  encoding: "utf-8" | "latin1";
  procId: string | null;
  /** RFC 5424 MSGID. */
  msgId: string | null;
  /** RFC 5424 STRUCTURED-DATA, escapes (`\"`, `\\`, `\]`) resolved. */
  structuredData: SdElement[];
}

export interface SyslogParseError {
  ok: false;
  reason: SyslogParseFailure;
  detail: string;
}

export type SyslogParseResult = SyslogParseSuccess | SyslogParseError;

export interface ParseSyslogOptions {
  /**
   * Zone of BSD (RFC 3164) timestamps, which carry none: "local" (the collector's zone, what rsyslog
   * and syslog-ng assume) or "utc". Default "local".
   */
  bsdTimeZone?: "local" | "utc";
}

export const MAX_PRI = 191;

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decode(bytes: Uint8Array): { text: string; encoding: "utf-8" | "latin1" } {
  try {
    return { text: utf8Decoder.decode(bytes), encoding: "utf-8" };
  } catch {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { text: buf.toString("latin1"), encoding: "latin1" };
  }
}

function fail(reason: SyslogParseFailure, detail: string): SyslogParseError {
  return { ok: false, reason, detail };
}

export function parseSyslog(
  bytes: Buffer | Uint8Array,
  receivedAtMs: number,
  options: ParseSyslogOptions = {},
): SyslogParseResult {
  const { text, encoding } = decode(bytes);

  let start = 0;
  while (start < text.length && isSpaceOrControl(text.charCodeAt(start))) start++;
  if (start >= text.length) return fail("empty", "no content");
  if (text[start] !== "<") return fail("missing_pri", `starts with ${JSON.stringify(text.slice(start, start + 8))}`);

  let p = start + 1;
  let pri = 0;
  let digits = 0;
  while (p < text.length && digits < 4) {
    const c = text.charCodeAt(p);
    if (c < 48 || c > 57) break;
    pri = pri * 10 + (c - 48);
    digits++;
    p++;
  }
  if (digits === 0 || digits > 3 || text[p] !== ">") {
    return fail("bad_pri", `malformed priority ${JSON.stringify(text.slice(start, start + 6))}`);
  }
  if (pri > MAX_PRI) return fail("pri_out_of_range", `priority ${pri} is above ${MAX_PRI}`);
  p++;

  const facility = pri >> 3;
  const severity = SYSLOG_SEVERITIES[pri & 7]!;
  const body = trimTrailing(text.slice(p));

  if (looks5424(body)) return parse5424(body, facility, severity, encoding);
  return parse3164(body, facility, severity, encoding, receivedAtMs, options.bsdTimeZone ?? "local");
}

function isSpaceOrControl(c: number): boolean {
  return c <= 32 || c === 0xfeff;
}

/** Drops the line terminators and NULs senders append. */
function trimTrailing(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c === 10 || c === 13 || c === 0) end--;
    else break;
  }
  return end === s.length ? s : s.slice(0, end);
}

function stripBom(s: string): string {
  if (s.startsWith("\uFEFF")) return s.slice(1);
  // A BOM in a message read as Latin-1 (other bytes were not UTF-8).
  if (s.startsWith("\u00EF\u00BB\u00BF")) return s.slice(3);
  return s;
}

// "1 " followed by "-" or something starting like a date: a BSD message whose text happens to begin
// with "1 " (e.g. "<13>1 user logged in") stays BSD.
function looks5424(body: string): boolean {
  if (!body.startsWith("1 ")) return false;
  const ts = body.charCodeAt(2);
  if (body[2] === "-") return body.length === 3 || body[3] === " ";
  return ts >= 48 && ts <= 57 && /^\d{4}-/.test(body.slice(2, 7));
}

// --- RFC 5424 ----------------------------------------------------------------------------------

function nil(field: string): string | null {
  return field === "-" || field === "" ? null : field;
}

function parse5424(
  body: string,
  facility: number,
  severity: SyslogMessage["severity"],
  encoding: "utf-8" | "latin1",
): SyslogParseResult {
  // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, each ended by one SP (MSGID may end the message when a
  // sender leaves out STRUCTURED-DATA altogether).
  const fields: string[] = [];
  let p = 2;
  for (let i = 0; i < 5; i++) {
    const sp = body.indexOf(" ", p);
    if (sp < 0) {
      if (i === 4 && p < body.length) {
        fields.push(body.slice(p));
        p = body.length;
        break;
      }
      return fail("truncated_header", `RFC 5424 header ends after ${i} of 5 fields`);
    }
    fields.push(body.slice(p, sp));
    p = sp + 1;
  }
  const [tsField, hostField, appField, procField, msgIdField] = fields as [string, string, string, string, string];

  let structuredData: SdElement[] = [];
  let msg = "";
  if (p < body.length) {
    if (body[p] === "-" && (p + 1 === body.length || body[p + 1] === " ")) {
      p += 1;
      msg = body.slice(p + 1);
    } else if (body[p] === "[") {
      const sd = parseStructuredData(body, p);
      if (sd) {
        structuredData = sd.elements;
        p = sd.end;
        msg = body[p] === " " ? body.slice(p + 1) : body.slice(p);
      } else {
        // Malformed SD: keep everything as text rather than lose it.
        msg = body.slice(p);
      }
    } else {
      // STRUCTURED-DATA left out (a common sender bug): the rest is the message.
      msg = body.slice(p);
    }
  }

  return {
    ok: true,
    encoding,
    procId: nil(procField),
    msgId: nil(msgIdField),
    structuredData,
    message: {
      format: "rfc5424",
      facility,
      severity,
      timestampMs: tsField === "-" ? null : parseRfc3339(tsField),
      hostname: nil(hostField),
      appName: nil(appField),
      message: stripBom(msg),
    },
  };
}

/** Parses `[id p="v" ...][id2 ...]` from `start`; null when malformed. `end` is just past the last `]`. */
export function parseStructuredData(s: string, start: number): { elements: SdElement[]; end: number } | null {
  const elements: SdElement[] = [];
  let p = start;
  while (s[p] === "[") {
    p++;
    const idStart = p;
    while (p < s.length && s[p] !== " " && s[p] !== "]" && s[p] !== "=" && s[p] !== '"') p++;
    if (p === idStart || p >= s.length) return null;
    const element: SdElement = { id: s.slice(idStart, p), params: [] };
    while (s[p] === " ") {
      p++;
      const nameStart = p;
      while (p < s.length && s[p] !== "=" && s[p] !== " " && s[p] !== "]" && s[p] !== '"') p++;
      if (p === nameStart || s[p] !== "=" || s[p + 1] !== '"') return null;
      const name = s.slice(nameStart, p);
      p += 2;
      let value = "";
      let closed = false;
      while (p < s.length) {
        const c = s[p]!;
        if (c === "\\" && p + 1 < s.length) {
          const next = s[p + 1]!;
          // RFC 5424 6.3.3: only ", \ and ] are escaped; any other backslash is literal.
          if (next === '"' || next === "\\" || next === "]") {
            value += next;
            p += 2;
            continue;
          }
          value += c;
          p++;
          continue;
        }
        if (c === '"') {
          closed = true;
          p++;
          break;
        }
        value += c;
        p++;
      }
      if (!closed) return null;
      element.params.push({ name, value });
    }
    if (s[p] !== "]") return null;
    p++;
    elements.push(element);
  }
  return { elements, end: p };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** Epoch ms of an RFC 3339 timestamp; null when malformed or out of range. No zone means UTC. */
export function parseRfc3339(s: string): number | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Math.min(Number(sec), 59); // a leap second (60) folds into :59
  if (month < 0 || month > 11 || day < 1 || hour > 23 || minute > 59 || Number(sec) > 60) return null;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, "0")) : 0;
  const utc = Date.UTC(year, month, day, hour, minute, second, ms);
  if (new Date(utc).getUTCDate() !== day) return null; // e.g. Feb 30
  let offsetMin = 0;
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return null;
    offsetMin = sign * (oh * 60 + om);
  }
  return utc - offsetMin * 60_000;
}

// --- RFC 3164 ----------------------------------------------------------------------------------

// Optional Cisco-style "*" / "." (clock not synchronised), month, day (space padded), optional year,
// time with optional fraction, optional year after the time, optional zone name and trailing colon.
const BSD_TIMESTAMP =
  /^[*.]?([A-Za-z]{3}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: (\d{4})(?= ))?(?: ([A-Z]{3,4})(?=:))?:?(?: +|$)/;
const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:?\d{2})?)(?: +|$)/;
const CISCO_SEQUENCE = /^\d{1,10}: (?=[*.]?[A-Za-z]{3} {1,2}\d)/;
const HOSTNAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,253}[A-Za-z0-9])?|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f.]{0,15}){2,8})$/;
const TAG = /^([^\s:[\]]{1,64})(\[[^\]\s]{0,32}\])?(:)?(?: +|$)/;

function parse3164(
  body: string,
  facility: number,
  severity: SyslogMessage["severity"],
  encoding: "utf-8" | "latin1",
  receivedAtMs: number,
  zone: "local" | "utc",
): SyslogParseResult {
  let rest = body.replace(/^ +/, "");
  let timestampMs: number | null = null;
  let hasTimestamp = false;

  rest = rest.replace(CISCO_SEQUENCE, "");
  const bsd = BSD_TIMESTAMP.exec(rest);
  const iso = bsd ? null : ISO_TIMESTAMP.exec(rest);
  if (bsd) {
    const month = MONTHS[bsd[1]!.toLowerCase()];
    if (month !== undefined) {
      hasTimestamp = true;
      rest = rest.slice(bsd[0].length);
      const year = bsd[3] ?? bsd[8];
      timestampMs = bsdTimestamp(
        month,
        Number(bsd[2]),
        Number(bsd[4]),
        Number(bsd[5]),
        Number(bsd[6]),
        bsd[7] ? Number(bsd[7].slice(0, 3).padEnd(3, "0")) : 0,
        year ? Number(year) : null,
        receivedAtMs,
        bsd[9] === "UTC" || bsd[9] === "GMT" ? "utc" : zone,
      );
    }
  } else if (iso) {
    hasTimestamp = true;
    rest = rest.slice(iso[0].length);
    timestampMs = parseRfc3339(iso[1]!);
  }

  // HOSTNAME follows a timestamp; a first word that ends in ":" or carries "[pid]" is the TAG of a
  // sender that left the hostname out (e.g. messages relayed from /dev/log, Cisco "%LINK-3-UPDOWN:").
  let hostname: string | null = null;
  if (hasTimestamp) {
    const sp = rest.indexOf(" ");
    const word = sp < 0 ? rest : rest.slice(0, sp);
    if (word && !word.endsWith(":") && !word.includes("[") && HOSTNAME.test(word)) {
      hostname = word;
      rest = sp < 0 ? "" : rest.slice(sp + 1).replace(/^ +/, "");
    }
  }

  let appName: string | null = null;
  let procId: string | null = null;
  // Without a timestamp a leading "Word:" is as likely text ("Error: disk full") as a tag: only a
  // "[pid]" makes it a tag then.
  const tag = TAG.exec(rest);
  if (tag && (tag[2] !== undefined || (hasTimestamp && tag[3] !== undefined))) {
    appName = tag[1]!;
    procId = tag[2] ? tag[2].slice(1, -1) || null : null;
    rest = rest.slice(tag[0].length);
  }

  return {
    ok: true,
    encoding,
    procId,
    msgId: null,
    structuredData: [],
    message: {
      format: "rfc3164",
      facility,
      severity,
      timestampMs,
      hostname,
      appName,
      message: stripBom(rest),
    },
  };
}

/**
 * Epoch ms of a BSD timestamp. Without a year, the latest year (receivedAt's, the one after or the
 * one before) that does not put the message more than a week into the future: "Dec 31 23:59:58"
 * arriving on Jan 1 is last year's, a device clock slightly ahead on Dec 31 sending
 * "Jan  1 00:00:01" is next year's, and a stale "Jan 12" arriving in November is this year's.
 */
export function bsdTimestamp(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  year: number | null,
  receivedAtMs: number,
  zone: "local" | "utc",
): number | null {
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const sec = Math.min(second, 59);
  const at = (y: number): number | null => {
    const t = zone === "utc" ? Date.UTC(y, month, day, hour, minute, sec, ms) : new Date(y, month, day, hour, minute, sec, ms).getTime();
    const d = new Date(t);
    const dayOk = zone === "utc" ? d.getUTCDate() === day && d.getUTCMonth() === month : d.getDate() === day && d.getMonth() === month;
    return dayOk ? t : null;
  };
  if (year !== null) return at(year);
  const received = new Date(receivedAtMs);
  const y0 = zone === "utc" ? received.getUTCFullYear() : received.getFullYear();
  // (Feb 29 outside a leap year, as a wrong device clock may send, has no time: null.)
  for (const y of [y0 + 1, y0, y0 - 1]) {
    const t = at(y);
    if (t !== null && t <= receivedAtMs + FUTURE_TOLERANCE_MS) return t;
  }
  return null;
}

const FUTURE_TOLERANCE_MS = 7 * 24 * 3600_000;
