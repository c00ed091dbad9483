// Shared by the distributed-mode fault tests: a small cluster of real processes (Debian's nats-server
// with JetStream on a temporary directory, a collector process fed NetFlow v9 over UDP, detection
// workers), one minute of flows from an exporter, and the count of lost and doubled host-minutes.
//
// Timing. A worker stores a minute once its clock is the lateness allowance past the minute's end, so
// minutes are stored 60 s apart, and a test that waited for the wall clock's next minute would run
// up to a minute longer. The exporter's clock is therefore set behind by `skew` (exporters' clocks do
// drift; the collector accepts up to an hour), chosen so that its minute ends at `stopAt`, when the
// sending ends, and the workers' lateness is `skew` + 2 s: the minute is stored 2 s (plus a flush)
// after the last flow was sent.
import dgram from "node:dgram";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "../../../lib/db/client";
import { encodeNetflowV9 } from "../../../lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "../../../lib/telemetry/netflow/flow-export-record";
import { startNats, type Running } from "../../../scripts/lib/local-cluster";
import { waitFor } from "../wait-for";
import { startProcess, workerEnv, type Proc } from "../worker/worker-harness";

export const MINUTE = 60_000;
const BYTES = 1_000;

export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** When the exporter's minute ends (`stopAt`, wall clock), its skew, the minute itself and the workers' lateness. */
export interface MinutePlan {
  stopAt: number;
  skew: number;
  flowMinute: number;
  latenessSec: number;
}

export function planMinute(stopAt: number): MinutePlan {
  const skew = stopAt % MINUTE;
  return { stopAt, skew, flowMinute: stopAt - skew - MINUTE, latenessSec: (skew + 2_000) / 1000 };
}

export interface Cluster {
  nats: Running & { url: string };
  natsPort: number;
  natsDir: string;
  collector: Proc;
  workers: Proc[];
  netflowPort: number;
  /** nats-server killed (SIGKILL) and started again on the same directory and port. */
  restartNats(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * nats-server, a collector and `workers` workers on the database at `databaseUrl` (the test checks
 * ownership on `prisma`), returned once every partition is held and spread over all the workers.
 */
export async function startCluster(
  prisma: PrismaClient,
  databaseUrl: string,
  o: { partitions: number; workers: number; plan: MinutePlan; env?: Record<string, string> },
): Promise<Cluster> {
  const natsDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-nats-"));
  let nats = await startNats(natsDir);
  const natsPort = Number(new URL(nats.url).port);
  const netflowPort = await freeUdpPort();
  const bus = {
    TIDEWATCH_BUS: nats.url,
    BUS_PARTITIONS: String(o.partitions),
    ROLLUP_LATENESS_SEC: String(o.plan.latenessSec),
    ...o.env,
  };
  const collector = startProcess(["--import", "tsx", "workers/cluster/collector-main.ts"], workerEnv(databaseUrl, { ...bus, NETFLOW_PORT: String(netflowPort) }));
  const workers: Proc[] = [];
  for (let i = 0; i < o.workers; i++) workers.push(startProcess(["--import", "tsx", "workers/main.ts"], workerEnv(databaseUrl, bus)));
  const cluster: Cluster = {
    get nats() {
      return nats;
    },
    natsPort,
    natsDir,
    collector,
    workers,
    netflowPort,
    async restartNats(downMs) {
      nats.proc.kill("SIGKILL");
      await new Promise((r) => (nats.proc.exitCode !== null || nats.proc.signalCode !== null ? r(null) : nats.proc.once("exit", r)));
      await new Promise((r) => setTimeout(r, downMs));
      nats = await startNats(natsDir, false, natsPort);
    },
    async stop() {
      for (const p of [collector, ...workers]) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGKILL");
      nats.proc.kill("SIGKILL");
      fs.rmSync(natsDir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(
      `${o.workers} workers owning the partitions`,
      async () => {
        const held = await prisma.clusterLease.findMany({ where: { name: { startsWith: "partition:" }, expiresAt: { gt: new Date() } } });
        return held.length === o.partitions && new Set(held.map((l) => l.holder)).size === o.workers;
      },
      45_000,
    );
    await waitFor("the collector to listen", () => /publishing telemetry to the bus/.test(collector.output()), 20_000);
  } catch (err) {
    await cluster.stop();
    throw new Error(`${String(err)}\n${[collector, ...workers].map((w) => w.output().slice(-3000)).join("\n---\n")}`);
  }
  return cluster;
}

/** An exporter (a loopback address) sending each host's flows of the plan's minute, and what it sent. */
export class MinuteOfFlows {
  readonly sent = new Map<string, { flows: number; bytes: number }>();
  private sequence = 0;
  private socket: dgram.Socket | undefined;

  constructor(
    private readonly plan: MinutePlan,
    readonly hosts: readonly string[],
    private readonly port: number,
    private readonly exporter: string,
  ) {}

  /** One flow per host, stamped with the exporter's (skewed) clock, kept inside the plan's minute. */
  async round(): Promise<void> {
    if (!this.socket) {
      const s = dgram.createSocket("udp4");
      await new Promise<void>((r) => s.bind(0, this.exporter, () => r()));
      this.socket = s;
    }
    const { skew, flowMinute } = this.plan;
    const end = Math.max(flowMinute + 1_000, Math.min(Date.now() - skew, flowMinute + MINUTE - 1));
    const flows: FlowExportRecord[] = this.hosts.map((host, i) => ({
      srcAddr: host,
      dstAddr: `203.0.113.${i + 1}`,
      srcPort: 40000 + i,
      dstPort: 443,
      protocol: 6,
      bytes: BYTES,
      packets: 2,
      startMs: end - 200,
      endMs: end,
    }));
    const { datagrams, nextSequence } = encodeNetflowV9(flows, { exportMs: end, sequence: this.sequence });
    this.sequence = nextSequence;
    const socket = this.socket;
    for (const d of datagrams) await new Promise<void>((r, j) => socket.send(d, this.port, "127.0.0.1", (e) => (e ? j(e) : r())));
    for (const host of this.hosts) {
      const s = this.sent.get(host) ?? { flows: 0, bytes: 0 };
      s.flows += 1;
      s.bytes += BYTES;
      this.sent.set(host, s);
    }
  }

  /** Rounds every `everyMs` until the plan's `stopAt`. */
  async sendUntilStop(everyMs = 250): Promise<void> {
    while (Date.now() < this.plan.stopAt - everyMs) {
      await this.round();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  /**
   * Hosts whose stored minutes miss flows (or are not one row), and hosts with more flows or bytes
   * than were sent: both empty when every host-minute is stored exactly once.
   */
  async lostAndDoubled(prisma: PrismaClient): Promise<{ lost: string[]; doubled: string[] }> {
    const rows = await prisma.flowRollup.findMany({ where: { device: { name: { in: [...this.hosts] } } }, include: { device: true } });
    const lost: string[] = [];
    const doubled: string[] = [];
    for (const host of this.hosts) {
      const got = rows.filter((r) => r.device.name === host);
      const want = this.sent.get(host)!;
      const flows = got.reduce((n, r) => n + r.flows, 0);
      const bytes = got.reduce((n, r) => n + r.bytesOut, 0);
      if (got.length !== 1 || flows < want.flows || bytes < want.bytes) lost.push(`${host}: ${flows}/${want.flows} flows in ${got.length} minutes`);
      if (flows > want.flows || bytes > want.bytes) doubled.push(`${host}: ${flows}/${want.flows} flows, ${bytes}/${want.bytes} bytes`);
    }
    return { lost, doubled };
  }

  /** Resolves with the stored host-minutes once every host has its row for the plan's minute. */
  storedMinutes(prisma: PrismaClient, timeoutMs: number): Promise<{ device: { name: string }; bytesOut: number; flows: number }[]> {
    return waitFor(
      "every host's minute stored",
      async () => {
        const rows = await prisma.flowRollup.findMany({ where: { ts: new Date(this.plan.flowMinute) }, include: { device: true } });
        const hosts = rows.filter((r) => this.hosts.includes(r.device.name));
        return hosts.length === this.hosts.length ? hosts : null;
      },
      timeoutMs,
    );
  }
}
