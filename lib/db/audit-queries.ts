// The audit log: who changed what, with the values before and after. Written in the same transaction
// as the change; read back for the dashboards ("recent changes"). Settings changes also go out on
// the live stream.
import type { Prisma } from "@prisma/client";
import type { AuditEntryView } from "../alerts/settings-views";
import { isSettingsEntity } from "../events/event-types";
import type { DbClient } from "./client";
import { appendEvent } from "./event-queries";

export interface AuditInput {
  actorId: number | null;
  /** "<entity>.<verb>", e.g. "maintenance_window.create". */
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

const withActor = { actor: { select: { id: true, name: true } } } as const;

type AuditRow = Prisma.AuditLogGetPayload<{ include: typeof withActor }>;

function toView(row: AuditRow): AuditEntryView {
  return {
    id: row.id.toString(),
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    actor: row.actor,
    before: row.before ?? null,
    after: row.after ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** JSON for an audit column: Dates as ISO strings, undefined left out. */
export function auditJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

export async function recordAudit(db: DbClient, entry: AuditInput): Promise<AuditEntryView> {
  const row = await db.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: String(entry.entityId),
      before: auditJson(entry.before),
      after: auditJson(entry.after),
    },
    include: withActor,
  });
  // Settings pages update live: every audited settings change is also an event, in the same transaction.
  if (isSettingsEntity(entry.entityType)) {
    await appendEvent(db, "settings.changed", { entityType: entry.entityType, entityId: String(entry.entityId), action: entry.action });
  }
  return toView(row);
}

/** Many audit entries in one insert (bulk changes); settings entities are not expected here. */
export async function recordAudits(db: DbClient, entries: readonly AuditInput[]): Promise<void> {
  if (entries.some((e) => isSettingsEntity(e.entityType))) throw new Error("recordAudits: settings changes go through recordAudit (they are events too)");
  if (entries.length === 0) return;
  await db.auditLog.createMany({
    data: entries.map((e) => ({
      actorId: e.actorId,
      action: e.action,
      entityType: e.entityType,
      entityId: String(e.entityId),
      before: auditJson(e.before),
      after: auditJson(e.after),
    })),
  });
}

/** The newest audit entries about one kind of entity, newest first. */
export async function listAuditEntries(db: DbClient, args: { entityType: string; limit?: number }): Promise<AuditEntryView[]> {
  const rows = await db.auditLog.findMany({
    where: { entityType: args.entityType },
    orderBy: { id: "desc" },
    take: args.limit ?? 20,
    include: withActor,
  });
  return rows.map(toView);
}
