// Shared by the worker process tests: start a real worker (or the `tidewatch` supervisor), read its
// heartbeat, send it real NetFlow v9 datagrams over UDP, and read back what it stored.
import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import type { PrismaClient } from "../../../lib/db/client";
import { encodeNetflowV9 } from "../../../lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "../../../lib/telemetry/netflow/flow-export-record";

export const MINUTE = 60_000;

/** The environment of a worker with every port chosen freely and a 1 s lateness window. */
export function workerEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    SIMULATE: "0",
    NETFLOW_PORT: "0",
    SYSLOG_PORT: "0",
    WORKER_METRICS_PORT: "0",
    COLLECTOR_HOST: "127.0.0.1",
    COLLECTORS: "netflow",
    INTERNAL_SUBNETS: "10.0.0.0/8",
    ROLLUP_LATENESS_SEC: "1",
    LOG_LEVEL: "info",
    ...extra,
  };
}

export interface Proc {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function startProcess(args: string[], env: NodeJS.ProcessEnv): Proc {
  let output = "";
  const proc = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return { proc, output: () => output, exited };
}

interface HeartbeatInfo {
  pid: number;
  collectors: { name: string; ports: { udp?: number } | null }[];
  restarts?: number;
}

/** Waits for a heartbeat (of a worker other than `notPid`) whose netflow collector listens; its pid and port. */
export async function waitForWorker(prisma: PrismaClient, output: () => string, notPid?: number, timeoutMs = 30_000): Promise<{ pid: number; netflowPort: number; restarts: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const row of await prisma.workerHeartbeat.findMany()) {
      const info = row.info as unknown as HeartbeatInfo;
      const port = info.collectors?.find((c) => c.name === "netflow")?.ports?.udp;
      if (port && info.pid !== notPid) return { pid: info.pid, netflowPort: port, restarts: info.restarts ?? 0 };
    }
    if (Date.now() > deadline) throw new Error(`no worker heartbeat:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sequences = new Map<string, number>();

/**
 * Sends `count` TCP flows from `host` (internal) to outside peers, all ending in the minute that starts
 * at `minuteMs`, as NetFlow v9 from the exporter `exporter` (a loopback address).
 */
export async function sendFlows(port: number, host: string, minuteMs: number, count = 40, exporter = "127.0.0.31"): Promise<void> {
  const endMs = minuteMs + 30_000;
  const flows: FlowExportRecord[] = Array.from({ length: count }, (_, i) => ({
    srcAddr: host,
    dstAddr: `203.0.113.${(i % 250) + 1}`,
    srcPort: 40000 + i,
    dstPort: 443,
    protocol: 6,
    bytes: 15_000,
    packets: 10,
    startMs: endMs - 500,
    endMs,
    tcpFlags: 0x02,
  }));
  const sequence = sequences.get(exporter) ?? 0;
  const { datagrams } = encodeNetflowV9(flows, { exportMs: Date.now(), sequence });
  sequences.set(exporter, sequence + datagrams.length);
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, exporter, () => resolve()));
  for (const d of datagrams) await new Promise<void>((r, j) => socket.send(d, port, "127.0.0.1", (e) => (e ? j(e) : r())));
  await new Promise<void>((r) => socket.close(() => r()));
}

/** The flow rollup of a host's minute, once the worker stored it (the host is discovered as a device). */
export async function storedFlows(prisma: PrismaClient, host: string, minuteMs: number): Promise<{ flows: number; bytesOut: number } | null> {
  const device = await prisma.device.findUnique({ where: { name: host } });
  if (!device) return null;
  const row = await prisma.flowRollup.findUnique({ where: { deviceId_ts: { deviceId: device.id, ts: new Date(minuteMs) } } });
  return row ? { flows: row.flows, bytesOut: row.bytesOut } : null;
}

/** A whole minute a few minutes back: flows for it are flushed at the worker's next flush. */
export function pastMinute(minutesAgo: number): number {
  return Math.floor(Date.now() / MINUTE) * MINUTE - minutesAgo * MINUTE;
}
