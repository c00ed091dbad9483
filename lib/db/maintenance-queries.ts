// Maintenance windows: what the worker re-reads (currentMaintenanceWindows) and what the maintenance
// page lists and changes.
import type { Prisma } from "@prisma/client";
import type { WindowSpec } from "../alerts/maintenance-window";
import {
  maintenanceWindowInputSchema,
  type MaintenanceWindowInput,
  type MaintenanceWindowPatch,
} from "../alerts/maintenance-window-input";
import type { MaintenanceWindowView } from "../alerts/settings-views";
import { badRequest } from "../http/app-error";
import { recordAudit } from "./audit-queries";
import type { DbClient } from "./client";
import { inTransaction } from "./in-transaction";

/** Windows that can still be active at or after `since`: recurring ones and those not yet ended. */
export function currentMaintenanceWindows(db: DbClient, since: Date): Promise<WindowSpec[]> {
  return db.maintenanceWindow.findMany({
    where: { OR: [{ recurrence: { not: "none" } }, { endsAt: { gt: since } }] },
    select: {
      id: true,
      scope: true,
      scopeValue: true,
      deviceIds: true,
      startsAt: true,
      endsAt: true,
      recurrence: true,
      timezone: true,
    },
  });
}

// ---------- The maintenance page: list, create, change and delete windows (every write audited) ----------

const windowInclude = { createdBy: { select: { id: true, name: true } } } as const;

type WindowRow = Prisma.MaintenanceWindowGetPayload<{ include: typeof windowInclude }>;

function toWindowView(row: WindowRow, deviceNames: ReadonlyMap<number, string>): MaintenanceWindowView {
  return {
    id: row.id,
    scope: row.scope,
    scopeValue: row.scopeValue,
    deviceIds: row.deviceIds,
    devices: row.deviceIds.flatMap((id) => {
      const name = deviceNames.get(id);
      return name === undefined ? [] : [{ id, name }];
    }),
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    recurrence: row.recurrence,
    timezone: row.timezone,
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function deviceNamesOf(db: DbClient, rows: readonly WindowRow[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.flatMap((r) => r.deviceIds))];
  if (ids.length === 0) return new Map();
  const devices = await db.device.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(devices.map((d) => [d.id, d.name]));
}

/** What the audit log keeps of a window. */
function auditedWindow(w: MaintenanceWindowInput | WindowRow) {
  return {
    scope: w.scope,
    scopeValue: w.scopeValue,
    deviceIds: w.deviceIds,
    startsAt: w.startsAt,
    endsAt: w.endsAt,
    recurrence: w.recurrence,
    timezone: w.timezone,
    reason: w.reason,
  };
}

/** Refuses device ids that are not in the inventory (400 naming deviceIds). */
async function checkDevicesExist(db: DbClient, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await db.device.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
  const known = new Set(found.map((d) => d.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) throw badRequest(`deviceIds: no device with id ${missing.join(", ")}`, "deviceIds");
}

/**
 * Windows for the maintenance page, soonest first. With `from`/`to`, only those with an occurrence
 * that can fall in [from, to): recurring windows that started before `to`, one-off windows overlapping it.
 */
export async function listMaintenanceWindows(db: DbClient, range: { from?: Date; to?: Date } = {}): Promise<MaintenanceWindowView[]> {
  const and: Prisma.MaintenanceWindowWhereInput[] = [];
  if (range.to) and.push({ startsAt: { lt: range.to } });
  if (range.from) and.push({ OR: [{ recurrence: { not: "none" } }, { endsAt: { gt: range.from } }] });
  const rows = await db.maintenanceWindow.findMany({
    where: and.length > 0 ? { AND: and } : {},
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    include: windowInclude,
  });
  const names = await deviceNamesOf(db, rows);
  return rows.map((r) => toWindowView(r, names));
}

export async function getMaintenanceWindow(db: DbClient, id: number): Promise<MaintenanceWindowView | null> {
  const row = await db.maintenanceWindow.findUnique({ where: { id }, include: windowInclude });
  return row ? toWindowView(row, await deviceNamesOf(db, [row])) : null;
}

export async function createMaintenanceWindow(
  db: DbClient,
  input: MaintenanceWindowInput,
  actorId: number | null,
): Promise<MaintenanceWindowView> {
  return inTransaction(db, async (tx) => {
    await checkDevicesExist(tx, input.deviceIds);
    const row = await tx.maintenanceWindow.create({ data: { ...input, createdById: actorId }, include: windowInclude });
    await recordAudit(tx, {
      actorId,
      action: "maintenance_window.create",
      entityType: "maintenance_window",
      entityId: row.id,
      after: auditedWindow(row),
    });
    return toWindowView(row, await deviceNamesOf(tx, [row]));
  });
}

/** Applies `patch` to a stored window and validates the result as a whole; null when there is no such window. */
export async function updateMaintenanceWindow(
  db: DbClient,
  id: number,
  patch: MaintenanceWindowPatch,
  actorId: number | null,
): Promise<MaintenanceWindowView | null> {
  return inTransaction(db, async (tx) => {
    const before = await tx.maintenanceWindow.findUnique({ where: { id }, include: windowInclude });
    if (!before) return null;
    const merged = maintenanceWindowInputSchema.parse({ ...auditedWindow(before), ...patch });
    await checkDevicesExist(tx, merged.deviceIds.filter((d) => !before.deviceIds.includes(d)));
    const row = await tx.maintenanceWindow.update({ where: { id }, data: merged, include: windowInclude });
    await recordAudit(tx, {
      actorId,
      action: "maintenance_window.update",
      entityType: "maintenance_window",
      entityId: id,
      before: auditedWindow(before),
      after: auditedWindow(row),
    });
    return toWindowView(row, await deviceNamesOf(tx, [row]));
  });
}

/** Deletes a window; false when there is no such window. */
export async function deleteMaintenanceWindow(db: DbClient, id: number, actorId: number | null): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const before = await tx.maintenanceWindow.findUnique({ where: { id } });
    if (!before) return false;
    await tx.maintenanceWindow.delete({ where: { id } });
    await recordAudit(tx, {
      actorId,
      action: "maintenance_window.delete",
      entityType: "maintenance_window",
      entityId: id,
      before: auditedWindow(before),
    });
    return true;
  });
}
