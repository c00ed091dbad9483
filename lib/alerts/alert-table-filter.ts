// The Anomalies page's filters as its URL holds them (strings only), how they become a query for
// GET /api/alerts, and whether a live alert belongs in the current view. Pure, so the page, the
// export link and the tests agree.
import type { AlertView } from "./alert-view";

export const TIME_RANGES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;

export const TABLE_FILTER_KEYS = ["status", "severity", "type", "detector", "deviceId", "site", "assignee", "range", "from", "to"] as const;
export type TableFilterKey = (typeof TABLE_FILTER_KEYS)[number];
export type TableFilter = Partial<Record<TableFilterKey, string>>;

export function isTimeRange(value: string | undefined): value is TimeRange {
  return value !== undefined && Object.hasOwn(TIME_RANGES, value);
}

/** The known, non-empty filter parameters of a URL query. */
export function readTableFilter(params: URLSearchParams): TableFilter {
  const filter: TableFilter = {};
  for (const key of TABLE_FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filter[key] = value;
  }
  return filter;
}

/** The URL query for a filter, keys in a fixed order so equal filters give equal URLs. */
export function tableFilterSearch(filter: TableFilter): string {
  const params = new URLSearchParams();
  for (const key of TABLE_FILTER_KEYS) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

/** The list API's query: a relative range becomes `from` at `now`; an explicit from/to wins. */
export function alertApiSearch(filter: TableFilter, now: number, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ["status", "severity", "type", "detector", "deviceId", "site", "assignee"] as const) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  if (filter.from) params.set("from", toIso(filter.from));
  else if (isTimeRange(filter.range)) params.set("from", new Date(now - TIME_RANGES[filter.range]).toISOString());
  if (filter.to) params.set("to", toIso(filter.to));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

/** A datetime-local value ("2026-11-20T10:00") is the browser's local time; the API wants ISO with an offset. */
function toIso(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

const split = (value: string | undefined) => (value ? value.split(",").map((v) => v.trim()).filter(Boolean) : null);

/** Whether a (new) alert would be listed under this filter. */
export function alertMatchesFilter(alert: AlertView, filter: TableFilter, viewerId: number, now: number): boolean {
  const within = (value: string, list: string[] | null) => list === null || list.includes(value);
  if (!within(alert.status, split(filter.status))) return false;
  if (!within(alert.severity, split(filter.severity))) return false;
  if (!within(alert.type, split(filter.type))) return false;
  if (!within(alert.detector, split(filter.detector))) return false;
  if (!within(String(alert.device.id), split(filter.deviceId))) return false;
  if (!within(alert.device.site, split(filter.site))) return false;
  if (filter.assignee === "me" && alert.assignee?.id !== viewerId) return false;
  const created = Date.parse(alert.createdAt);
  const from = filter.from ? Date.parse(toIso(filter.from)) : isTimeRange(filter.range) ? now - TIME_RANGES[filter.range] : null;
  if (from !== null && created < from) return false;
  if (filter.to && created >= Date.parse(toIso(filter.to))) return false;
  return true;
}

/** The share of votes agreeing with the majority verdict; null without votes. */
export function feedbackAgreement(feedback: AlertView["feedback"]): { votes: number; majority: "true_positive" | "false_positive" | "split" | null; agreement: number | null } {
  const votes = feedback.truePositive + feedback.falsePositive;
  if (votes === 0) return { votes, majority: null, agreement: null };
  const top = Math.max(feedback.truePositive, feedback.falsePositive);
  const majority = feedback.truePositive === feedback.falsePositive ? "split" : feedback.truePositive > feedback.falsePositive ? "true_positive" : "false_positive";
  return { votes, majority, agreement: top / votes };
}
