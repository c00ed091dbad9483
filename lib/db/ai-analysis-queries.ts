// AI triage storage: what the analysis of an alert is built from, the analyses themselves (one row per
// attempt; a row without an analysis says why), the day's spending, and analysts' agree/disagree.
import type { AiAnalysisStatus, Prisma } from "@prisma/client";
import type { AiAnalysis } from "../ai/analysis-schema";
import { budgetDayStart, type DailyUsage } from "../ai/budget";
import type { TokenUsage } from "../ai/cost";
import type { TriageInput } from "../ai/triage-context";
import { hourOfWeek } from "../detect/baseline/hour-of-week";
import { SEVERITY_RANK } from "../detect/severity";
import { recordAudit } from "./audit-queries";
import type { DbClient } from "./client";
import { inTransaction } from "./in-transaction";
import { latestDeviceMetricBaselines } from "./baseline-queries";

const DAY_MS = 86_400_000;
/** A campaign's members sent with an analysis at most (oldest first), and each one's explanation cut to this length. */
const CAMPAIGN_MEMBERS_SENT = 20;
const MEMBER_EXPLANATION_CHARS = 400;
/** Serialises budget reservations (check + insert) across the worker and the web app. */
export const BUDGET_LOCK = 7_301_013;

/** Everything the analysis of one alert is built from; null when the alert does not exist. */
export async function gatherTriageInput(db: DbClient, alertId: number): Promise<TriageInput | null> {
  const alert = await db.alert.findUnique({ where: { id: alertId }, include: { device: true } });
  if (!alert) return null;
  const at = alert.observedAt;
  const [baselines, recent, windows, calendar, similar, campaign] = await Promise.all([
    alert.metric ? latestDeviceMetricBaselines(db, alert.deviceId, alert.metric) : Promise.resolve([]),
    db.alert.findMany({
      where: { deviceId: alert.deviceId, id: { not: alert.id }, observedAt: { gte: new Date(at.getTime() - 7 * DAY_MS), lte: at } },
      orderBy: { observedAt: "desc" },
      take: 10,
      select: { alertType: true, severity: true, observedAt: true, status: true, feedback: { select: { verdict: true } } },
    }),
    db.maintenanceWindow.findMany({
      where: { OR: [{ recurrence: { not: "none" } }, { startsAt: { lte: new Date(at.getTime() + DAY_MS) }, endsAt: { gte: new Date(at.getTime() - DAY_MS) } }] },
      take: 20,
    }),
    db.calendarEntry.findMany({
      where: { startsAt: { lte: new Date(at.getTime() + DAY_MS) }, endsAt: { gte: new Date(at.getTime() - DAY_MS) } },
      take: 20,
    }),
    db.alert.findMany({
      where: { alertType: alert.alertType, id: { not: alert.id }, observedAt: { gte: new Date(at.getTime() - 30 * DAY_MS) }, OR: [{ feedback: { some: {} } }, { notes: { some: {} } }] },
      orderBy: { observedAt: "desc" },
      take: 5,
      select: { observedAt: true, alertType: true, device: { select: { role: true } }, feedback: { select: { verdict: true, note: true } }, notes: { select: { body: true }, take: 3 } },
    }),
    alert.campaignId === null
      ? Promise.resolve(null)
      : db.campaign.findUnique({
          where: { id: alert.campaignId },
          include: {
            alerts: {
              orderBy: { observedAt: "asc" },
              take: CAMPAIGN_MEMBERS_SENT,
              select: { id: true, alertType: true, severity: true, observedAt: true, explanation: true, device: { select: { name: true } } },
            },
          },
        }),
  ]);
  const how = hourOfWeek(at);
  const b = baselines.find((r) => r.hourOfWeek === how);
  const count = (rows: { verdict: string }[], v: string) => rows.filter((r) => r.verdict === v).length;
  const config = alert.device.config as { vendor?: unknown } | null;
  const d = alert.device;
  const applies = (w: (typeof windows)[number]) =>
    w.scope === "all" || (w.scope === "device" && w.deviceIds.includes(d.id)) || (w.scope === "site" && w.scopeValue === d.site) || (w.scope === "role" && w.scopeValue === d.role);
  return {
    alert: {
      id: alert.id,
      deviceId: alert.deviceId,
      detector: alert.detector,
      alertType: alert.alertType,
      anomalyType: alert.anomalyType,
      severity: alert.severity,
      score: alert.score,
      metric: alert.metric,
      observedAt: at,
      observed: alert.observed,
      expected: alert.expected,
      explanation: alert.explanation,
      contributions: alert.contributions,
      evidence: alert.evidence,
      occurrences: alert.occurrences,
      status: alert.status,
    },
    device: { name: d.name, role: d.role, site: d.site, managementIp: d.managementIp, tags: d.tags, vendor: typeof config?.vendor === "string" ? config.vendor : null },
    baseline: b ? { hourOfWeek: how, mean: b.mean, std: b.std, median: b.median, p95: b.p95, p99: b.p99, count: b.sampleCount } : null,
    recentAlerts: recent.map((r) => ({
      alertType: r.alertType,
      severity: r.severity,
      observedAt: r.observedAt,
      status: r.status,
      truePositive: count(r.feedback, "true_positive"),
      falsePositive: count(r.feedback, "false_positive"),
    })),
    maintenance: windows.filter(applies).map((w) => ({ reason: w.reason, scope: w.scope, scopeValue: w.scopeValue, startsAt: w.startsAt, endsAt: w.endsAt, recurrence: w.recurrence })),
    calendar: calendar.map((c) => ({ name: c.name, startsAt: c.startsAt, endsAt: c.endsAt, expectedIncrease: c.expectedIncrease })),
    similar: similar.map((s) => ({
      alertType: s.alertType,
      deviceRole: s.device.role,
      observedAt: s.observedAt,
      truePositive: count(s.feedback, "true_positive"),
      falsePositive: count(s.feedback, "false_positive"),
      notes: [...s.feedback.flatMap((f) => (f.note ? [f.note] : [])), ...s.notes.map((n) => n.body)].slice(0, 5),
    })),
    campaign: campaign && {
      id: campaign.id,
      severity: campaign.severity,
      confidence: campaign.confidence,
      types: campaign.types,
      firstSeenAt: campaign.firstSeenAt,
      lastSeenAt: campaign.lastSeenAt,
      members: campaign.alerts.map((m) => ({
        alertId: m.id,
        device: m.device.name,
        alertType: m.alertType,
        severity: m.severity,
        observedAt: m.observedAt,
        explanation: m.explanation.length > MEMBER_EXPLANATION_CHARS ? `${m.explanation.slice(0, MEMBER_EXPLANATION_CHARS)}…` : m.explanation,
      })),
    },
  };
}

/** Calls made since the start of `now`'s UTC day (triage and mitigation approvals) and what they cost (in-flight calls at their reservation). */
export async function aiUsageToday(db: DbClient, now: Date): Promise<DailyUsage> {
  const since = budgetDayStart(now);
  const agg = await db.aiAnalysis.aggregate({ where: { called: true, createdAt: { gte: since } }, _count: true, _sum: { costUsd: true } });
  // mitigations' AI approval calls share the day's budget
  const approvals = await db.mitigation.aggregate({ where: { aiCalledAt: { gte: since } }, _count: true, _sum: { aiCostUsd: true } });
  return { calls: agg._count + approvals._count, costUsd: (agg._sum.costUsd ?? 0) + (approvals._sum.aiCostUsd ?? 0) };
}

/**
 * Reserves a call against the day's budget: under a lock, decide from today's usage and, if allowed,
 * insert a pending row holding the call's worst-case cost. Returns the decision and the row.
 */
export async function reserveAiCall(
  db: DbClient,
  args: { alertId: number; fingerprint: string; model: string; reserveUsd: number; requestedById: number | null; now: Date },
  decide: (usage: DailyUsage) => { allowed: true } | { allowed: false; reason: string },
): Promise<{ allowed: true; id: number } | { allowed: false; reason: string }> {
  return inTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BUDGET_LOCK})`;
    const decision = decide(await aiUsageToday(tx, args.now));
    if (!decision.allowed) return decision;
    const row = await tx.aiAnalysis.create({
      data: { alertId: args.alertId, fingerprint: args.fingerprint, status: "pending", model: args.model, called: true, costUsd: args.reserveUsd, requestedById: args.requestedById, createdAt: args.now },
      select: { id: true },
    });
    return { allowed: true as const, id: row.id };
  });
}

export async function completeAiCall(
  db: DbClient,
  id: number,
  outcome: { status: AiAnalysisStatus; model: string; usage: TokenUsage; costUsd: number; analysis?: AiAnalysis; reason?: string },
): Promise<void> {
  await db.aiAnalysis.update({
    where: { id },
    data: {
      status: outcome.status,
      model: outcome.model,
      inputTokens: outcome.usage.inputTokens,
      outputTokens: outcome.usage.outputTokens,
      cacheReadTokens: outcome.usage.cacheReadTokens,
      cacheWriteTokens: outcome.usage.cacheWriteTokens,
      costUsd: outcome.costUsd,
      analysis: (outcome.analysis ?? undefined) as Prisma.InputJsonValue | undefined,
      reason: outcome.reason ?? null,
    },
  });
}

/** A row for an analysis that made no call: a refusal (no key, budget) or a copy from the cache. */
export async function recordAiNoCall(
  db: DbClient,
  args: { alertId: number; fingerprint: string; status: AiAnalysisStatus; reason: string; model?: string | null; analysis?: unknown; requestedById: number | null; now: Date },
): Promise<void> {
  await db.aiAnalysis.create({
    data: {
      alertId: args.alertId,
      fingerprint: args.fingerprint,
      status: args.status,
      reason: args.reason,
      model: args.model ?? null,
      analysis: (args.analysis ?? undefined) as Prisma.InputJsonValue | undefined,
      requestedById: args.requestedById,
      createdAt: args.now,
    },
  });
}

/** The newest successful analysis of this fingerprint since `since` (the cache). */
export function cachedAnalysis(db: DbClient, fingerprint: string, since: Date) {
  return db.aiAnalysis.findFirst({
    where: { fingerprint, status: "ok", createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    select: { id: true, model: true, analysis: true },
  });
}

export function alertSeverity(db: DbClient, alertId: number): Promise<{ severity: string; createdAt: Date } | null> {
  return db.alert.findUnique({ where: { id: alertId }, select: { severity: true, createdAt: true } });
}

/** Whether the alert already has an analysis row (the worker's queue analyses each alert once). */
export async function hasAiAnalysis(db: DbClient, alertId: number): Promise<boolean> {
  return (await db.aiAnalysis.count({ where: { alertId } })) > 0;
}

/** Calls left pending by a worker that stopped mid-call: failed, so they neither show as running nor hold budget forever. */
export async function failStalePending(db: DbClient, olderThan: Date): Promise<number> {
  const { count } = await db.aiAnalysis.updateMany({
    // batch entries are answered within 24 h: collectBatches settles them
    where: { status: "pending", batchId: null, createdAt: { lt: olderThan } },
    data: { status: "failed", reason: "interrupted: the process making the call stopped before it answered" },
  });
  return count;
}

/** New alerts for the worker's queue: ids after `afterId` at the given severities, oldest first. */
export function alertsToTriage(db: DbClient, afterId: number, severities: readonly string[], take = 50) {
  return db.alert.findMany({
    where: { id: { gt: afterId }, severity: { in: severities as ("low" | "medium" | "high" | "critical")[] } },
    orderBy: { id: "asc" },
    take,
    select: { id: true, severity: true },
  });
}

/**
 * Campaigns changed after `since` at the given severities, oldest change first, each with its lead
 * member (the most severe, then the oldest): the alert the campaign's analysis is made on.
 */
export async function campaignsToTriage(db: DbClient, since: Date, severities: readonly string[], take = 50) {
  const rows = await db.campaign.findMany({
    where: { updatedAt: { gt: since }, severity: { in: severities as ("low" | "medium" | "high" | "critical")[] } },
    orderBy: { updatedAt: "asc" },
    take,
    select: {
      id: true,
      severity: true,
      types: true,
      updatedAt: true,
      alerts: { select: { id: true, deviceId: true, detector: true, alertType: true, anomalyType: true, metric: true, severity: true, observedAt: true } },
    },
  });
  return rows.flatMap(({ alerts, ...c }) => {
    const lead = [...alerts].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.observedAt.getTime() - b.observedAt.getTime() || a.id - b.id)[0];
    return lead ? [{ ...c, lead }] : [];
  });
}

/** Whether the alert has an analysis (of any outcome) made with this fingerprint. */
export async function hasAiAnalysisWith(db: DbClient, alertId: number, fingerprint: string): Promise<boolean> {
  return (await db.aiAnalysis.count({ where: { alertId, fingerprint } })) > 0;
}

/** Where the worker's queue starts: after the newest alert older than `since` (a restart catches up on the rest). */
export async function triageCursorStart(db: DbClient, since: Date): Promise<number> {
  const row = await db.alert.findFirst({ where: { createdAt: { lt: since } }, orderBy: { id: "desc" }, select: { id: true } });
  return row?.id ?? 0;
}

export interface AiAnalysisView {
  id: number;
  status: AiAnalysisStatus;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  analysis: AiAnalysis | null;
  reason: string | null;
  createdAt: string;
  verdicts: { agree: number; disagree: number; mine: "agree" | "disagree" | null };
}

const NEWEST = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** The newest attempt at analysing the alert, whatever its outcome. */
export function latestAiAttempt(db: DbClient, alertId: number) {
  return db.aiAnalysis.findFirst({ where: { alertId }, orderBy: NEWEST, select: { id: true, status: true, reason: true } });
}

/**
 * What the alert page shows: the newest successful analysis (a later failed attempt does not hide it),
 * else the newest attempt; with the analysts' agree/disagree counts. Null when there is none.
 */
export async function latestAiAnalysis(db: DbClient, alertId: number, userId: number): Promise<AiAnalysisView | null> {
  const row =
    (await db.aiAnalysis.findFirst({ where: { alertId, status: "ok" }, orderBy: NEWEST, include: { verdicts: true } })) ??
    (await db.aiAnalysis.findFirst({ where: { alertId }, orderBy: NEWEST, include: { verdicts: true } }));
  if (!row) return null;
  const mine = row.verdicts.find((v) => v.userId === userId);
  return {
    id: row.id,
    status: row.status,
    model: row.model,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    costUsd: row.costUsd,
    analysis: (row.analysis as AiAnalysis | null) ?? null,
    reason: row.reason,
    createdAt: row.createdAt.toISOString(),
    verdicts: {
      agree: row.verdicts.filter((v) => v.agree).length,
      disagree: row.verdicts.filter((v) => !v.agree).length,
      mine: mine ? (mine.agree ? "agree" : "disagree") : null,
    },
  };
}

/** Records (or changes) the user's agree/disagree on the alert's newest analysis, audited. Null when there is no analysis to judge. */
export async function recordAiVerdict(db: DbClient, args: { alertId: number; userId: number; agree: boolean }): Promise<AiAnalysisView | null> {
  return inTransaction(db, async (tx) => {
    const latest = await tx.aiAnalysis.findFirst({ where: { alertId: args.alertId, status: "ok" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    if (!latest) return null;
    const before = await tx.aiAnalysisVerdict.findUnique({ where: { analysisId_userId: { analysisId: latest.id, userId: args.userId } } });
    await tx.aiAnalysisVerdict.upsert({
      where: { analysisId_userId: { analysisId: latest.id, userId: args.userId } },
      create: { analysisId: latest.id, userId: args.userId, agree: args.agree },
      update: { agree: args.agree },
    });
    await recordAudit(tx, {
      actorId: args.userId,
      action: "ai_analysis.verdict",
      entityType: "ai_analysis",
      entityId: latest.id,
      before: before ? { agree: before.agree } : null,
      after: { agree: args.agree, alertId: args.alertId },
    });
    return latestAiAnalysis(tx, args.alertId, args.userId);
  });
}

/** Today's AI spending (UTC day) and the analysts' agree/disagree over the last 7 days, for the Overview. */
export async function aiActivity(db: DbClient, now: Date) {
  const [usage, analysed, verdicts] = await Promise.all([
    aiUsageToday(db, now),
    db.aiAnalysis.count({ where: { status: "ok", createdAt: { gte: budgetDayStart(now) } } }),
    db.aiAnalysisVerdict.groupBy({ by: ["agree"], where: { updatedAt: { gte: new Date(now.getTime() - 7 * DAY_MS) } }, _count: true }),
  ]);
  const count = (agree: boolean) => verdicts.find((v) => v.agree === agree)?._count ?? 0;
  return { ...usage, analysed, agree7d: count(true), disagree7d: count(false) };
}

/** Records which Message Batch the pending rows were sent in. */
export async function markBatched(db: DbClient, ids: readonly number[], batchId: string): Promise<void> {
  await db.aiAnalysis.updateMany({ where: { id: { in: [...ids] } }, data: { batchId } });
}

/** Batches with entries still pending. */
export async function pendingBatchIds(db: DbClient): Promise<string[]> {
  const rows = await db.aiAnalysis.findMany({ where: { status: "pending", batchId: { not: null } }, distinct: ["batchId"], select: { batchId: true } });
  return rows.flatMap((r) => (r.batchId ? [r.batchId] : []));
}

export function pendingRowsOfBatch(db: DbClient, batchId: string) {
  return db.aiAnalysis.findMany({ where: { status: "pending", batchId }, select: { id: true, alertId: true } });
}
