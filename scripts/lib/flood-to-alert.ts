// Time from a flood's first flow to its alert in the database, on the product's real path: a worker
// process (its NetFlow collector on UDP, the fast path, the detection pipeline, Postgres) fed real
// NetFlow v9 datagrams. Shared by the fast-path integration test, `npm run bench:fast-path` and the
// mitigation benchmark (which goes on from the alert to the route):
//
//   const worker = await startFloodWorker(databaseUrl);          // or any running worker's netflow port
//   const timing = await floodToAlert(prisma, worker.netflowPort, { host: "10.66.0.1" });
//   timing.msToAlert   // first datagram sent → the alert row's created_at
//   await worker.stop();
import { spawn } from "node:child_process";
import dgram from "node:dgram";
import type { PrismaClient } from "@prisma/client";
import { listAlerts } from "@/lib/db/alert-queries";
import { listHeartbeats } from "@/lib/db/worker-heartbeat-queries";
import { FAST_FLOOD_DETECTOR_ID } from "@/lib/detect/detectors/flow/fast-flood-detector";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FloodWorker {
  pid: number;
  netflowPort: number;
  /** Everything the worker wrote (for a failure's message). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx workers/main.ts` (from the repository root) against `databaseUrl`, the
 * NetFlow collector on a free UDP port of 127.0.0.1 and INTERNAL_SUBNETS 10.0.0.0/8, and resolves once
 * its heartbeat names the port. `env` adds or overrides settings (e.g. MITIGATION_BGP).
 */
export async function startFloodWorker(prisma: PrismaClient, databaseUrl: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<FloodWorker> {
  let output = "";
  const proc = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SIMULATE: "0",
      COLLECTORS: "netflow",
      NETFLOW_PORT: "0",
      WORKER_METRICS_PORT: "0",
      COLLECTOR_HOST: "127.0.0.1",
      INTERNAL_SUBNETS: "10.0.0.0/8",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      await Promise.race([exited, sleep(20_000)]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    }
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const beat = (await listHeartbeats(prisma)).find((h) => h.info.pid === proc.pid);
    const port = beat?.info.collectors?.find((c) => c.name === "netflow")?.ports?.udp;
    if (port) return { pid: proc.pid!, netflowPort: port, output: () => output, stop };
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the worker did not start:\n${output.slice(-4000)}`);
    }
    await sleep(200);
  }
}

export interface FloodOptions {
  /** The attacked internal host. */
  host: string;
  /** Packets per second of the flood (default 200,000). */
  pps?: number;
  /** How long it lasts, at most (default 10 s); `until` may end it sooner. */
  seconds?: number;
  /** Spoofed sources (default 200). */
  sources?: number;
  /** Bytes per packet (default 64: a small-packet UDP flood). */
  packetBytes?: number;
  /** The exporter's address on loopback (default 127.0.0.61). */
  exporter?: string;
  /** How often the exporter exports the flood's last slice (default 250 ms). */
  exportEveryMs?: number;
}

/**
 * Exports a UDP flood towards `opts.host` as NetFlow v9 to `port`, a slice every `exportEveryMs`, until
 * `seconds` pass or `until` resolves; resolves with when the first datagram was sent (epoch ms).
 */
export async function sendFlood(port: number, opts: FloodOptions, until?: Promise<unknown>): Promise<number> {
  const pps = opts.pps ?? 200_000;
  const sources = opts.sources ?? 200;
  const every = opts.exportEveryMs ?? 250;
  const size = opts.packetBytes ?? 64;
  let stopped = false;
  void until?.then(
    () => (stopped = true),
    () => (stopped = true),
  );
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, opts.exporter ?? "127.0.0.61", () => resolve()));
  let sequence = 0;
  let first: number | undefined;
  const endAt = Date.now() + (opts.seconds ?? 10) * 1000;
  try {
    while (!stopped && Date.now() < endAt) {
      const now = Date.now();
      const packets = Math.max(1, Math.round((pps * every) / 1000 / sources));
      const flows: FlowExportRecord[] = Array.from({ length: sources }, (_, k) => ({
        srcAddr: `198.18.${(k >> 8) & 255}.${(k & 255) + 1}`,
        dstAddr: opts.host,
        srcPort: 123,
        dstPort: 1024 + (k % 50_000),
        protocol: 17,
        bytes: packets * size,
        packets,
        startMs: now - every,
        endMs: now,
      }));
      const { datagrams, nextSequence } = encodeNetflowV9(flows, { exportMs: now, sequence });
      sequence = nextSequence;
      first ??= Date.now();
      for (const d of datagrams) await new Promise<void>((r, j) => socket.send(d, port, "127.0.0.1", (e) => (e ? j(e) : r())));
      await sleep(Math.max(0, now + every - Date.now()));
    }
  } finally {
    await new Promise<void>((r) => socket.close(() => r()));
  }
  return first ?? Date.now();
}

/**
 * Ordinary traffic towards `hosts` for `seconds` or until `signal` aborts (a few hundred packets/s each,
 * answered outbound), so the fast path learns their usual windows before a flood; resolves when done.
 */
export async function sendBackground(port: number, hosts: readonly string[], seconds: number, signal?: AbortSignal, exporter = "127.0.0.62"): Promise<void> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, exporter, () => resolve()));
  let sequence = 0;
  const endAt = Date.now() + seconds * 1000;
  try {
    while (Date.now() < endAt && !signal?.aborted) {
      const now = Date.now();
      const flows: FlowExportRecord[] = hosts.flatMap((host, i) => [
        { srcAddr: `203.0.113.${(i % 250) + 1}`, dstAddr: host, srcPort: 50_000 + i, dstPort: 443, protocol: 6, bytes: 120_000, packets: 200, startMs: now - 1000, endMs: now, tcpFlags: 0x1b },
        { srcAddr: host, dstAddr: `203.0.113.${(i % 250) + 1}`, srcPort: 443, dstPort: 50_000 + i, protocol: 6, bytes: 400_000, packets: 300, startMs: now - 1000, endMs: now, tcpFlags: 0x1b },
      ]);
      const { datagrams, nextSequence } = encodeNetflowV9(flows, { exportMs: now, sequence });
      sequence = nextSequence;
      for (const d of datagrams) await new Promise<void>((r, j) => socket.send(d, port, "127.0.0.1", (e) => (e ? j(e) : r())));
      await sleep(Math.max(0, now + 1000 - Date.now()));
    }
  } finally {
    await new Promise<void>((r) => socket.close(() => r()));
  }
}

export interface FastAlert {
  alertId: number;
  createdAt: Date;
  evidence: Record<string, unknown> | null;
}

/** The fast path's alert for `host` created at or after `since`, once it is in the database. */
export async function waitForFastAlert(prisma: PrismaClient, host: string, since: Date, timeoutMs = 30_000): Promise<FastAlert> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { alerts } = await listAlerts(prisma, { detector: [FAST_FLOOD_DETECTOR_ID], from: since, limit: 200 }, null);
    const found = alerts.find((a) => a.device.name === host);
    if (found) return { alertId: found.id, createdAt: new Date(found.createdAt), evidence: found.evidence as Record<string, unknown> | null };
    if (Date.now() > deadline) throw new Error(`no fast-path alert for ${host} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export interface FloodTiming extends FastAlert {
  host: string;
  /** When the flood's first datagram was sent (epoch ms). */
  firstFlowAt: number;
  /** First datagram → the alert row's created_at (the database's clock, same machine). */
  msToAlert: number;
}

/** Floods `opts.host` through the worker listening on `netflowPort` until its fast-path alert is stored. */
export async function floodToAlert(prisma: PrismaClient, netflowPort: number, opts: FloodOptions, timeoutMs = 30_000): Promise<FloodTiming> {
  const since = new Date(Date.now() - 1_000);
  let firstFlowAt: number | undefined;
  const alert = waitForFastAlert(prisma, opts.host, since, timeoutMs);
  const sending = sendFlood(netflowPort, { seconds: timeoutMs / 1000, ...opts }, alert).then((t) => (firstFlowAt = t));
  const found = await alert.finally(() => sending);
  await sending;
  return { ...found, host: opts.host, firstFlowAt: firstFlowAt!, msToAlert: found.createdAt.getTime() - firstFlowAt! };
}
