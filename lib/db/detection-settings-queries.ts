// What the worker re-reads while running, besides baselines: suppression rules, the business
// calendar and tuned detector settings (maintenance windows live in maintenance-queries.ts). The
// writes are audited: these change what analysts see.
import type { Prisma } from "@prisma/client";
import type { DetectorOverride, OverrideScope } from "../alerts/alert-thresholds";
import type { SurgeEntry } from "../alerts/business-calendar";
import type { AuditEntryView, DetectorSettingView, UserRef } from "../alerts/settings-views";
import type { SuppressionRule } from "../alerts/suppression-rules";
import { recordAudit } from "./audit-queries";
import type { DbClient } from "./client";
import { inTransaction } from "./in-transaction";
import { userRefs } from "./user-refs";

export function listSuppressionRules(db: DbClient): Promise<(SuppressionRule & { id: number; createdAt: Date })[]> {
  return db.suppressionRule
    .findMany({ orderBy: { id: "asc" } })
    .then((rows) =>
      rows.map((r) => ({
        id: r.id,
        reason: r.reason,
        enabled: r.enabled,
        expiresAt: r.expiresAt,
        createdAt: r.createdAt,
        ...(r.device !== null ? { device: r.device } : {}),
        ...(r.site !== null ? { site: r.site } : {}),
        ...(r.role !== null ? { role: r.role } : {}),
        ...(r.detector !== null ? { detector: r.detector } : {}),
        ...(r.type !== null ? { type: r.type } : {}),
        ...(r.metric !== null ? { metric: r.metric } : {}),
      })),
    );
}

/** Calendar entries that have not ended before `since`. */
export function currentCalendarEntries(db: DbClient, since: Date): Promise<(SurgeEntry & { id: number })[]> {
  return db.calendarEntry
    .findMany({ where: { endsAt: { gt: since } }, orderBy: { startsAt: "asc" } })
    .then((rows) =>
      rows.map((r) => ({
        id: r.id,
        name: r.name,
        start: r.startsAt,
        end: r.endsAt,
        expectedIncrease: r.expectedIncrease,
        devices: r.devices,
        sites: r.sites,
        roles: r.roles,
      })),
    );
}

export function listDetectorSettings(db: DbClient): Promise<(DetectorOverride & { id: number; updatedAt: Date })[]> {
  return db.detectorSetting.findMany({ orderBy: { id: "asc" } }).then((rows) =>
    rows.map((r) => ({
      id: r.id,
      detector: r.detector,
      scope: r.scope as OverrideScope,
      ...(r.scope === "global" ? {} : { target: r.target }),
      config: r.config as Record<string, unknown>,
      updatedAt: r.updatedAt,
    })),
  );
}

/** Sets (or replaces) a detector's settings for a scope; audited with the values before and after. */
export async function saveDetectorSetting(
  db: DbClient,
  args: { detector: string; scope: OverrideScope; target?: string; config: Record<string, unknown>; actorId: number | null },
): Promise<{ id: number; change: AuditEntryView }> {
  return inTransaction(db, async (tx) => {
    const target = args.scope === "global" ? "" : (args.target ?? "");
    const key = { detector_scope_target: { detector: args.detector, scope: args.scope, target } };
    const before = await tx.detectorSetting.findUnique({ where: key });
    const saved = await tx.detectorSetting.upsert({
      where: key,
      create: { detector: args.detector, scope: args.scope, target, config: args.config as Prisma.InputJsonValue, updatedById: args.actorId },
      update: { config: args.config as Prisma.InputJsonValue, updatedById: args.actorId },
    });
    const change = await recordAudit(tx, {
      actorId: args.actorId,
      action: "detector_setting.save",
      entityType: "detector_setting",
      entityId: saved.id,
      before: before ? { scope: before.scope, target: before.target, config: before.config } : undefined,
      after: { detector: saved.detector, scope: saved.scope, target: saved.target, config: saved.config },
    });
    return { id: saved.id, change };
  });
}

// ---------- The tuning page ----------

function toSettingView(
  row: { id: number; detector: string; scope: string; target: string; config: Prisma.JsonValue; updatedById: number | null; updatedAt: Date },
  users: ReadonlyMap<number, UserRef>,
): DetectorSettingView {
  return {
    id: row.id,
    detector: row.detector,
    scope: row.scope as OverrideScope,
    target: row.scope === "global" ? null : row.target,
    config: row.config as Record<string, unknown>,
    updatedBy: row.updatedById === null ? null : (users.get(row.updatedById) ?? null),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Every stored setting with who last changed it, global first, then roles, then devices. */
export async function listDetectorSettingViews(db: DbClient): Promise<DetectorSettingView[]> {
  const rows = await db.detectorSetting.findMany({ orderBy: { id: "asc" } });
  const users = await userRefs(db, rows.map((r) => r.updatedById));
  const rank: Record<string, number> = { global: 0, role: 1, device: 2 };
  return rows
    .map((r) => toSettingView(r, users))
    .sort((a, b) => (rank[a.scope] ?? 3) - (rank[b.scope] ?? 3) || (a.target ?? "").localeCompare(b.target ?? "") || a.id - b.id);
}

export async function getDetectorSettingView(db: DbClient, id: number): Promise<DetectorSettingView | null> {
  const row = await db.detectorSetting.findUnique({ where: { id } });
  return row ? toSettingView(row, await userRefs(db, [row.updatedById])) : null;
}

/** Removes a setting (the detector falls back to the broader ones); audited. Null when there is no such setting. */
export async function deleteDetectorSetting(db: DbClient, id: number, actorId: number | null): Promise<AuditEntryView | null> {
  return inTransaction(db, async (tx) => {
    const before = await tx.detectorSetting.findUnique({ where: { id } });
    if (!before) return null;
    await tx.detectorSetting.delete({ where: { id } });
    return recordAudit(tx, {
      actorId,
      action: "detector_setting.delete",
      entityType: "detector_setting",
      entityId: id,
      before: { detector: before.detector, scope: before.scope, target: before.target, config: before.config },
    });
  });
}
