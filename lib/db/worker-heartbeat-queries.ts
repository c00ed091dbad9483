// The worker writes a heartbeat every few seconds; the web app reads it to report worker health.
import type { Prisma } from "@prisma/client";
import type { DiscoveryReport } from "../dashboards/device-inventory";
import type { SkewedExporter } from "../telemetry/netflow/clock-skew";
import { COLLECTOR_ID_PREFIX } from "../telemetry/bus/collector-heartbeat";
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
  /** Flow exporters whose records were recently dropped for clock skew (netflow only). */
  clockSkew?: SkewedExporter[];
}

/** What the worker reports in its heartbeat (the `info` JSON). Every field is optional to readers: older workers wrote less. */
export interface HeartbeatInfo {
  /** Collector processes of distributed mode beat over the bus; a worker writes their rows (ids `collector-…`). */
  kind?: "worker" | "collector";
  pid?: number;
  version?: string;
  simulator?: unknown;
  collectors?: HeartbeatFeed[];
  metricsPort?: number | null;
  /** Times the supervisor restarted the worker after a crash, and how the last one ended ("signal SIGKILL"). */
  restarts?: number;
  lastExit?: string | null;
  /** CIDRs the collectors accept (COLLECTOR_ALLOWED_SOURCES); empty = every source. */
  allowedSources?: string[];
  /** Auto-discovery's cap and the sources it did not add. */
  discovery?: DiscoveryReport | null;
  /** A collector's bus publisher: batches the stream acknowledged, items dropped beyond its buffer. */
  bus?: { published: number; dropped: number };
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

/** Marks a worker that died (killed, crashed) stopped at once: the supervisor knows its pid, not its id. */
export async function clearHeartbeatsOfPid(db: DbClient, pid: number): Promise<void> {
  await db.workerHeartbeat.deleteMany({ where: { info: { path: ["pid"], equals: pid } } });
}

/** Every worker's latest heartbeat, newest first (one row per running worker; stopped ones clear theirs). */
/**
 * Forgets collectors that stopped beating this long ago without saying so (killed, their host gone):
 * each collector process has a new id, so their rows would otherwise pile up. Workers' rows stay (the
 * Overview shows a stopped worker's last heartbeat).
 */
export async function pruneSilentCollectors(db: DbClient, now: Date, silentMs: number): Promise<number> {
  const { count } = await db.workerHeartbeat.deleteMany({ where: { id: { startsWith: COLLECTOR_ID_PREFIX }, beatAt: { lt: new Date(now.getTime() - silentMs) } } });
  return count;
}

export async function listHeartbeats(db: DbClient): Promise<HeartbeatRow[]> {
  const rows = await db.workerHeartbeat.findMany({ orderBy: { beatAt: "desc" } });
  return rows.map((r) => ({ id: r.id, startedAt: r.startedAt, beatAt: r.beatAt, info: toHeartbeatInfo(r.info) }));
}

function toHeartbeatInfo(info: Prisma.JsonValue): HeartbeatInfo {
  return info !== null && typeof info === "object" && !Array.isArray(info) ? (info as HeartbeatInfo) : {};
}

export async function workerStatus(db: DbClient, now = new Date()): Promise<"up" | "down"> {
  return (await workerHealth(db, now)).status;
}

/** The newest worker's status (collector processes' heartbeats are not workers'), with how often the supervisor had to restart it (crash loops show here). */
export async function workerHealth(
  db: DbClient,
  now = new Date(),
): Promise<{ status: "up" | "down"; startedAt: Date | null; restarts: number; lastExit: string | null }> {
  const latest = await db.workerHeartbeat.findFirst({ where: { id: { not: { startsWith: COLLECTOR_ID_PREFIX } } }, orderBy: { beatAt: "desc" } });
  if (!latest || now.getTime() - latest.beatAt.getTime() >= HEARTBEAT_STALE_MS) return { status: "down", startedAt: null, restarts: 0, lastExit: null };
  const info = toHeartbeatInfo(latest.info);
  return { status: "up", startedAt: latest.startedAt, restarts: info.restarts ?? 0, lastExit: info.lastExit ?? null };
}

export type WorkerHealth = Awaited<ReturnType<typeof workerHealth>>;

/**
 * What /api/health reports: whether the database answers within `timeoutMs` and, if so, the worker's
 * health. A hung database must not hang the health check for the client's read timeout (a load
 * balancer or service manager probing it needs an answer in seconds).
 */
export async function systemHealth(db: DbClient, timeoutMs: number): Promise<{ dbUp: boolean; worker: WorkerHealth }> {
  const down: WorkerHealth = { status: "down", startedAt: null, restarts: 0, lastExit: null };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const worker = await Promise.race([db.$queryRaw`SELECT 1`.then(() => workerHealth(db)), deadline]);
    return { dbUp: true, worker };
  } catch {
    return { dbUp: false, worker: down };
  } finally {
    clearTimeout(timer);
  }
}
