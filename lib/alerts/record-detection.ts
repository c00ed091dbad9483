// Turns a detector's result into an alert: a repeat of the same device+detector+metric+type within
// the cooldown updates the existing alert instead of raising a new one; inside a maintenance window
// (or under a suppression rule, or within an announced surge) the alert is recorded as suppressed. The alert, its event and the NOTIFY commit together.
import type { Prisma, PrismaClient, Severity } from "@prisma/client";
import type { Detection } from "../detect/detector";
import { SEVERITY_RANK } from "../detect/severity";
import { getAlertView } from "../db/alert-queries";
import { appendEvent } from "../db/event-queries";
import type { Suppression } from "./alert-disposition";
import { alertTypeOf } from "./alert-type";
import type { AlertView } from "./alert-view";

export const DEFAULT_COOLDOWN_MS = 15 * 60_000;


export interface RecordedAlert {
  alert: AlertView;
  created: boolean;
}

export async function recordDetection(
  db: PrismaClient,
  args: { deviceId: number; detection: Detection & { dedupKey: string }; cooldownMs?: number; suppressedBy?: Suppression },
): Promise<RecordedAlert> {
  const { deviceId, detection } = args;
  const observedAt = new Date(detection.observed.ts);
  const cooldownMs = args.cooldownMs ?? DEFAULT_COOLDOWN_MS;
  return db.$transaction(async (tx) => {
    const existing = await tx.alert.findFirst({
      where: {
        dedupKey: detection.dedupKey,
        status: { in: ["open", "acknowledged", "suppressed"] },
        lastSeenAt: { gte: new Date(observedAt.getTime() - cooldownMs) },
      },
      orderBy: { lastSeenAt: "desc" },
    });
    if (existing) {
      const escalate = SEVERITY_RANK[detection.severity] > SEVERITY_RANK[existing.severity];
      await tx.alert.update({
        where: { id: existing.id },
        data: {
          occurrences: { increment: 1 },
          lastSeenAt: observedAt > existing.lastSeenAt ? observedAt : existing.lastSeenAt,
          ...(escalate || detection.score > existing.score
            ? {
                severity: escalate ? detection.severity : existing.severity,
                score: Math.max(existing.score, detection.score),
                observed: detection.observed as unknown as Prisma.InputJsonValue,
                // a stronger repeat refreshes the numbers but keeps why the alert was suppressed
                expected: { ...detection.expected, ...suppressionFields(existing.expected) } as unknown as Prisma.InputJsonValue,
                explanation: detection.explanation,
                ...(detection.contributions ? { contributions: detection.contributions as unknown as Prisma.InputJsonValue } : {}),
                ...(detection.evidence ? { evidence: detection.evidence as Prisma.InputJsonValue } : {}),
              }
            : {}),
        },
      });
      const view = (await getAlertView(tx, existing.id, null))!;
      await appendEvent(tx, "alert.updated", view);
      return { alert: view, created: false };
    }
    const created = await tx.alert.create({
      data: {
        deviceId,
        detector: detection.detector,
        anomalyType: detection.anomalyType,
        severity: detection.severity,
        score: detection.score,
        status: args.suppressedBy ? "suppressed" : "open",
        metric: detection.metric,
        observedAt,
        observed: detection.observed as unknown as Prisma.InputJsonValue,
        expected: {
          ...detection.expected,
          ...(args.suppressedBy ? { suppression: args.suppressedBy } : {}),
          ...(args.suppressedBy?.kind === "maintenance" ? { maintenanceWindowId: args.suppressedBy.windowId } : {}),
        } as unknown as Prisma.InputJsonValue,
        explanation: detection.explanation,
        alertType: alertTypeOf(detection),
        ...(detection.contributions ? { contributions: detection.contributions as unknown as Prisma.InputJsonValue } : {}),
        ...(detection.evidence ? { evidence: detection.evidence as Prisma.InputJsonValue } : {}),
        dedupKey: detection.dedupKey,
        lastSeenAt: observedAt,
      },
    });
    const view = (await getAlertView(tx, created.id, null))!;
    await appendEvent(tx, "alert.created", view);
    return { alert: view, created: true };
  });
}

/** The suppression reason recorded in an alert's `expected` (see the create branch), to carry over on updates. */
function suppressionFields(expected: Prisma.JsonValue): Record<string, unknown> {
  if (!expected || typeof expected !== "object" || Array.isArray(expected)) return {};
  const { suppression, maintenanceWindowId } = expected as Record<string, unknown>;
  return {
    ...(suppression !== undefined ? { suppression } : {}),
    ...(maintenanceWindowId !== undefined ? { maintenanceWindowId } : {}),
  };
}
