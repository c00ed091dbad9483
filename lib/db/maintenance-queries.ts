import type { WindowSpec } from "../alerts/maintenance-window";
import type { DbClient } from "./client";

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
