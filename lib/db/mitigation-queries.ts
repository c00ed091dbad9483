// Mitigation storage: proposals, every status change (conditional on the status it leaves, so the
// controller and analysts never overwrite each other), the playbooks' stored settings and the AI
// approval's budget reservation. Each change is audited and appended as an event in one transaction,
// so open pages update live and a crash never leaves a change without its record.
import type { MitigationStatus, Prisma } from "@prisma/client";
import type { Severity } from "../detect/severity";
import type { MitigationRoute } from "../mitigation/bgp-speaker";
import type { GateOutcomes } from "../mitigation/gates";
import type { MitigationView, PlaybookSettingsView } from "../mitigation/mitigation-view";
import { PLAYBOOKS, type PlaybookId, type PlaybookSettings } from "../mitigation/playbooks";
import { describeRoute } from "../mitigation/route-text";
import { alertTypeTitle } from "../alerts/alert-type";
import { aiUsageToday, BUDGET_LOCK } from "./ai-analysis-queries";
import { recordAudit } from "./audit-queries";
import type { DbClient } from "./client";
import { appendEvent } from "./event-queries";
import { inTransaction } from "./in-transaction";
import { userRefs } from "./user-refs";
import type { DailyUsage } from "../ai/budget";

const withAlert = { alert: { select: { id: true, alertType: true, severity: true, device: { select: { id: true, name: true } } } } } as const;
type Row = Prisma.MitigationGetPayload<{ include: typeof withAlert }>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function toViews(db: DbClient, rows: readonly Row[]): Promise<MitigationView[]> {
  const users = await userRefs(db, rows.flatMap((r) => [r.decidedById, r.endedById]));
  return rows.map((r) => {
    const route = r.route as unknown as MitigationRoute;
    const playbookId = r.playbookId as PlaybookId;
    return {
      id: r.id,
      alert: { id: r.alert.id, type: r.alert.alertType, title: alertTypeTitle(r.alert.alertType), severity: r.alert.severity as Severity, device: r.alert.device },
      campaignId: r.campaignId,
      playbookId,
      playbookTitle: PLAYBOOKS[playbookId]?.title ?? r.playbookId,
      route,
      routeKey: r.routeKey,
      routeText: describeRoute(route),
      status: r.status,
      reason: r.reason,
      gates: r.gates as unknown as GateOutcomes,
      automatic: r.automatic,
      dryRun: r.dryRun,
      ttlMinutes: r.ttlMinutes,
      expiresAt: r.expiresAt.toISOString(),
      activatedAt: iso(r.activatedAt),
      decidedBy: r.decidedById === null ? null : (users.get(r.decidedById) ?? null),
      decidedAt: iso(r.decidedAt),
      endedBy: r.endedById === null ? null : (users.get(r.endedById) ?? null),
      endedAt: iso(r.endedAt),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  });
}

export async function getMitigationView(db: DbClient, id: number): Promise<MitigationView | null> {
  const row = await db.mitigation.findUnique({ where: { id }, include: withAlert });
  return row ? (await toViews(db, [row]))[0]! : null;
}

export interface MitigationFilter {
  alertId?: number;
  /** Mitigations proposed for the campaign, or for alerts now in it. */
  campaignId?: number;
  statuses?: readonly MitigationStatus[];
  limit: number;
}

export async function listMitigations(db: DbClient, f: MitigationFilter): Promise<MitigationView[]> {
  const where: Prisma.MitigationWhereInput = {
    ...(f.alertId !== undefined ? { alertId: f.alertId } : {}),
    ...(f.campaignId !== undefined ? { OR: [{ campaignId: f.campaignId }, { alert: { campaignId: f.campaignId } }] } : {}),
    ...(f.statuses ? { status: { in: [...f.statuses] } } : {}),
  };
  const rows = await db.mitigation.findMany({ where, include: withAlert, orderBy: { id: "desc" }, take: f.limit });
  return toViews(db, rows);
}

export interface NewMitigation {
  alertId: number;
  campaignId: number | null;
  playbookId: PlaybookId;
  route: MitigationRoute;
  routeKey: string;
  status: "proposed" | "approved";
  reason: string;
  gates: GateOutcomes;
  automatic: boolean;
  dryRun: boolean;
  ttlMinutes: number;
  expiresAt: Date;
  now: Date;
}

/** Records a proposal (audited, an event); null when the alert already has one from this playbook. */
export async function createMitigation(db: DbClient, m: NewMitigation): Promise<MitigationView | null> {
  return inTransaction(db, async (tx) => {
    const exists = await tx.mitigation.findUnique({ where: { alertId_playbookId: { alertId: m.alertId, playbookId: m.playbookId } }, select: { id: true } });
    if (exists) return null;
    const row = await tx.mitigation.create({
      data: {
        alertId: m.alertId,
        campaignId: m.campaignId,
        playbookId: m.playbookId,
        route: m.route as unknown as Prisma.InputJsonValue,
        routeKey: m.routeKey,
        status: m.status,
        reason: m.reason,
        gates: m.gates as unknown as Prisma.InputJsonValue,
        automatic: m.automatic,
        dryRun: m.dryRun,
        ttlMinutes: m.ttlMinutes,
        expiresAt: m.expiresAt,
        ...(m.status === "approved" ? { decidedAt: m.now } : {}),
        createdAt: m.now,
      },
      include: withAlert,
    });
    const view = (await toViews(tx, [row]))[0]!;
    await recordAudit(tx, { actorId: null, action: `mitigation.${m.status === "approved" ? "auto_approve" : "propose"}`, entityType: "mitigation", entityId: row.id, after: { status: m.status, route: view.routeText, gates: m.gates, reason: m.reason } });
    await appendEvent(tx, "mitigation.updated", view);
    return view;
  });
}

export interface Transition {
  /** The statuses the change may leave; anything else and nothing changes (null). */
  from: readonly MitigationStatus[];
  data: Prisma.MitigationUpdateManyMutationInput;
  /** The audit action, e.g. "mitigation.approve". */
  action: string;
  actorId: number | null;
  /** Extra facts for the audit entry. */
  detail?: Record<string, unknown>;
}

/** Changes a mitigation if it is still in one of `from` (audited, an event); null when it was not. */
export async function transitionMitigation(db: DbClient, id: number, t: Transition): Promise<MitigationView | null> {
  return inTransaction(db, async (tx) => {
    const before = await tx.mitigation.findUnique({ where: { id }, select: { status: true, expiresAt: true } });
    if (!before) return null;
    const res = await tx.mitigation.updateMany({ where: { id, status: { in: [...t.from] } }, data: t.data });
    if (res.count === 0) return null;
    const view = (await getMitigationView(tx, id))!;
    await recordAudit(tx, {
      actorId: t.actorId,
      action: t.action,
      entityType: "mitigation",
      entityId: id,
      before: { status: before.status, expiresAt: before.expiresAt },
      after: { status: view.status, expiresAt: view.expiresAt, reason: view.reason, route: view.routeText, ...t.detail },
    });
    await appendEvent(tx, "mitigation.updated", view);
    return view;
  });
}

/** An audit entry about a route the controller touched outside any row's status change (orphans). */
export async function auditRouteAction(db: DbClient, action: string, routeKey: string, detail: Record<string, unknown>): Promise<void> {
  await recordAudit(db, { actorId: null, action, entityType: "mitigation_route", entityId: routeKey, after: detail });
}

/** The rows the controller acts on: everything still proposed, approved or active. */
export function openMitigations(db: DbClient) {
  return db.mitigation.findMany({
    where: { status: { in: ["proposed", "approved", "active"] } },
    select: { id: true, status: true, route: true, routeKey: true, expiresAt: true, ttlMinutes: true },
    orderBy: { id: "asc" },
  });
}

/** What a playbook needs from an alert to propose for it. */
export interface CandidateAlert {
  id: number;
  alertType: string;
  severity: Severity;
  updatedAt: Date;
  evidence: unknown;
  campaignId: number | null;
  campaignConfidence: number | null;
  device: { address: string | null; role: string; site: string; name: string };
  explanation: string;
  observedAt: Date;
}

/**
 * Open alerts of the given types changed after `since` (new, or grown by a repeat: a severity can rise)
 * with no mitigation yet, oldest change first.
 */
export async function mitigationCandidates(db: DbClient, since: Date, alertTypes: readonly string[], severities: readonly Severity[], take: number): Promise<CandidateAlert[]> {
  const rows = await db.alert.findMany({
    where: { status: "open", alertType: { in: [...alertTypes] }, severity: { in: [...severities] }, updatedAt: { gt: since }, mitigations: { none: {} } },
    select: {
      id: true,
      alertType: true,
      severity: true,
      updatedAt: true,
      evidence: true,
      campaignId: true,
      explanation: true,
      observedAt: true,
      campaign: { select: { confidence: true } },
      device: { select: { managementIp: true, role: true, site: true, name: true } },
    },
    orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
    take,
  });
  return rows.map((r) => ({
    id: r.id,
    alertType: r.alertType,
    severity: r.severity as Severity,
    updatedAt: r.updatedAt,
    evidence: r.evidence,
    campaignId: r.campaignId,
    campaignConfidence: r.campaign?.confidence ?? null,
    device: { address: r.device.managementIp, role: r.device.role, site: r.device.site, name: r.device.name },
    explanation: r.explanation,
    observedAt: r.observedAt,
  }));
}

/** Playbook settings: the stored ones over each definition's defaults. */
export async function readPlaybookSettings(db: DbClient): Promise<PlaybookSettingsView[]> {
  const stored = new Map((await db.mitigationPlaybookSetting.findMany()).map((s) => [s.playbookId, s]));
  return Object.values(PLAYBOOKS).map((p) => {
    const s = stored.get(p.id);
    return {
      id: p.id,
      title: p.title,
      description: p.description,
      alertTypes: p.alertTypes,
      enabled: s?.enabled ?? p.defaults.enabled,
      automatic: s?.automatic ?? p.defaults.automatic,
      ttlMinutes: s?.ttlMinutes ?? p.defaults.ttlMinutes,
    };
  });
}

export async function savePlaybookSettings(db: DbClient, id: PlaybookId, settings: PlaybookSettings, actorId: number): Promise<PlaybookSettingsView> {
  return inTransaction(db, async (tx) => {
    const before = (await readPlaybookSettings(tx)).find((p) => p.id === id)!;
    await tx.mitigationPlaybookSetting.upsert({ where: { playbookId: id }, create: { playbookId: id, ...settings }, update: settings });
    await recordAudit(tx, {
      actorId,
      action: "mitigation_playbook.update",
      entityType: "mitigation_playbook",
      entityId: id,
      before: { enabled: before.enabled, automatic: before.automatic, ttlMinutes: before.ttlMinutes },
      after: settings,
    });
    return { ...before, ...settings };
  });
}

/**
 * Reserves the AI approval call of one mitigation against the day's AI budget (the triage calls' lock
 * and tally): allowed → the row holds the call's worst-case cost until completeApprovalCall.
 */
export async function reserveApprovalCall(
  db: DbClient,
  id: number,
  reserveUsd: number,
  now: Date,
  decide: (usage: DailyUsage) => { allowed: true } | { allowed: false; reason: string },
): Promise<{ allowed: true } | { allowed: false; reason: string }> {
  return inTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BUDGET_LOCK})`;
    const decision = decide(await aiUsageToday(tx, now));
    if (decision.allowed) await tx.mitigation.update({ where: { id }, data: { aiCalledAt: now, aiCostUsd: reserveUsd } });
    return decision;
  });
}

/** The AI gate's outcome and the call's real cost. */
export async function completeApprovalCall(db: DbClient, id: number, costUsd: number): Promise<void> {
  await db.mitigation.update({ where: { id }, data: { aiCostUsd: costUsd } });
}

/** How many mitigations are proposed, approved and active now. */
export async function countOpenMitigations(db: DbClient): Promise<{ proposed: number; approved: number; active: number }> {
  const groups = await db.mitigation.groupBy({ by: ["status"], where: { status: { in: ["proposed", "approved", "active"] } }, _count: { _all: true } });
  const n = (s: MitigationStatus) => groups.find((g) => g.status === s)?._count._all ?? 0;
  return { proposed: n("proposed"), approved: n("approved"), active: n("active") };
}
