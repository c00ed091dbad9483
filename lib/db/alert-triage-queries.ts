// Triage writes: every change is audited and announced on the live stream in the same transaction, so
// every open page sees it and nothing half-written is ever visible. What a change writes comes from
// lib/alerts/alert-triage.ts (triageUpdate).
import type { PrismaClient } from "@prisma/client";
import { triageUpdate, type AlertNoteView, type AlertPatch, type AlertState, type TriageStatus } from "../alerts/alert-triage";
import type { AlertView } from "../alerts/alert-view";
import { notFound } from "../http/app-error";
import { getAlertView, getAlertViews } from "./alert-queries";
import { recordAudit, recordAudits } from "./audit-queries";
import type { DbTransaction } from "./client";
import { appendEvent, appendEvents } from "./event-queries";

async function applyPatch(
  tx: DbTransaction,
  current: AlertState,
  patch: AlertPatch,
  actorId: number,
  now: Date,
): Promise<boolean> {
  const data = triageUpdate(current, patch, actorId, now);
  if (!data) return false;
  await tx.alert.update({ where: { id: current.id }, data });
  await recordAudit(tx, {
    actorId,
    action: "alert.triage",
    entityType: "alert",
    entityId: current.id,
    before: { status: current.status, assigneeId: current.assigneeId },
    after: { status: data.status ?? current.status, assigneeId: data.assigneeId === undefined ? current.assigneeId : data.assigneeId },
  });
  const shared = (await getAlertView(tx, current.id, null))!;
  await appendEvent(tx, "alert.updated", shared);
  return true;
}

const stateSelect = { id: true, status: true, assigneeId: true } as const;

/** Changes one alert's status and/or assignee; returns the alert as the caller sees it. */
export async function triageAlert(
  db: PrismaClient,
  args: { alertId: number; actorId: number; patch: AlertPatch; now?: Date },
): Promise<AlertView> {
  return db.$transaction(async (tx) => {
    const current = await tx.alert.findUnique({ where: { id: args.alertId }, select: stateSelect });
    if (!current) throw notFound("Alert");
    await applyPatch(tx, current, args.patch, args.actorId, args.now ?? new Date());
    return (await getAlertView(tx, args.alertId, args.actorId))!;
  });
}

/**
 * Sets the status of many alerts at once (bulk acknowledge). Alerts already in that status, suppressed
 * alerts and unknown ids are skipped and reported, so one odd row never fails the whole selection.
 * The writes are batched (one update per status, one audit insert, one event insert): 500 alerts
 * one by one took over 5 s.
 */
export async function triageAlerts(
  db: PrismaClient,
  args: { ids: number[]; status: TriageStatus; actorId: number; now?: Date },
): Promise<{ changed: number[]; skipped: { id: number; reason: string }[] }> {
  const now = args.now ?? new Date();
  return db.$transaction(
    async (tx) => {
      const ids = [...new Set(args.ids)];
      const rows = await tx.alert.findMany({ where: { id: { in: ids } }, select: stateSelect, orderBy: { id: "asc" } });
      const found = new Map(rows.map((r) => [r.id, r]));
      const changing: AlertState[] = [];
      const skipped: { id: number; reason: string }[] = [];
      for (const id of ids) {
        const row = found.get(id);
        if (!row) skipped.push({ id, reason: "not found" });
        else if (row.status === "suppressed") skipped.push({ id, reason: "suppressed" });
        else if (row.status === args.status) skipped.push({ id, reason: `already ${args.status}` });
        else changing.push(row);
      }
      // every changing row gets the same columns (the patch has a status and no assignee)
      const data = changing[0] ? triageUpdate(changing[0], { status: args.status }, args.actorId, now) : null;
      if (data) {
        await tx.alert.updateMany({ where: { id: { in: changing.map((r) => r.id) } }, data });
        await recordAudits(
          tx,
          changing.map((r) => ({
            actorId: args.actorId,
            action: "alert.triage",
            entityType: "alert",
            entityId: r.id,
            before: { status: r.status, assigneeId: r.assigneeId },
            after: { status: args.status, assigneeId: r.assigneeId },
          })),
        );
        await appendEvents(tx, "alert.updated", await getAlertViews(tx, changing.map((r) => r.id), null));
      }
      return { changed: changing.map((r) => r.id), skipped };
    },
    { timeout: 30_000 },
  );
}

export async function listAlertNotes(db: PrismaClient, alertId: number): Promise<AlertNoteView[] | null> {
  const alert = await db.alert.findUnique({ where: { id: alertId }, select: { id: true } });
  if (!alert) return null;
  const rows = await db.alertNote.findMany({
    where: { alertId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: { author: { select: { id: true, name: true } } },
  });
  return rows.map((r) => ({ id: r.id, alertId: r.alertId, author: r.author, body: r.body, createdAt: r.createdAt.toISOString() }));
}

export async function addAlertNote(
  db: PrismaClient,
  args: { alertId: number; authorId: number; body: string },
): Promise<AlertNoteView> {
  return db.$transaction(async (tx) => {
    const alert = await tx.alert.findUnique({ where: { id: args.alertId }, select: { id: true } });
    if (!alert) throw notFound("Alert");
    const row = await tx.alertNote.create({
      data: { alertId: args.alertId, authorId: args.authorId, body: args.body },
      include: { author: { select: { id: true, name: true } } },
    });
    await recordAudit(tx, { actorId: args.authorId, action: "alert.note", entityType: "alert", entityId: args.alertId, after: { noteId: row.id } });
    // Other pages showing this alert refetch its notes when it changes.
    await appendEvent(tx, "alert.updated", (await getAlertView(tx, args.alertId, null))!);
    return { id: row.id, alertId: row.alertId, author: row.author, body: row.body, createdAt: row.createdAt.toISOString() };
  });
}
