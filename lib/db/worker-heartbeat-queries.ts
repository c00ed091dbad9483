// The worker writes a heartbeat every few seconds; the web app reads it to report worker health.
import type { Prisma } from "@prisma/client";
import type { DbClient } from "./client";

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A worker that has not beaten for this long is reported down. */
export const HEARTBEAT_STALE_MS = 20_000;

/** One telemetry source of the worker as its heartbeat reports it. */
export interface HeartbeatFeed {
  /** netflow, syslog, snmp, prometheus, or "simulator" for the demo's in-process feed. */
  name: string;
  ports?: { udp?: number; tcp?: number } | null;
  /** False when it could not start (error says why). */
  up?: boolean;
  error?: string;
  /** Records handed on since the worker started: flow records, syslog messages, metric samples. */
  records?: number;
  /** Records per second over the last heartbeat interval; null on the first beat. */
  recordsPerSec?: number | null;
}

/** What the worker reports in its heartbeat (the `info` JSON). Every field is optional to readers: older workers wrote less. */
export interface HeartbeatInfo {
  pid?: number;
  version?: string;
  simulator?: unknown;
  collectors?: HeartbeatFeed[];
  metricsPort?: number | null;
}

export interface HeartbeatRow {
  id: string;
  startedAt: Date;
  beatAt: Date;
  info: HeartbeatInfo;
}

export async function beat(db: DbClient, id: string, startedAt: Date, info: HeartbeatInfo): Promise<void> {
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

/** Every worker's latest heartbeat, newest first (one row per running worker; stopped ones clear theirs). */
export async function listHeartbeats(db: DbClient): Promise<HeartbeatRow[]> {
  const rows = await db.workerHeartbeat.findMany({ orderBy: { beatAt: "desc" } });
  return rows.map((r) => ({ id: r.id, startedAt: r.startedAt, beatAt: r.beatAt, info: toHeartbeatInfo(r.info) }));
}

function toHeartbeatInfo(info: Prisma.JsonValue): HeartbeatInfo {
  return info !== null && typeof info === "object" && !Array.isArray(info) ? (info as HeartbeatInfo) : {};
}

export async function workerStatus(db: DbClient, now = new Date()): Promise<"up" | "down"> {
  const latest = await db.workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" }, select: { beatAt: true } });
  return latest && now.getTime() - latest.beatAt.getTime() < HEARTBEAT_STALE_MS ? "up" : "down";
}
