// The alert table as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or
// line break). Cells that a spreadsheet would run as a formula are prefixed with a quote, because an
// attacker controls text such as syslog-derived explanations and device names.
import type { AlertView } from "./alert-view";

export const ALERT_CSV_COLUMNS = [
  ["id", (a) => a.id],
  ["created_at", (a) => a.createdAt],
  ["observed_at", (a) => a.observedAt],
  ["severity", (a) => a.severity],
  ["status", (a) => a.status],
  ["type", (a) => a.type],
  ["title", (a) => a.title],
  ["detector", (a) => a.detector],
  ["device", (a) => a.device.name],
  ["site", (a) => a.device.site],
  ["role", (a) => a.device.role],
  ["metric", (a) => a.metric ?? ""],
  ["observed", (a) => a.observed.value],
  ["expected_low", (a) => a.expected.low ?? ""],
  ["expected_high", (a) => a.expected.high ?? ""],
  ["score", (a) => a.score],
  ["occurrences", (a) => a.occurrences],
  ["assignee", (a) => a.assignee?.name ?? ""],
  ["true_positive_votes", (a) => a.feedback.truePositive],
  ["false_positive_votes", (a) => a.feedback.falsePositive],
  ["campaign_id", (a) => a.campaignId ?? ""],
  ["explanation", (a) => a.explanation],
] as const satisfies readonly (readonly [string, (a: AlertView) => string | number | null])[];

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value;
  if (/^[=+\-@\t\r]/.test(s) && typeof value === "string") s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function alertCsvHeader(): string {
  return ALERT_CSV_COLUMNS.map(([name]) => name).join(",") + "\r\n";
}

export function alertCsvRows(alerts: readonly AlertView[]): string {
  let out = "";
  for (const a of alerts) out += ALERT_CSV_COLUMNS.map(([, get]) => csvCell(get(a))).join(",") + "\r\n";
  return out;
}
