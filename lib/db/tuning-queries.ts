// What the tuning page asks of stored alerts: how many a detector would have raised per day at a
// threshold ("what if"), and the labels on its alerts (precision / recall / F1): analysts' verdicts and
// scenario ground truth.
import { Prisma } from "@prisma/client";
import type { OverrideScope } from "../alerts/alert-thresholds";
import { verdictLabel, type LabelledScore } from "../alerts/threshold-curve";
import type { DbClient } from "./client";

const DAY = 86_400_000;

export interface AlertScope {
  detector: string;
  /** Limit to a role's or a device's alerts (names compared case-insensitively, like overrides). */
  scope: OverrideScope;
  target?: string | null;
}

function deviceFilter({ scope, target }: AlertScope): Prisma.Sql {
  if (scope === "role" && target) return Prisma.sql`AND lower(d.role) = lower(${target})`;
  if (scope === "device" && target) return Prisma.sql`AND lower(d.name) = lower(${target})`;
  return Prisma.empty;
}

/** The `days` UTC days up to and including the day of `now`, oldest first ("2026-11-17"). */
export function lastUtcDays(now: Date, days: number): string[] {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY).toISOString().slice(0, 10));
}

/**
 * Stored alerts of the detector with score ≥ `threshold`, per UTC day of their observation over the
 * last `days` days (today included). Suppressed alerts are left out: they were never raised and a
 * threshold would not change that.
 */
export async function alertsPerDayAtThreshold(
  db: DbClient,
  args: AlertScope & { threshold: number; now: Date; days?: number },
): Promise<{ day: string; alerts: number }[]> {
  const dayList = lastUtcDays(args.now, args.days ?? 7);
  const since = new Date(`${dayList[0]}T00:00:00Z`);
  const rows = await db.$queryRaw<{ day: string; alerts: bigint }[]>`
    SELECT to_char(date_trunc('day', a.observed_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*) AS alerts
    FROM alerts a JOIN devices d ON d.id = a.device_id
    WHERE a.detector = ${args.detector}
      AND a.score >= ${args.threshold}
      AND a.status <> 'suppressed'
      AND a.observed_at >= ${since}
      ${deviceFilter(args)}
    GROUP BY 1`;
  const byDay = new Map(rows.map((r) => [r.day, Number(r.alerts)]));
  return dayList.map((day) => ({ day, alerts: byDay.get(day) ?? 0 }));
}

/** Score and label of every alert of the detector that has at least one verdict. */
export async function labelledScores(db: DbClient, args: AlertScope): Promise<LabelledScore[]> {
  const rows = await db.$queryRaw<{ score: number; tp: bigint; fp: bigint }[]>`
    SELECT a.score,
           count(*) FILTER (WHERE f.verdict = 'true_positive') AS tp,
           count(*) FILTER (WHERE f.verdict = 'false_positive') AS fp
    FROM alerts a
      JOIN devices d ON d.id = a.device_id
      JOIN feedback f ON f.alert_id = a.id
    WHERE a.detector = ${args.detector}
      ${deviceFilter(args)}
    GROUP BY a.id, a.score`;
  return rows.flatMap((r) => {
    const positive = verdictLabel(Number(r.tp), Number(r.fp));
    return positive === undefined ? [] : [{ score: Number(r.score), positive }];
  });
}

/**
 * Scores labelled by scenario ground truth (the live demo's incidents, evaluation runs), leaving out
 * alerts an analyst has judged: their verdict is the label that counts.
 */
export async function scenarioLabelledScores(db: DbClient, args: AlertScope): Promise<LabelledScore[]> {
  const { scope, target } = args;
  const filter =
    scope === "role" && target
      ? Prisma.sql`AND lower(s.device_role) = lower(${target})`
      : scope === "device" && target
        ? Prisma.sql`AND lower(s.device_name) = lower(${target})`
        : Prisma.empty;
  const rows = await db.$queryRaw<{ score: number; positive: boolean }[]>`
    SELECT s.score, s.positive
    FROM scenario_labels s
    WHERE s.detector = ${args.detector}
      AND (s.alert_id IS NULL OR NOT EXISTS (SELECT 1 FROM feedback f WHERE f.alert_id = s.alert_id))
      ${filter}`;
  return rows.map((r) => ({ score: Number(r.score), positive: r.positive }));
}

/** The device with this name (case-insensitive, as overrides match), or null. */
export function findDeviceByName(db: DbClient, name: string): Promise<{ id: number; name: string; role: string } | null> {
  return db.device.findFirst({
    where: { name: { equals: name, mode: "insensitive" } },
    select: { id: true, name: true, role: true },
  });
}
