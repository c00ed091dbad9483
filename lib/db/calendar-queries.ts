// The business calendar for the maintenance page: list, create and delete entries, each write
// audited. The worker reads current entries through currentCalendarEntries.
import type { CalendarEntryInput } from "../alerts/calendar-entry-input";
import type { CalendarEntryView, UserRef } from "../alerts/settings-views";
import { recordAudit } from "./audit-queries";
import type { DbClient } from "./client";
import { inTransaction } from "./in-transaction";
import { userRefs } from "./user-refs";

interface EntryRow {
  id: number;
  name: string;
  startsAt: Date;
  endsAt: Date;
  expectedIncrease: number;
  devices: string[];
  sites: string[];
  roles: string[];
  createdById: number | null;
  createdAt: Date;
}

function toEntryView(row: EntryRow, users: ReadonlyMap<number, UserRef>): CalendarEntryView {
  return {
    id: row.id,
    name: row.name,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    expectedIncrease: row.expectedIncrease,
    devices: row.devices,
    sites: row.sites,
    roles: row.roles,
    createdBy: row.createdById === null ? null : (users.get(row.createdById) ?? null),
    createdAt: row.createdAt.toISOString(),
  };
}


function audited(row: EntryRow) {
  return {
    name: row.name,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    expectedIncrease: row.expectedIncrease,
    devices: row.devices,
    sites: row.sites,
    roles: row.roles,
  };
}

/** Every entry, by start time (past ones too: the page shows what explained past surges). */
export async function listCalendarEntries(db: DbClient): Promise<CalendarEntryView[]> {
  const rows = await db.calendarEntry.findMany({ orderBy: [{ startsAt: "asc" }, { id: "asc" }] });
  const users = await userRefs(db, rows.map((r) => r.createdById));
  return rows.map((r) => toEntryView(r, users));
}

export async function createCalendarEntry(db: DbClient, input: CalendarEntryInput, actorId: number | null): Promise<CalendarEntryView> {
  return inTransaction(db, async (tx) => {
    const row = await tx.calendarEntry.create({ data: { ...input, createdById: actorId } });
    await recordAudit(tx, { actorId, action: "calendar_entry.create", entityType: "calendar_entry", entityId: row.id, after: audited(row) });
    return toEntryView(row, await userRefs(tx, [row.createdById]));
  });
}

export async function deleteCalendarEntry(db: DbClient, id: number, actorId: number | null): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const before = await tx.calendarEntry.findUnique({ where: { id } });
    if (!before) return false;
    await tx.calendarEntry.delete({ where: { id } });
    await recordAudit(tx, { actorId, action: "calendar_entry.delete", entityType: "calendar_entry", entityId: id, before: audited(before) });
    return true;
  });
}
