// Retrains every device's hour-of-week baselines over a sliding window of stored samples.
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import { saveBaselines } from "@/lib/db/baseline-queries";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { readSamples } from "@/lib/db/sample-queries";
import { trainBaselineIndex, type BaselineRow } from "@/lib/detect/hour-of-week-baseline";
import type { Logger } from "@/lib/log";

export const TRAINING_WINDOW_DAYS = 14;

export async function trainBaselines(deps: {
  prisma: PrismaClient;
  pool: pg.Pool;
  devices: readonly DeviceSummary[];
  /** Data time the training window ends at (exclusive). */
  until: Date;
  log: Logger;
  windowDays?: number;
}): Promise<void> {
  const started = Date.now();
  const from = new Date(deps.until.getTime() - (deps.windowDays ?? TRAINING_WINDOW_DAYS) * 86_400_000);
  let buckets = 0;
  for (const device of deps.devices) {
    const samples = await readSamples(deps.pool, device.id, from, deps.until);
    if (samples.length === 0) continue;
    const index = trainBaselineIndex(samples);
    const rows: BaselineRow[] = [...index].map(([key, bucket]) => ({ ...bucket, metric: key.split(":")[0]! }));
    await saveBaselines(deps.prisma, device.id, rows, deps.until);
    buckets += rows.length;
  }
  deps.log.info("baselines trained", {
    devices: deps.devices.length,
    buckets,
    window: `${from.toISOString()}..${deps.until.toISOString()}`,
    ms: Date.now() - started,
  });
}
