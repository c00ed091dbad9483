// An analyst's verdict on an alert: one current verdict per user per alert, audited, and announced
// on the live stream, all in one transaction so nothing half-written is ever visible.
import type { PrismaClient, Verdict } from "@prisma/client";
import type { AlertView } from "../alerts/alert-view";
import { notFound } from "../http/app-error";
import { getAlertView } from "./alert-queries";
import { recordAudit } from "./audit-queries";
import { appendEvent } from "./event-queries";

export async function recordFeedback(
  db: PrismaClient,
  args: { alertId: number; userId: number; verdict: Verdict; note?: string },
): Promise<AlertView> {
  return db.$transaction(async (tx) => {
    const alert = await tx.alert.findUnique({ where: { id: args.alertId }, select: { id: true } });
    if (!alert) throw notFound("Alert");
    const before = await tx.feedback.findUnique({
      where: { alertId_userId: { alertId: args.alertId, userId: args.userId } },
      select: { verdict: true, note: true },
    });
    await tx.feedback.upsert({
      where: { alertId_userId: { alertId: args.alertId, userId: args.userId } },
      create: { alertId: args.alertId, userId: args.userId, verdict: args.verdict, note: args.note ?? null },
      update: { verdict: args.verdict, note: args.note ?? null },
    });
    await recordAudit(tx, {
      actorId: args.userId,
      action: "alert.feedback",
      entityType: "alert",
      entityId: args.alertId,
      before: before ?? undefined,
      after: { verdict: args.verdict, note: args.note ?? null },
    });
    const shared = (await getAlertView(tx, args.alertId, null))!;
    await appendEvent(tx, "alert.updated", shared);
    return (await getAlertView(tx, args.alertId, args.userId))!;
  });
}
