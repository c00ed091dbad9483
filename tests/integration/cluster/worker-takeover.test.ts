// Distributed mode as it runs: Debian's nats-server with JetStream, a collector process receiving
// real NetFlow v9 datagrams and publishing them to the bus, two detection workers owning the
// partitions, real Postgres. One worker is killed (SIGKILL) mid-stream: the other takes its partitions
// over, and every device-minute is stored exactly once with all its flows (none lost, none doubled).
import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../lib/db/embedded-postgres";
import { partitionOf } from "../../../lib/telemetry/bus/bus-batch";
import { encodeNetflowV9 } from "../../../lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "../../../lib/telemetry/netflow/flow-export-record";
import { findTool } from "../../../scripts/lib/find-tool";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { waitFor } from "../wait-for";
import { startProcess, workerEnv, type Proc } from "../worker/worker-harness";

const MINUTE = 60_000;
const PARTITIONS = 8;
const HOSTS = Array.from({ length: 24 }, (_, i) => `10.9.0.${i + 1}`);
const EXPORTER = "127.0.0.41";
const BYTES = 1_000;

let t: TestDatabase;
let dir: string;
let nats: ChildProcess | undefined;
let collector: Proc | undefined;
const workers: Proc[] = [];

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// Timing. A worker stores a minute once its clock is the lateness allowance past the minute's end, so
// minutes are stored 60 s apart, and a test that waited for the wall clock's next minute would run
// up to a minute longer. The exporter's clock is therefore set behind by `skew` (exporters' clocks do
// drift; the collector accepts up to an hour), chosen so that its current minute ends at `stopAt`,
// when the sending ends, and the workers' lateness is `skew` + 2 s: the minute is stored 2 s (plus a
// flush) after the last flow was sent.
const launchedAt = Date.now();
const stopAt = launchedAt + 45_000;
const skew = stopAt % MINUTE;
const flowMinute = stopAt - skew - MINUTE;

let netflowPort: number;
let sequence = 0;
const sent = new Map<string, { flows: number; bytes: number }>();

async function sendRound(socket: dgram.Socket): Promise<void> {
  const end = Math.min(Date.now() - skew, flowMinute + MINUTE - 1);
  const flows: FlowExportRecord[] = HOSTS.map((host, i) => ({
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
  const { datagrams, nextSequence } = encodeNetflowV9(flows, { exportMs: end, sequence });
  sequence = nextSequence;
  for (const d of datagrams) await new Promise<void>((r, j) => socket.send(d, netflowPort, "127.0.0.1", (e) => (e ? j(e) : r())));
  for (const host of HOSTS) {
    const s = sent.get(host) ?? { flows: 0, bytes: 0 };
    s.flows += 1;
    s.bytes += BYTES;
    sent.set(host, s);
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-nats-"));
  const natsPort = await freePort();
  nats = spawn(findTool("nats-server", "nats-server"), ["-js", "-sd", dir, "-a", "127.0.0.1", "-p", String(natsPort)], { stdio: "ignore" });
  netflowPort = await freeUdpPort();
  const bus = {
    TIDEWATCH_BUS: `nats://127.0.0.1:${natsPort}`,
    BUS_PARTITIONS: String(PARTITIONS),
    BUS_LEASE_TTL_SEC: "3",
    ROLLUP_LATENESS_SEC: String((skew + 2_000) / 1000),
  };
  // nats-server takes a moment to listen; the processes retry their first connection only briefly
  await waitFor("nats-server to listen", async () => {
    const net = await import("node:net");
    return new Promise<boolean>((resolve) => {
      const c = net.connect(natsPort, "127.0.0.1", () => (c.end(), resolve(true)));
      c.on("error", () => resolve(false));
    });
  });
  collector = startProcess(["--import", "tsx", "workers/cluster/collector-main.ts"], workerEnv(t.url, { ...bus, NETFLOW_PORT: String(netflowPort) }));
  for (let i = 0; i < 2; i++) workers.push(startProcess(["--import", "tsx", "workers/main.ts"], workerEnv(t.url, bus)));
  // both workers own partitions, and the collector listens
  await waitFor(
    "two workers owning the partitions",
    async () => {
      const held = await t.prisma.clusterLease.findMany({ where: { name: { startsWith: "partition:" }, expiresAt: { gt: new Date() } } });
      return held.length === PARTITIONS && new Set(held.map((l) => l.holder)).size === 2;
    },
    40_000,
  ).catch((err) => {
    throw new Error(`${String(err)}\n${workers.map((w) => w.output()).join("\n---\n")}`);
  });
  await waitFor("the collector to listen", () => /publishing telemetry to the bus/.test(collector!.output()), 20_000);
}, 60_000);

afterAll(async () => {
  for (const p of [collector, ...workers]) if (p && p.proc.exitCode === null) p.proc.kill("SIGKILL");
  nats?.kill("SIGKILL");
  await t?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("distributed mode: a worker killed mid-stream", () => {
  it("has its partitions taken over, and no device-minute is lost or doubled", async () => {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((r) => socket.bind(0, EXPORTER, () => r()));
    // the victim: the worker owning the partitions of the most hosts
    const leases = await t.prisma.clusterLease.findMany({ where: { name: { startsWith: "partition:" } } });
    const holderOf = new Map(leases.map((l) => [Number(l.name.split(":")[1]), l.holder]));
    const hostsOf = new Map<string, number>();
    for (const h of HOSTS) hostsOf.set(holderOf.get(partitionOf(h, PARTITIONS))!, (hostsOf.get(holderOf.get(partitionOf(h, PARTITIONS))!) ?? 0) + 1);
    const victimId = [...hostsOf].sort((a, b) => b[1] - a[1])[0]![0];
    const beat = await t.prisma.workerHeartbeat.findUniqueOrThrow({ where: { id: victimId } });
    const victimPid = (beat.info as { pid: number }).pid;
    const victim = workers.find((w) => w.proc.pid === victimPid)!;
    const survivor = workers.find((w) => w !== victim)!;
    expect(victim).toBeDefined();

    // send until the exporter's minute ends; kill the victim half-way, while its minute is open
    const killAt = Date.now() + (stopAt - Date.now()) / 2;
    let killed = false;
    while (Date.now() < stopAt - 250) {
      await sendRound(socket);
      if (!killed && Date.now() >= killAt) {
        victim.proc.kill("SIGKILL");
        killed = true;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    socket.close();
    expect(killed).toBe(true);
    expect(sent.get(HOSTS[0]!)!.flows).toBeGreaterThan(10);

    // the survivor holds every partition and stores the minute: every host's flows exactly once
    await waitFor(
      "the survivor to own every partition",
      async () => (await t.prisma.clusterLease.count({ where: { name: { startsWith: "partition:" }, holder: { not: victimId }, expiresAt: { gt: new Date() } } })) === PARTITIONS,
      15_000,
    );
    const stored = await waitFor(
      "every host's minute stored",
      async () => {
        const rows = await t.prisma.flowRollup.findMany({ where: { ts: new Date(flowMinute) }, include: { device: true } });
        const hosts = rows.filter((r) => HOSTS.includes(r.device.name));
        return hosts.length === HOSTS.length ? hosts : null;
      },
      20_000,
    ).catch((err) => {
      throw new Error(`${String(err)}\n${survivor.output().slice(-4000)}`);
    });
    // give a late duplicate the time to land (a flush and more), then count
    await new Promise((r) => setTimeout(r, 6_000));
    const rows = await t.prisma.flowRollup.findMany({ where: { device: { name: { in: HOSTS } } }, include: { device: true } });
    const lost: string[] = [];
    const doubled: string[] = [];
    for (const host of HOSTS) {
      const got = rows.filter((r) => r.device.name === host);
      const want = sent.get(host)!;
      const flows = got.reduce((n, r) => n + r.flows, 0);
      if (got.length !== 1 || flows < want.flows) lost.push(`${host}: ${flows}/${want.flows} flows in ${got.length} minutes`);
      if (flows > want.flows || got.some((r) => r.bytesOut > want.bytes)) doubled.push(`${host}: ${flows}/${want.flows} flows`);
    }
    expect({ lost, doubled }).toEqual({ lost: [], doubled: [] });
    expect(stored.every((r) => r.bytesOut === sent.get(r.device.name)!.bytes)).toBe(true);
    // and the merged sample (what detection and the charts read) is there once per host-minute
    const samples = await t.prisma.metricSample.count({ where: { ts: new Date(flowMinute), device: { name: { in: HOSTS } } } });
    expect(samples).toBe(HOSTS.length);
    // the victim's partitions were consumed by both: before the kill by the victim, after by the survivor
    expect(survivor.output()).toMatch(/partition taken/);
  }, 60_000);
});
