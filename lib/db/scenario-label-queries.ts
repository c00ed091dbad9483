// Scenario labels: stored alerts (or evaluation alerts) labelled by a scenario's ground truth.
import type { AlertLabelRow } from "../eval/label-stored-alerts";
import type { StoredAlertForLabelling } from "../eval/label-stored-alerts";
import type { DbClient } from "./client";
import { inTransaction } from "./in-transaction";

/** Stored alerts observed in [from, to), oldest first, as the labelling needs them. */
export async function alertsForLabelling(db: DbClient, from: Date, to: Date): Promise<StoredAlertForLabelling[]> {
  const rows = await db.alert.findMany({
    where: { observedAt: { gte: from, lt: to } },
    orderBy: { observedAt: "asc" },
    select: {
      id: true,
      observedAt: true,
      detector: true,
      alertType: true,
      severity: true,
      score: true,
      status: true,
      device: { select: { name: true, role: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    observedAt: r.observedAt,
    deviceName: r.device.name,
    deviceRole: r.device.role,
    detector: r.detector,
    type: r.alertType,
    severity: r.severity,
    score: r.score,
    status: r.status,
  }));
}

/** Replaces a scenario's labels with `rows`, in one transaction. */
export async function replaceScenarioLabels(db: DbClient, scenario: string, rows: readonly (Omit<AlertLabelRow, "alertId"> & { alertId: number | null })[]): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.scenarioLabel.deleteMany({ where: { scenario } });
    if (rows.length) await tx.scenarioLabel.createMany({ data: rows.map((r) => ({ scenario, ...r })) });
  });
}
