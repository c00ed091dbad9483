// Baselines are versioned per device: a retrain writes version n+1 and keeps the two before it, so
// a bad retrain can be inspected (and, later, rolled back or held for approval).
import type { BaselineRow } from "../detect/hour-of-week-baseline";
import type { DbClient } from "./client";

const KEEP_VERSIONS = 3;

export async function saveBaselines(
  db: DbClient,
  deviceId: number,
  rows: readonly BaselineRow[],
  trainedAt: Date,
): Promise<number> {
  const latest = await db.baseline.aggregate({ where: { deviceId }, _max: { version: true } });
  const version = (latest._max.version ?? 0) + 1;
  await db.baseline.createMany({
    data: rows.map((r) => ({
      deviceId,
      metric: r.metric,
      hourOfWeek: r.hourOfWeek,
      mean: r.mean,
      std: r.std,
      median: r.median,
      p95: r.p95,
      p99: r.p99,
      sampleCount: r.sampleCount,
      version,
      trainedAt,
    })),
  });
  await db.baseline.deleteMany({ where: { deviceId, version: { lte: version - KEEP_VERSIONS } } });
  return version;
}

/** The latest baseline version of each device, as rows grouped by device id. */
export async function loadLatestBaselines(db: DbClient): Promise<Map<number, { trainedAt: Date; rows: BaselineRow[] }>> {
  const versions = await db.baseline.groupBy({ by: ["deviceId"], _max: { version: true } });
  const out = new Map<number, { trainedAt: Date; rows: BaselineRow[] }>();
  if (versions.length === 0) return out;
  const rows = await db.baseline.findMany({
    where: { OR: versions.map((v) => ({ deviceId: v.deviceId, version: v._max.version ?? 0 })) },
  });
  for (const r of rows) {
    const entry = out.get(r.deviceId) ?? { trainedAt: r.trainedAt, rows: [] };
    entry.rows.push({
      metric: r.metric,
      hourOfWeek: r.hourOfWeek,
      mean: r.mean,
      std: r.std,
      median: r.median,
      p95: r.p95,
      p99: r.p99,
      sampleCount: r.sampleCount,
    });
    out.set(r.deviceId, entry);
  }
  return out;
}
