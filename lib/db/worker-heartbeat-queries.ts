// The worker writes a heartbeat every few seconds; the web app reads it to report worker health.
import type { Prisma } from "@prisma/client";
import type { DbClient } from "./client";

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A worker that has not beaten for this long is reported down. */
export const HEARTBEAT_STALE_MS = 20_000;

export async function beat(db: DbClient, id: string, startedAt: Date, info: Record<string, unknown>): Promise<void> {
  const now = new Date();
  await db.workerHeartbeat.upsert({
    where: { id },
    create: { id, startedAt, beatAt: now, info: info as Prisma.InputJsonValue },
    update: { startedAt, beatAt: now, info: info as Prisma.InputJsonValue },
  });
}

/** Marks the worker stopped at once, so health does not report a stopped worker as up. */
export async function clearHeartbeat(db: DbClient, id: string): Promise<void> {
  await db.workerHeartbeat.deleteMany({ where: { id } });
}

export async function workerStatus(db: DbClient, now = new Date()): Promise<"up" | "down"> {
  const latest = await db.workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" }, select: { beatAt: true } });
  return latest && now.getTime() - latest.beatAt.getTime() < HEARTBEAT_STALE_MS ? "up" : "down";
}
