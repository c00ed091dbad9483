// Structured logs with a scope ("worker:simulator", "web:stream"). Field names that look like secrets
// are redacted, so a careless `log.info("...", { password })` never leaks one. Control characters are
// escaped (\xNN), so a device name or message sent by a peer cannot move the cursor, recolour the
// terminal or forge a log line.
import { logSettings } from "./env";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|hash|api[-_]?key/i;

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEY.test(k)) out[k] = "[redacted]";
    else if (v instanceof Error) out[k] = v.message;
    else out[k] = v;
  }
  return out;
}

// C0, DEL and C1 (0x9b is a one-byte CSI to many terminals); JSON.stringify escapes only C0.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with every control character written as \xNN (printable, one line). */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function formatValue(v: unknown): string {
  if (typeof v === "string") return escapeControl(/\s/.test(v) ? JSON.stringify(v) : v);
  if (v instanceof Date) return v.toISOString();
  return escapeControl(JSON.stringify(v) ?? String(v));
}

// A closed stdout/stderr (e.g. piped into a pager that quit) must never crash a process that has
// children or a database to stop: drop the output instead.
for (const stream of [process.stdout, process.stderr]) {
  if (stream.listenerCount("error") === 0) stream.on("error", () => undefined);
}

export function createLogger(scope: string, options?: { level?: Level; format?: "pretty" | "json" }): Logger {
  const settings = options?.level && options.format ? undefined : logSettings();
  const level = options?.level ?? settings!.LOG_LEVEL;
  const format = options?.format ?? settings!.LOG_FORMAT;
  const min = ORDER[level] ?? ORDER.info;

  const write = (lvl: Level, msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < min) return;
    const safe = fields ? redact(fields) : {};
    const time = new Date().toISOString();
    const line =
      format === "json"
        ? // what JSON.stringify leaves raw (DEL, C1) as \u escapes, so the line stays valid JSON
          JSON.stringify({ time, level: lvl, scope, msg, ...safe }).replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
        : `${time} ${lvl.padEnd(5)} [${scope}] ${escapeControl(msg)}${Object.entries(safe)
            .map(([k, v]) => ` ${escapeControl(k)}=${formatValue(v)}`)
            .join("")}`;
    (lvl === "error" || lvl === "warn" ? process.stderr : process.stdout).write(line + "\n");
  };

  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (sub) => createLogger(`${scope}:${sub}`, { level, format }),
  };
}
