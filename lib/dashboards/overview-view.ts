// The Overview page's panels (GET /api/overview): open alerts by type, alerts per hour, the
// false-positive rate from analysts' verdicts and ingest health. The types are the JSON shape
// client components import; the functions are the pure parts of building it (no database).
import type { AiSpendView } from "../ai/triage-service";
import { SEVERITIES, type SeverityCounts } from "../alerts/alert-view";
import type { HeartbeatFeed, HeartbeatRow } from "../db/worker-heartbeat-queries";
import { isCollectorHeartbeat } from "../telemetry/bus/collector-heartbeat";
import type { SkewedExporter } from "../telemetry/netflow/clock-skew";

const HOUR = 3_600_000;

/** Hours in the alerts-per-hour chart and days in the false-positive window. */
export const OVERVIEW_HOURS = 24;
export const OVERVIEW_FP_DAYS = 7;
/** A device whose newest telemetry is this far behind the fleet's newest is listed as stale. */
export const STALE_BEHIND_MS = 10 * 60_000;
/** Devices listed in the "last data per device" panel (stalest first). */
export const OVERVIEW_DEVICE_ROWS = 8;

export interface OpenAlertsOfType {
  /** The alert_type column (ddos, exfiltration, port_scan, metric_spike, ...). */
  type: string;
  /** Open and acknowledged alerts of this type. */
  count: number;
}

export interface HourBucket extends SeverityCounts {
  /** Start of the hour (ISO); the last bucket is the current, partial hour. */
  hour: string;
  total: number;
}

export interface FalsePositiveDay {
  /** UTC day, "2026-11-17". */
  day: string;
  judged: number;
  falsePositives: number;
  /** falsePositives / judged; null on a day without verdicts. */
  rate: number | null;
}

export interface FalsePositiveRate {
  days: number;
  /** Alerts that got a verdict in the window. */
  judged: number;
  /** Of those, alerts whose verdicts are mostly "false positive" (a tie counts as true positive, as on the Tuning page). */
  falsePositives: number;
  rate: number | null;
  perDay: FalsePositiveDay[];
}

export interface IngestFeed {
  name: string;
  up: boolean;
  error: string | null;
  records: number | null;
  recordsPerSec: number | null;
  /** Flow exporters whose records are being dropped for clock skew (set only when there are some). */
  clockSkew?: SkewedExporter[];
  /** The collector process running it (distributed mode); absent when a worker runs it. */
  collector?: string;
}

export interface DeviceFreshness {
  id: number;
  name: string;
  site: string;
  status: string;
  /** Newest telemetry minute stored (data time); null before any. */
  lastSeenAt: string | null;
  /** How far its newest data is behind the fleet's newest (ms); null when it never reported. */
  behindMs: number | null;
  stale: boolean;
}

export interface IngestHealth {
  worker: "up" | "down";
  /** Newest heartbeat of any worker (ISO); null when none has beaten. */
  beatAt: string | null;
  feeds: IngestFeed[];
  /** Sum over running feeds; null when the worker is down or has not measured a rate yet. */
  recordsPerSec: number | null;
  /** Who may write telemetry and inventory (from the running workers); null when no worker reports it. */
  inventory?: InventoryPolicy | null;
  devices: {
    total: number;
    stale: number;
    /** The newest telemetry of any device (data time). */
    newestDataAt: string | null;
    /** Stale devices first, then the longest silent; at most OVERVIEW_DEVICE_ROWS. */
    rows: DeviceFreshness[];
  };
}

export interface OverviewView {
  generatedAt: string;
  openByType: OpenAlertsOfType[];
  alertsPerHour: HourBucket[];
  falsePositives: FalsePositiveRate;
  ingest: IngestHealth;
  /** Today's AI triage spend against its budget (added by the route, which knows the settings). */
  aiSpend?: AiSpendView;
}

/** Start of the first of `hours` hourly buckets ending with the hour that contains `now`. */
export function firstHourStart(now: Date, hours = OVERVIEW_HOURS): Date {
  return new Date(Math.floor(now.getTime() / HOUR) * HOUR - (hours - 1) * HOUR);
}

/** Every hour of the window, oldest first, with zeros where no alert was counted. */
export function fillHourBuckets(
  counts: readonly { hour: Date; severity: keyof SeverityCounts; count: number }[],
  now: Date,
  hours = OVERVIEW_HOURS,
): HourBucket[] {
  const first = firstHourStart(now, hours).getTime();
  const buckets: HourBucket[] = Array.from({ length: hours }, (_, i) => ({
    hour: new Date(first + i * HOUR).toISOString(),
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
    total: 0,
  }));
  for (const c of counts) {
    const bucket = buckets[Math.floor((c.hour.getTime() - first) / HOUR)];
    if (!bucket || !SEVERITIES.includes(c.severity)) continue;
    bucket[c.severity] += c.count;
    bucket.total += c.count;
  }
  return buckets;
}

/** The window's UTC days, oldest first (zeros where nobody judged), and the totals over them. */
export function falsePositiveRate(perDay: readonly { day: string; judged: number; falsePositives: number }[], dayList: readonly string[]): FalsePositiveRate {
  const byDay = new Map(perDay.map((d) => [d.day, d]));
  const filled = dayList.map((day) => {
    const d = byDay.get(day);
    const judged = d?.judged ?? 0;
    const falsePositives = d?.falsePositives ?? 0;
    return { day, judged, falsePositives, rate: judged > 0 ? falsePositives / judged : null };
  });
  const judged = filled.reduce((n, d) => n + d.judged, 0);
  const falsePositives = filled.reduce((n, d) => n + d.falsePositives, 0);
  return { days: dayList.length, judged, falsePositives, rate: judged > 0 ? falsePositives / judged : null, perDay: filled };
}

/**
 * Staleness is measured against the fleet's newest telemetry, not the wall clock: in the demo the
 * simulator replays on a virtual clock that may run hours behind, and a stopped collector already
 * shows in the feeds. A device that never reported is stale.
 */
export function deviceFreshness(
  devices: readonly { id: number; name: string; site: string; status: string; lastSeenAt: Date | null }[],
  limit = OVERVIEW_DEVICE_ROWS,
): IngestHealth["devices"] {
  const newest = devices.reduce<number | null>((max, d) => (d.lastSeenAt && (max === null || d.lastSeenAt.getTime() > max) ? d.lastSeenAt.getTime() : max), null);
  const rows = devices.map((d): DeviceFreshness => {
    const behindMs = d.lastSeenAt && newest !== null ? newest - d.lastSeenAt.getTime() : null;
    return {
      id: d.id,
      name: d.name,
      site: d.site,
      status: d.status,
      lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
      behindMs,
      stale: behindMs === null || behindMs > STALE_BEHIND_MS,
    };
  });
  // stale first; among them and among the rest, the longest silent (never reported counts as longest) first
  rows.sort((a, b) => Number(b.stale) - Number(a.stale) || (b.behindMs ?? Infinity) - (a.behindMs ?? Infinity) || a.name.localeCompare(b.name));
  return {
    total: rows.length,
    stale: rows.filter((r) => r.stale).length,
    newestDataAt: newest === null ? null : new Date(newest).toISOString(),
    rows: rows.slice(0, limit),
  };
}

/**
 * Collectors and records per second from the workers' heartbeats. A worker whose heartbeat is older
 * than `staleMs` is down, and so is everything it ran.
 */
export function ingestFeeds(
  heartbeats: readonly HeartbeatRow[],
  now: Date,
  staleMs: number,
): Pick<IngestHealth, "worker" | "beatAt" | "feeds" | "recordsPerSec"> {
  const live = heartbeats.filter((h) => now.getTime() - h.beatAt.getTime() < staleMs);
  const workers = heartbeats.filter((h) => !isCollectorHeartbeat(h));
  const newestBeat = workers.reduce<Date | null>((max, h) => (max === null || h.beatAt > max ? h.beatAt : max), null);
  const feeds = live.flatMap((h) =>
    (Array.isArray(h.info.collectors) ? h.info.collectors : []).flatMap(toFeed).map((f) => (isCollectorHeartbeat(h) ? { ...f, collector: h.id } : f)),
  );
  const rates = feeds.filter((f) => f.up && f.recordsPerSec !== null).map((f) => f.recordsPerSec!);
  return {
    // a collector process beating says nothing of whether any worker stores and judges what it sends
    worker: live.some((h) => !isCollectorHeartbeat(h)) ? "up" : "down",
    beatAt: newestBeat?.toISOString() ?? null,
    feeds,
    recordsPerSec: rates.length > 0 ? rates.reduce((a, b) => a + b, 0) : null,
  };
}

/** One feed from a heartbeat written by any worker version (older ones reported only name and ports). */
function toFeed(raw: HeartbeatFeed): IngestFeed[] {
  if (!raw || typeof raw.name !== "string") return [];
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const clockSkew = Array.isArray(raw.clockSkew) ? raw.clockSkew.filter(isSkewedExporter) : [];
  return [
    {
      name: raw.name,
      up: raw.up !== false,
      error: typeof raw.error === "string" ? raw.error : null,
      records: num(raw.records),
      recordsPerSec: num(raw.recordsPerSec),
      ...(clockSkew.length > 0 ? { clockSkew } : {}),
    },
  ];
}

function isSkewedExporter(v: unknown): v is SkewedExporter {
  const e = v as SkewedExporter;
  return (
    typeof e === "object" && e !== null && typeof e.exporter === "string" && Number.isFinite(e.skewSec) &&
    Number.isFinite(e.records) && typeof e.lastAt === "string"
  );
}

/** The collectors' source policy and discovery cap, as the running workers report them. */
export interface InventoryPolicy {
  /** CIDRs the collectors accept; empty = every source (COLLECTOR_ALLOWED_SOURCES unset). */
  allowedSources: string[];
  maxNewPerHour: number | null;
  /** Sightings of new devices refused by the discovery cap since the workers started. */
  notAddedTotal: number;
  /** Syslog hostnames of another device claimed from a different address (ignored). */
  untrustedHostnames: number;
}

/** The inventory policy of the live workers (merged: a source accepted by any of them is accepted). */
export function inventoryPolicy(heartbeats: readonly HeartbeatRow[], now: Date, staleMs: number): InventoryPolicy | null {
  const live = heartbeats.filter((h) => now.getTime() - h.beatAt.getTime() < staleMs && Array.isArray(h.info.allowedSources));
  if (live.length === 0) return null;
  const everything = live.some((h) => h.info.allowedSources!.length === 0);
  return {
    allowedSources: everything ? [] : [...new Set(live.flatMap((h) => h.info.allowedSources!))],
    maxNewPerHour: live[0]!.info.discovery?.maxNewPerHour ?? null,
    notAddedTotal: live.reduce((n, h) => n + (h.info.discovery?.notAddedTotal ?? 0), 0),
    untrustedHostnames: live.reduce((n, h) => n + (h.info.discovery?.untrustedHostnames ?? 0), 0),
  };
}
