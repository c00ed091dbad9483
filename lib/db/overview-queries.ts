// What the Overview page reads: open alerts by type, alerts per hour, the false-positive rate from
// verdicts and ingest health, in one round of parallel queries. Built to stay fast with a million
// alerts: every alert query is a range over an index (status, or created_at), never a full scan.
import type { Severity } from "@prisma/client";
import { SEVERITIES } from "../alerts/alert-view";
import {
  deviceFreshness,
  falsePositiveRate,
  fillHourBuckets,
  firstHourStart,
  ingestFeeds,
  inventoryPolicy,
  OVERVIEW_FP_DAYS,
  OVERVIEW_HOURS,
  type FalsePositiveRate,
  type HourBucket,
  type OpenAlertsOfType,
  type OverviewView,
} from "../dashboards/overview-view";
import type { DbClient } from "./client";
import { lastUtcDays } from "./tuning-queries";
import { HEARTBEAT_STALE_MS, listHeartbeats } from "./worker-heartbeat-queries";

export async function overview(db: DbClient, now: Date): Promise<OverviewView> {
  const [openByType, alertsPerHour, falsePositives, heartbeats, devices] = await Promise.all([
    openAlertsByType(db),
    alertsPerHourBySeverity(db, now),
    falsePositiveRateFromVerdicts(db, now),
    listHeartbeats(db),
    db.device.findMany({ select: { id: true, name: true, site: true, status: true, lastSeenAt: true } }),
  ]);
  return {
    generatedAt: now.toISOString(),
    openByType,
    alertsPerHour,
    falsePositives,
    ingest: {
      ...ingestFeeds(heartbeats, now, HEARTBEAT_STALE_MS),
      inventory: inventoryPolicy(heartbeats, now, HEARTBEAT_STALE_MS),
      devices: deviceFreshness(devices),
    },
  };
}

/** Open and acknowledged alerts per alert_type, most first (reads the (status, created_at) index). */
export async function openAlertsByType(db: DbClient): Promise<OpenAlertsOfType[]> {
  const grouped = await db.alert.groupBy({
    by: ["alertType"],
    where: { status: { in: ["open", "acknowledged"] } },
    _count: { _all: true },
  });
  return grouped
    .map((g) => ({ type: g.alertType, count: g._count._all }))
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

/**
 * Alerts raised per hour over the last 24 hours by severity, counted by created_at: the wall-clock
 * time the alert was stored. observed_at is the telemetry's time, which in the demo runs on the
 * simulator's virtual clock (hours behind while it catches up) and would pile alerts into the past.
 * Suppressed alerts were never raised and are left out.
 */
export async function alertsPerHourBySeverity(db: DbClient, now: Date): Promise<HourBucket[]> {
  const since = firstHourStart(now, OVERVIEW_HOURS);
  // Hours are binned from a UTC origin, not date_trunc, so the buckets do not depend on the session's time zone.
  const rows = await db.$queryRaw<{ hour: Date; severity: string; count: bigint }[]>`
    SELECT date_bin('1 hour', created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour, severity::text AS severity, count(*) AS count
    FROM alerts
    WHERE created_at >= ${since} AND status <> 'suppressed'
    GROUP BY 1, 2`;
  return fillHourBuckets(
    rows.flatMap((r) => (isSeverity(r.severity) ? [{ hour: r.hour, severity: r.severity, count: Number(r.count) }] : [])),
    now,
    OVERVIEW_HOURS,
  );
}

/**
 * Alerts that got a verdict in the last 7 UTC days (today included), each counted once on the day
 * of its first verdict in the window, and labelled by all its verdicts: a false positive when most
 * say so; a tie counts as a true positive, as on the Tuning page (lib/alerts/threshold-curve.ts).
 * Starts from feedback's created_at index: verdicts are few next to alerts.
 */
export async function falsePositiveRateFromVerdicts(db: DbClient, now: Date): Promise<FalsePositiveRate> {
  const dayList = lastUtcDays(now, OVERVIEW_FP_DAYS);
  const since = new Date(`${dayList[0]}T00:00:00Z`);
  const rows = await db.$queryRaw<{ day: string; judged: bigint; false_positives: bigint }[]>`
    SELECT to_char(first_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
           count(*) AS judged,
           count(*) FILTER (WHERE fp > tp) AS false_positives
    FROM (
      SELECT f.alert_id,
             min(f.created_at) FILTER (WHERE f.created_at >= ${since}) AS first_at,
             count(*) FILTER (WHERE f.verdict = 'true_positive') AS tp,
             count(*) FILTER (WHERE f.verdict = 'false_positive') AS fp
      FROM feedback f
      WHERE f.alert_id IN (SELECT alert_id FROM feedback WHERE created_at >= ${since})
      GROUP BY f.alert_id
    ) judged
    GROUP BY 1`;
  return falsePositiveRate(
    rows.map((r) => ({ day: r.day, judged: Number(r.judged), falsePositives: Number(r.false_positives) })),
    dayList,
  );
}

function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}
