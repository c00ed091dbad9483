// Alert reads for the API and the live stream, with keyset pagination on (created_at, id) so deep
// pages cost the same as the first.
import type { AlertStatus, Prisma, Severity, Verdict } from "@prisma/client";
import { alertTypeTitle } from "../alerts/alert-type";
import type { AlertFilterOptions, AlertPage, AlertView, SeverityCounts } from "../alerts/alert-view";
import { recommendedActionsFor } from "../alerts/recommended-actions";
import { badRequest } from "../http/app-error";
import type { DbClient } from "./client";

export interface AlertFilter {
  status?: AlertStatus[];
  severity?: Severity[];
  /** Alert types (alert_type), e.g. ddos, exfiltration, metric_spike. */
  type?: string[];
  detector?: string[];
  deviceId?: number[];
  site?: string[];
  /** Only alerts assigned to this user. */
  assigneeId?: number;
  /** Raised at or after (created_at). */
  from?: Date;
  /** Raised before (created_at). */
  to?: Date;
  cursor?: string;
  limit?: number;
}

const alertWithDevice = {
  device: { select: { id: true, name: true, role: true, site: true } },
  assignee: { select: { id: true, name: true } },
  _count: { select: { notes: true } },
} satisfies Prisma.AlertInclude;

type AlertRow = Prisma.AlertGetPayload<{ include: typeof alertWithDevice }>;

export function encodeCursor(row: { createdAt: Date; id: number }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: number } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  const n = Number(id);
  if (Number.isNaN(createdAt.getTime()) || !Number.isInteger(n)) throw badRequest("cursor: not a valid cursor", "cursor");
  return { createdAt, id: n };
}

async function feedbackSummaries(db: DbClient, alertIds: number[], viewerId: number | null) {
  const counts = new Map<number, { truePositive: number; falsePositive: number; mine: Verdict | null }>();
  for (const id of alertIds) counts.set(id, { truePositive: 0, falsePositive: 0, mine: null });
  if (alertIds.length === 0) return counts;
  const grouped = await db.feedback.groupBy({
    by: ["alertId", "verdict"],
    where: { alertId: { in: alertIds } },
    _count: { _all: true },
  });
  for (const g of grouped) {
    const c = counts.get(g.alertId)!;
    if (g.verdict === "true_positive") c.truePositive = g._count._all;
    else c.falsePositive = g._count._all;
  }
  if (viewerId !== null) {
    const mine = await db.feedback.findMany({
      where: { alertId: { in: alertIds }, userId: viewerId },
      select: { alertId: true, verdict: true },
    });
    for (const m of mine) counts.get(m.alertId)!.mine = m.verdict;
  }
  return counts;
}

function toView(row: AlertRow, feedback: AlertView["feedback"]): AlertView {
  return {
    id: row.id,
    device: row.device,
    detector: row.detector,
    anomalyType: row.anomalyType,
    severity: row.severity,
    score: row.score,
    status: row.status,
    metric: row.metric,
    observedAt: row.observedAt.toISOString(),
    observed: row.observed as AlertView["observed"],
    expected: row.expected as AlertView["expected"],
    explanation: row.explanation,
    type: row.alertType,
    title: alertTypeTitle(row.alertType),
    contributions: (row.contributions ?? []) as AlertView["contributions"],
    evidence: (row.evidence ?? null) as AlertView["evidence"],
    recommendedActions: recommendedActionsFor(row.alertType),
    campaignId: row.campaignId,
    assignee: row.assignee,
    noteCount: row._count.notes,
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    occurrences: row.occurrences,
    lastSeenAt: row.lastSeenAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    feedback,
  };
}

/** The Prisma where-clause for a filter, without the cursor (shared by the list and the CSV export). */
export function alertWhere(filter: Omit<AlertFilter, "cursor" | "limit">): Prisma.AlertWhereInput {
  const where: Prisma.AlertWhereInput = {};
  if (filter.status?.length) where.status = { in: filter.status };
  if (filter.severity?.length) where.severity = { in: filter.severity };
  if (filter.type?.length) where.alertType = { in: filter.type };
  if (filter.detector?.length) where.detector = { in: filter.detector };
  if (filter.deviceId?.length) where.deviceId = { in: filter.deviceId };
  if (filter.site?.length) where.device = { site: { in: filter.site } };
  if (filter.assigneeId !== undefined) where.assigneeId = filter.assigneeId;
  if (filter.from || filter.to) where.createdAt = { gte: filter.from, lt: filter.to };
  return where;
}

function afterCursor(cursor: string): Prisma.AlertWhereInput {
  const c = decodeCursor(cursor);
  return { OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] };
}

export async function listAlerts(db: DbClient, filter: AlertFilter, viewerId: number | null): Promise<AlertPage> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const base = alertWhere(filter);
  const where: Prisma.AlertWhereInput = filter.cursor ? { AND: [base, afterCursor(filter.cursor)] } : base;
  const rows = await db.alert.findMany({
    where,
    include: alertWithDevice,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const fb = await feedbackSummaries(db, page.map((r) => r.id), viewerId);
  const last = page[page.length - 1];
  return {
    alerts: page.map((r) => toView(r, fb.get(r.id)!)),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/** Several alerts as the API shows them, in the order of `ids` (unknown ids left out). */
export async function getAlertViews(db: DbClient, ids: readonly number[], viewerId: number | null): Promise<AlertView[]> {
  const rows = await db.alert.findMany({ where: { id: { in: [...ids] } }, include: alertWithDevice });
  const fb = await feedbackSummaries(db, rows.map((r) => r.id), viewerId);
  const byId = new Map(rows.map((r) => [r.id, toView(r, fb.get(r.id)!)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function getAlertView(db: DbClient, id: number, viewerId: number | null): Promise<AlertView | null> {
  const row = await db.alert.findUnique({ where: { id }, include: alertWithDevice });
  if (!row) return null;
  const fb = await feedbackSummaries(db, [id], viewerId);
  return toView(row, fb.get(id)!);
}

/**
 * Every alert matching a filter, newest first, in keyset pages of `batch` rows, for the CSV export:
 * memory stays flat however many rows match. Stops after `max` rows.
 */
export async function* alertsForExport(
  db: DbClient,
  filter: Omit<AlertFilter, "cursor" | "limit">,
  opts: { batch?: number; max: number },
): AsyncGenerator<AlertView[]> {
  const batch = opts.batch ?? 1000;
  const base = alertWhere(filter);
  let cursor: string | null = null;
  let sent = 0;
  while (sent < opts.max) {
    const take = Math.min(batch, opts.max - sent);
    const rows: AlertRow[] = await db.alert.findMany({
      where: cursor ? { AND: [base, afterCursor(cursor)] } : base,
      include: alertWithDevice,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take,
    });
    if (rows.length === 0) return;
    const fb = await feedbackSummaries(db, rows.map((r) => r.id), null);
    yield rows.map((r) => toView(r, fb.get(r.id)!));
    sent += rows.length;
    if (rows.length < take) return;
    cursor = encodeCursor(rows[rows.length - 1]!);
  }
}

/** The values the Anomalies filters offer: alert types and detectors present, sites and devices. */
export async function alertFilterOptions(db: DbClient): Promise<AlertFilterOptions> {
  // Loose index scans via recursive CTEs: DISTINCT over a million rows would read them all.
  const distinct = async (column: "alert_type" | "detector"): Promise<string[]> => {
    const rows = await db.$queryRawUnsafe<{ v: string }[]>(
      `WITH RECURSIVE t(v) AS (
         (SELECT ${column} FROM alerts ORDER BY ${column} LIMIT 1)
         UNION ALL
         SELECT (SELECT ${column} FROM alerts WHERE ${column} > t.v ORDER BY ${column} LIMIT 1) FROM t WHERE t.v IS NOT NULL
       ) SELECT v FROM t WHERE v IS NOT NULL`,
    );
    return rows.map((r) => r.v);
  };
  const [types, detectors, devices] = await Promise.all([
    distinct("alert_type"),
    distinct("detector"),
    db.device.findMany({ select: { id: true, name: true, site: true }, orderBy: { name: "asc" } }),
  ]);
  const sites = [...new Set(devices.map((d) => d.site))].sort();
  return { types, detectors, sites, devices: devices.map(({ id, name }) => ({ id, name })) };
}

/** Alerts needing attention (open or acknowledged) by severity. */
export async function countActiveBySeverity(db: DbClient): Promise<SeverityCounts> {
  const grouped = await db.alert.groupBy({
    by: ["severity"],
    where: { status: { in: ["open", "acknowledged"] } },
    _count: { _all: true },
  });
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const g of grouped) counts[g.severity] = g._count._all;
  return counts;
}
