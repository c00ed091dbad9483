// The worker as it runs in production: a real process with every collector listening, fed real
// NetFlow v9 and IPFIX datagrams and real syslog (util-linux `logger`), writing device-minutes and
// discovered devices to Postgres, serving its counters at /metrics, and stopping cleanly.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeIpfix } from "../../../lib/telemetry/netflow/encode-ipfix";
import { encodeNetflowV9 } from "../../../lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "../../../lib/telemetry/netflow/flow-export-record";
import { createTestDatabase, type TestDatabase } from "../test-database";

let t: TestDatabase;
let worker: ChildProcess;
let output = "";
let ports: { netflow: number; syslog: number; metrics: number };

interface HeartbeatInfo {
  collectors: { name: string; ports: { udp?: number; tcp?: number } | null }[];
  metricsPort: number | null;
}

beforeAll(async () => {
  t = await createTestDatabase();
  worker = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      SIMULATE: "0",
      NETFLOW_PORT: "0",
      SYSLOG_PORT: "0",
      WORKER_METRICS_PORT: "0",
      COLLECTOR_HOST: "127.0.0.1",
      INTERNAL_SUBNETS: "10.0.0.0/8",
      ROLLUP_LATENESS_SEC: "1",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  worker.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  // the worker publishes its listening ports in its heartbeat once every collector is up
  const deadline = Date.now() + 30_000;
  for (;;) {
    const hb = (await t.prisma.workerHeartbeat.findFirst())?.info as unknown as HeartbeatInfo | undefined;
    if (hb && hb.collectors.length >= 2 && hb.metricsPort) break;
    if (Date.now() > deadline) throw new Error(`worker did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const info = (await t.prisma.workerHeartbeat.findFirstOrThrow()).info as unknown as HeartbeatInfo;
  const port = (name: string) => info.collectors.find((c) => c.name === name)!.ports!.udp!;
  ports = { netflow: port("netflow"), syslog: port("syslog"), metrics: info.metricsPort! };
}, 60_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill("SIGKILL");
  await t?.drop();
});

function send(port: number, datagrams: Buffer[], from = "127.0.0.1"): Promise<void> {
  const socket = dgram.createSocket("udp4");
  return new Promise((resolve, reject) => {
    socket.bind(0, from, async () => {
      try {
        for (const d of datagrams) await new Promise<void>((r, j) => socket.send(d, port, "127.0.0.1", (e) => (e ? j(e) : r())));
        socket.close(() => resolve());
      } catch (err) {
        reject(err);
      }
    });
  });
}

describe("worker process", () => {
  // syslog is counted in the minute it arrives, which is stored once that minute is over
  it("turns NetFlow v9, IPFIX and syslog from the wire into device-minutes, discovered devices and counters", { timeout: 180_000 }, async () => {
    // flows that ended just now, all in the same minute (older minutes are already closed: lateness is 1 s)
    const endMs = Date.now() - 1_000;
    const flows: FlowExportRecord[] = Array.from({ length: 40 }, (_, i) => ({
      srcAddr: "10.9.0.10",
      dstAddr: `203.0.113.${i + 1}`,
      srcPort: 40000 + i,
      dstPort: i % 2 ? 443 : 22,
      protocol: 6,
      bytes: 15_000,
      packets: 10,
      startMs: endMs - 500,
      endMs,
      tcpFlags: 0x02,
    }));
    await send(ports.netflow, encodeNetflowV9(flows.slice(0, 20), { exportMs: endMs }).datagrams, "127.0.0.21");
    await send(ports.netflow, encodeIpfix(flows.slice(20), { exportMs: endMs }).datagrams, "127.0.0.22");
    execFileSync("logger", ["--server", "127.0.0.1", "--port", String(ports.syslog), "--udp", "--rfc5424", "-p", "local0.err", "-t", "ifmgr", "Interface Gi0/1 changed state to down"]);
    execFileSync("logger", ["--server", "127.0.0.1", "--port", String(ports.syslog), "--tcp", "--octet-count", "--rfc5424", "-p", "local0.info", "-t", "sshd", "session opened"]);
    // this logger cannot set HOSTNAME: the messages name this machine, which becomes a device
    const hostname = os.hostname();

    // the flow source host (internal) and both exporters appear in the inventory as discovered
    await expect
      .poll(async () => (await t.prisma.device.findMany({ where: { status: "discovered" }, orderBy: { name: "asc" } })).map((d) => d.name), {
        timeout: 90_000,
      })
      .toEqual(expect.arrayContaining(["10.9.0.10", "127.0.0.21", "127.0.0.22"]));
    const host = await t.prisma.device.findUniqueOrThrow({ where: { name: "10.9.0.10" } });
    await expect
      .poll(async () => (await t.prisma.metricSample.findMany({ where: { deviceId: host.id } })).map((s) => s.bandwidthOutBps), { timeout: 30_000 })
      .toEqual([(40 * 15_000 * 8) / 60]);
    const rollup = await t.prisma.flowRollup.findFirstOrThrow({ where: { deviceId: host.id } });
    expect(rollup).toMatchObject({ flows: 40, tcpSynFlows: 40, distinctPeers: 40, distinctDstPorts: 2 });

    await expect.poll(() => t.prisma.device.findUnique({ where: { name: hostname } }), { timeout: 90_000 }).toBeTruthy();
    const sys = await t.prisma.device.findUniqueOrThrow({ where: { name: hostname } });
    expect(sys.status).toBe("discovered");
    await expect
      .poll(async () => (await t.prisma.syslogRollup.findMany({ where: { deviceId: sys.id } })).reduce((n, r) => n + r.total, 0), { timeout: 30_000 })
      .toBe(2);
    const sysSample = await t.prisma.metricSample.findFirstOrThrow({ where: { deviceId: sys.id } });
    expect(sysSample).toMatchObject({ syslogMessages: 2, syslogErrors: 1, syslogFailures: 1 });

    const metrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    expect(metrics).toMatch(/tidewatch_flow_records_total\{version="9"\} 20/);
    expect(metrics).toMatch(/tidewatch_flow_records_total\{version="10"\} 20/);
    expect(metrics).toMatch(/tidewatch_syslog_messages_total\{[^}]*\} 1/);
    expect(metrics).toContain("tidewatch_ingest_lag_seconds");
  });

  it("stops cleanly on SIGTERM and clears its heartbeat", async () => {
    const exited = new Promise<number | null>((r) => worker.once("exit", (code) => r(code)));
    worker.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("stopped");
    expect(await t.prisma.workerHeartbeat.count()).toBe(0);
  });
});
