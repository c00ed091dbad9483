// What the worker re-reads while running, besides baselines: suppression rules, the business
// calendar and tuned detector settings (maintenance windows live in maintenance-queries.ts). The
// writes are audited: these change what analysts see.
import type { Prisma } from "@prisma/client";
import type { DetectorOverride, OverrideScope } from "../alerts/alert-thresholds";
import type { SurgeEntry } from "../alerts/business-calendar";
import type { SuppressionRule } from "../alerts/suppression-rules";
import type { DbClient } from "./client";

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
): Promise<{ id: number }> {
  const target = args.scope === "global" ? "" : (args.target ?? "");
  const key = { detector_scope_target: { detector: args.detector, scope: args.scope, target } };
  const before = await db.detectorSetting.findUnique({ where: key });
  const saved = await db.detectorSetting.upsert({
    where: key,
    create: { detector: args.detector, scope: args.scope, target, config: args.config as Prisma.InputJsonValue, updatedById: args.actorId },
    update: { config: args.config as Prisma.InputJsonValue, updatedById: args.actorId },
  });
  await db.auditLog.create({
    data: {
      actorId: args.actorId,
      action: "detector_setting.save",
      entityType: "detector_setting",
      entityId: String(saved.id),
      before: before ? ({ scope: before.scope, target: before.target, config: before.config } as Prisma.InputJsonValue) : undefined,
      after: { detector: saved.detector, scope: saved.scope, target: saved.target, config: saved.config } as Prisma.InputJsonValue,
    },
  });
  return { id: saved.id };
}
