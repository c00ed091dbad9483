// Turns a detector's result into an alert: a repeat of the same dedup key (device + alert type, see
// alert-dedup-key.ts) within the cooldown updates the existing alert instead of raising a new one;
// inside a maintenance window (or under a suppression rule, or within an announced surge) the alert is
// recorded as suppressed. The alert, its event and the NOTIFY commit together.
// An alert describes one finding, the strongest so far: a stronger repeat replaces every column that
// comes from the finding (detector, type, metric, severity, score, observed, expected, explanation,
// contributions, evidence) at once, from `findingColumns`; a weaker or equal one only counts.
// With a `writeKey` a recording happens once however often it is retried (applied-write-queries).
import { Prisma, type PrismaClient } from "@prisma/client";
import type { Suppression } from "../alerts/alert-disposition";
import { DEFAULT_COOLDOWN_MS, isStrongerFinding } from "../alerts/alert-dedup-key";
import { alertTypeOf } from "../alerts/alert-type";
import type { AlertView } from "../alerts/alert-view";
import type { Detection } from "../detect/detector";
import { getAlertView } from "./alert-queries";
import { claimWriteTx } from "./applied-write-queries";
import { appendEvent } from "./event-queries";



export interface RecordedAlert {
  alert: AlertView;
  created: boolean;
  /** The write key was already applied: nothing changed; `alert` is the dedup key's latest alert. */
  replayed?: boolean;
}

export async function recordDetection(
  db: PrismaClient,
  args: {
    deviceId: number;
    detection: Detection & { dedupKey: string };
    cooldownMs?: number;
    suppressedBy?: Suppression;
    writeKey?: string;
  },
): Promise<RecordedAlert> {
  const { deviceId, detection } = args;
  const observedAt = new Date(detection.observed.ts);
  const cooldownMs = args.cooldownMs ?? DEFAULT_COOLDOWN_MS;
  return db.$transaction(async (tx) => {
    if (args.writeKey && !(await claimWriteTx(tx, `alert:${args.writeKey}`))) {
      const latest = await tx.alert.findFirst({ where: { dedupKey: detection.dedupKey }, orderBy: { lastSeenAt: "desc" }, select: { id: true } });
      if (!latest) throw new Error(`the alert recorded under ${args.writeKey} no longer exists`);
      return { alert: (await getAlertView(tx, latest.id, null))!, created: false, replayed: true };
    }
    const existing = await tx.alert.findFirst({
      where: {
        dedupKey: detection.dedupKey,
        status: { in: ["open", "acknowledged", "suppressed"] },
        lastSeenAt: { gte: new Date(observedAt.getTime() - cooldownMs) },
      },
      orderBy: { lastSeenAt: "desc" },
    });
    if (existing) {
      await tx.alert.update({
        where: { id: existing.id },
        data: {
          occurrences: { increment: 1 },
          lastSeenAt: observedAt > existing.lastSeenAt ? observedAt : existing.lastSeenAt,
          // the stronger finding replaces the whole description; why the alert was suppressed stays
          ...(isStrongerFinding(detection, existing) ? findingColumns(detection, suppressionFields(existing.expected)) : {}),
        },
      });
      const view = (await getAlertView(tx, existing.id, null))!;
      await appendEvent(tx, "alert.updated", view);
      return { alert: view, created: false };
    }
    const created = await tx.alert.create({
      data: {
        deviceId,
        status: args.suppressedBy ? "suppressed" : "open",
        observedAt,
        ...findingColumns(detection, {
          ...(args.suppressedBy ? { suppression: args.suppressedBy } : {}),
          ...(args.suppressedBy?.kind === "maintenance" ? { maintenanceWindowId: args.suppressedBy.windowId } : {}),
        }),
        dedupKey: detection.dedupKey,
        lastSeenAt: observedAt,
      },
    });
    const view = (await getAlertView(tx, created.id, null))!;
    await appendEvent(tx, "alert.created", view);
    return { alert: view, created: true };
  });
}

/**
 * Every alert column that describes the finding, all from `detection`, so an alert never shows one
 * finding's metric with another's explanation. A finding without contributions or evidence clears
 * those of the finding it replaces. `expectedExtra` adds the suppression reason to `expected`.
 */
function findingColumns(detection: Detection, expectedExtra: Record<string, unknown>) {
  return {
    detector: detection.detector,
    anomalyType: detection.anomalyType,
    alertType: alertTypeOf(detection),
    severity: detection.severity,
    score: detection.score,
    metric: detection.metric,
    observed: detection.observed as unknown as Prisma.InputJsonValue,
    expected: { ...detection.expected, ...expectedExtra } as unknown as Prisma.InputJsonValue,
    explanation: detection.explanation,
    contributions: detection.contributions ? (detection.contributions as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
    evidence: detection.evidence ? (detection.evidence as Prisma.InputJsonValue) : Prisma.DbNull,
  } satisfies Prisma.AlertUncheckedUpdateInput;
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
