// Baselines are versioned per device: a retrain writes version n+1 and keeps the two before it, so
// a bad retrain can be inspected. Within a version, a bucket held by the growth cap has two rows:
// the previous statistics as "active" (what detection uses) and the proposal as "pending" until an
// analyst approves it (it becomes the active row) or rejects it (it is dropped).
import type { Baseline } from "@prisma/client";
import { bucketGrowth, type BaselineRow, type TimeRange } from "../detect/baseline/hour-of-week-baseline";
import { isMetricName } from "../telemetry/metrics";
import { recordAudit } from "./audit-queries";
import type { DbClient } from "./client";

const KEEP_VERSIONS = 3;

export type BaselineStatus = "active" | "pending";

/** A proposed bucket awaiting an analyst's decision, next to the bucket in use instead of it. */
export interface PendingBaseline {
  /** Id of the pending row; what approve/reject take. */
  id: number;
  deviceId: number;
  version: number;
  trainedAt: Date;
  proposed: BaselineRow;
  /** The active bucket of the same metric and hour in that version; null if it has since gone. */
  current: BaselineRow | null;
  /** Relative growth of median or p95 from current to proposed (0.5 = +50 %); null without current. */
  growth: number | null;
}

/**
 * Writes a new version for the device: `rows` as active, `pending` (held proposals) as pending,
 * in one statement so a reader never sees half a version. Returns the version number.
 */
export async function saveBaselines(
  db: DbClient,
  deviceId: number,
  rows: readonly BaselineRow[],
  trainedAt: Date,
  pending: readonly BaselineRow[] = [],
): Promise<number> {
  const latest = await db.baseline.aggregate({ where: { deviceId }, _max: { version: true } });
  const version = (latest._max.version ?? 0) + 1;
  const toData = (r: BaselineRow, status: BaselineStatus) => ({
    deviceId,
    metric: r.metric,
    hourOfWeek: r.hourOfWeek,
    mean: r.mean,
    std: r.std,
    median: r.median,
    p05: r.p05 ?? null,
    p25: r.p25 ?? null,
    p75: r.p75 ?? null,
    p95: r.p95,
    p99: r.p99,
    mad: r.mad ?? null,
    sampleCount: r.sampleCount,
    version,
    status,
    trainedAt,
  });
  await db.baseline.createMany({
    data: [...rows.map((r) => toData(r, "active")), ...pending.map((r) => toData(r, "pending"))],
  });
  await db.baseline.deleteMany({ where: { deviceId, version: { lte: version - KEEP_VERSIONS } } });
  return version;
}

/**
 * A token that changes whenever the baselines detection uses may have changed: a retrain writes new rows
 * (the newest id grows), an analyst's approval or rejection is audited. Two index lookups, so a worker
 * can ask every few seconds whether to reload (the leader trains; the other workers and the web app's
 * approvals must reach every worker's running pipeline).
 */
export async function baselineGeneration(db: DbClient): Promise<string> {
  const [rows, decisions] = await Promise.all([
    db.baseline.aggregate({ _max: { id: true } }),
    db.auditLog.aggregate({ where: { entityType: "baseline" }, _max: { id: true } }),
  ]);
  return `${rows._max.id ?? 0}:${decisions._max.id ?? 0}`;
}

/** The active rows of each device's latest baseline version, grouped by device id. */
export async function loadLatestBaselines(db: DbClient): Promise<Map<number, { trainedAt: Date; rows: BaselineRow[] }>> {
  const out = new Map<number, { trainedAt: Date; rows: BaselineRow[] }>();
  for (const r of await latestVersionRows(db, "active")) {
    const entry = out.get(r.deviceId) ?? { trainedAt: r.trainedAt, rows: [] };
    entry.rows.push(toBaselineRow(r));
    out.set(r.deviceId, entry);
  }
  return out;
}

/**
 * Held buckets awaiting approval, from each device's latest version only: an older proposal was
 * either re-proposed by the retrain that superseded it or is no longer wanted.
 */
export async function listPendingBaselines(db: DbClient, filter: { deviceId?: number } = {}): Promise<PendingBaseline[]> {
  const pending = await latestVersionRows(db, "pending", filter.deviceId);
  if (pending.length === 0) return [];
  const active = await db.baseline.findMany({
    where: {
      status: "active",
      OR: pending.map((p) => ({ deviceId: p.deviceId, version: p.version, metric: p.metric, hourOfWeek: p.hourOfWeek })),
    },
  });
  const activeByKey = new Map(active.map((a) => [rowKey(a), a]));
  return pending
    .sort((a, b) => a.deviceId - b.deviceId || a.metric.localeCompare(b.metric) || a.hourOfWeek - b.hourOfWeek)
    .map((p) => {
      const current = activeByKey.get(rowKey(p));
      return {
        id: p.id,
        deviceId: p.deviceId,
        version: p.version,
        trainedAt: p.trainedAt,
        proposed: toBaselineRow(p),
        current: current ? toBaselineRow(current) : null,
        growth: current && isMetricName(p.metric) ? bucketGrowth(p.metric, current, p) : null,
      };
    });
}

/**
 * Makes a held proposal the active bucket of its version (replacing the previous statistics carried
 * there) and audits who did it. False when `id` is not a pending row of its device's latest version
 * (unknown, already decided, or superseded by a newer retrain).
 */
export async function approvePendingBaseline(db: DbClient, args: { id: number; actorId: number | null }): Promise<boolean> {
  if ("$transaction" in db) return db.$transaction((tx) => approvePendingBaseline(tx, args));
  const pending = await currentPendingRow(db, args.id);
  if (!pending) return false;
  const replaced = await db.baseline.findFirst({ where: { ...sameBucket(pending), status: "active" } });
  if (replaced) await db.baseline.delete({ where: { id: replaced.id } });
  await db.baseline.update({ where: { id: pending.id }, data: { status: "active" } });
  await audit(db, "baseline.approve", pending, args.actorId, replaced);
  return true;
}

/**
 * Drops a held proposal; the previous statistics stay in use. A later retrain proposes again if the
 * growth persists. False under the same conditions as `approvePendingBaseline`.
 */
export async function rejectPendingBaseline(db: DbClient, args: { id: number; actorId: number | null }): Promise<boolean> {
  if ("$transaction" in db) return db.$transaction((tx) => rejectPendingBaseline(tx, args));
  const pending = await currentPendingRow(db, args.id);
  if (!pending) return false;
  await db.baseline.delete({ where: { id: pending.id } });
  const kept = await db.baseline.findFirst({ where: { ...sameBucket(pending), status: "active" } });
  await audit(db, "baseline.reject", pending, args.actorId, kept);
  return true;
}

/**
 * Per device, the data-time ranges of alerts an analyst confirmed as true positives, widened by
 * `marginMs` each side, that overlap [from, until): training skips them so an attack does not
 * become normal. One true-positive verdict suffices, even against other users' false-positive
 * ones: leaving out a few good minutes costs little, learning an attack costs detection.
 */
export async function confirmedIncidentRanges(
  db: DbClient,
  args: { deviceIds: readonly number[]; from: Date; until: Date; marginMs: number },
): Promise<Map<number, TimeRange[]>> {
  const out = new Map<number, TimeRange[]>();
  if (args.deviceIds.length === 0) return out;
  const alerts = await db.alert.findMany({
    where: {
      deviceId: { in: [...args.deviceIds] },
      feedback: { some: { verdict: "true_positive" } },
      observedAt: { lt: new Date(args.until.getTime() + args.marginMs) },
      lastSeenAt: { gte: new Date(args.from.getTime() - args.marginMs) },
    },
    select: { deviceId: true, observedAt: true, lastSeenAt: true },
    orderBy: { observedAt: "asc" },
  });
  for (const a of alerts) {
    const ranges = out.get(a.deviceId) ?? [];
    ranges.push({
      start: new Date(a.observedAt.getTime() - args.marginMs),
      // lastSeenAt is the start of the last minute seen: the range ends after that minute.
      end: new Date(Math.max(a.observedAt.getTime(), a.lastSeenAt.getTime()) + 60_000 + args.marginMs),
    });
    out.set(a.deviceId, ranges);
  }
  return out;
}

/** Rows of the given status from each device's latest version (optionally one device's). */
async function latestVersionRows(db: DbClient, status: BaselineStatus, deviceId?: number): Promise<Baseline[]> {
  const versions = await db.baseline.groupBy({
    by: ["deviceId"],
    where: deviceId === undefined ? undefined : { deviceId },
    _max: { version: true },
  });
  if (versions.length === 0) return [];
  return db.baseline.findMany({
    where: { status, OR: versions.map((v) => ({ deviceId: v.deviceId, version: v._max.version ?? 0 })) },
  });
}

async function currentPendingRow(db: DbClient, id: number): Promise<Baseline | null> {
  const row = await db.baseline.findUnique({ where: { id } });
  if (!row || row.status !== "pending") return null;
  const latest = await db.baseline.aggregate({ where: { deviceId: row.deviceId }, _max: { version: true } });
  return row.version === latest._max.version ? row : null;
}

function sameBucket(row: Baseline) {
  return { deviceId: row.deviceId, version: row.version, metric: row.metric, hourOfWeek: row.hourOfWeek };
}

function rowKey(row: Pick<Baseline, "deviceId" | "version" | "metric" | "hourOfWeek">): string {
  return `${row.deviceId}:${row.version}:${row.metric}:${row.hourOfWeek}`;
}

/** Who decided what: the bucket in use and the proposal before, the decision after. */
async function audit(db: DbClient, action: "baseline.approve" | "baseline.reject", pending: Baseline, actorId: number | null, current: Baseline | null) {
  const summary = (r: Baseline) => ({ median: r.median, p95: r.p95, sampleCount: r.sampleCount });
  await recordAudit(db, {
    actorId,
    action,
    entityType: "baseline",
    entityId: pending.id,
    before: { ...sameBucket(pending), current: current ? summary(current) : null, proposed: summary(pending) },
    after: { decision: action === "baseline.approve" ? "approved" : "rejected" },
  });
}

function toBaselineRow(r: Baseline): BaselineRow {
  return {
    metric: r.metric,
    hourOfWeek: r.hourOfWeek,
    mean: r.mean,
    std: r.std,
    median: r.median,
    p05: r.p05,
    p25: r.p25,
    p75: r.p75,
    p95: r.p95,
    p99: r.p99,
    mad: r.mad,
    sampleCount: r.sampleCount,
  };
}

/** The device's newest baseline version, or null before its first training. */
export async function latestBaselineVersion(db: DbClient, deviceId: number): Promise<number | null> {
  const latest = await db.baseline.aggregate({ where: { deviceId }, _max: { version: true } });
  return latest._max.version;
}

/** One device's active buckets of one metric from its newest version, by hour of week. */
export async function latestDeviceMetricBaselines(db: DbClient, deviceId: number, metric: string): Promise<Baseline[]> {
  const version = await latestBaselineVersion(db, deviceId);
  if (version === null) return [];
  return db.baseline.findMany({ where: { deviceId, metric, version, status: "active" }, orderBy: { hourOfWeek: "asc" } });
}
