// The worker process as deployed, flooded over real UDP: future-dated NetFlow v5 is dropped as
// clock_skew and its exporter named in the heartbeat the Overview reads and in /metrics; flows naming
// 1,000 spoofed internal hosts against a rollup budget of 300 open device-minutes fill it to its host
// share and the rest is counted as rollup_budget, while a real exporter's flows in the same minute
// are still stored.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { futureDatedV5, sendFrom, spoofedHostsV5 } from "./hostile-traffic";

let t: TestDatabase;
let worker: ChildProcess;
let output = "";
let ports: { netflow: number; metrics: number };

interface Info {
  collectors: { name: string; ports?: { udp?: number } | null; clockSkew?: { exporter: string; skewSec: number; records: number }[] }[];
  metricsPort: number | null;
}

const heartbeat = async () => (await t.prisma.workerHeartbeat.findFirst())?.info as unknown as Info | undefined;
const metricsText = async () => (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
const sample = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  worker = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      SIMULATE: "0",
      COLLECTORS: "netflow",
      NETFLOW_PORT: "0",
      WORKER_METRICS_PORT: "0",
      COLLECTOR_HOST: "127.0.0.1",
      INTERNAL_SUBNETS: "10.0.0.0/8",
      ROLLUP_LATENESS_SEC: "1",
      FLOW_MAX_OPEN_BUCKETS: "300",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  worker.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const info = await until("the worker to start", async () => {
    const hb = await heartbeat();
    return hb?.metricsPort && hb.collectors.some((c) => c.ports?.udp) ? hb : undefined;
  }, 60_000);
  ports = { netflow: info.collectors.find((c) => c.name === "netflow")!.ports!.udp!, metrics: info.metricsPort! };
}, 90_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill("SIGKILL");
  await t?.drop();
});

describe("worker under flow floods", () => {
  it("drops future-dated flows as clock_skew and names the exporter in its heartbeat and metrics", { timeout: 60_000 }, async () => {
    await sendFrom("127.0.0.9", ports.netflow, futureDatedV5(400));
    const skew = await until("the skewed exporter in the heartbeat", async () => (await heartbeat())?.collectors.find((c) => c.name === "netflow")?.clockSkew?.[0]);
    expect(skew).toMatchObject({ exporter: "127.0.0.9", records: 12_000 });
    expect(skew.skewSec).toBeGreaterThan(60 * 365 * 86_400);
    const text = await until("the sweep to publish the gauge", async () => {
      const m = await metricsText();
      return m.includes('tidewatch_flow_exporter_clock_skew_seconds{exporter="127.0.0.9"}') ? m : undefined;
    });
    expect(sample(text, /tidewatch_collector_dropped_total\{collector="netflow",reason="clock_skew"\} (\d+)/)).toBe(12_000);
    expect(await t.prisma.device.count()).toBe(0);
  });

  it("caps open device-minutes when flows name 1,000 spoofed hosts, counting the rest, while a real exporter's minute is stored", { timeout: 90_000 }, async () => {
    // all in the previous minute, so the next flush (lateness 1 s) stores them
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    if (Date.now() - minute < 3_000) await new Promise((r) => setTimeout(r, 3_000));
    await sendFrom("127.0.0.7", ports.netflow, spoofedHostsV5(1_000, minute));
    const real = encodeNetflowV5(
      [{ srcAddr: "192.0.2.10", dstAddr: "198.51.100.20", srcPort: 443, dstPort: 50_000, protocol: 6, bytes: 123_456, packets: 90, startMs: minute - 20_000, endMs: minute - 1_000 }],
      { exportMs: minute },
    ).datagrams;
    await sendFrom("127.0.0.5", ports.netflow, real);
    const text = await until("the refused flows to be counted", async () => {
      const m = await metricsText();
      return sample(m, /tidewatch_collector_dropped_total\{collector="netflow",reason="rollup_budget"\} (\d+)/) > 0 ? m : undefined;
    });
    // each flow names two internal hosts (up to 2,000 host-minutes): hosts may open 270 of the 300
    // buckets, so at least 730 host attributions were refused, each counted
    const refused = sample(text, /tidewatch_collector_dropped_total\{collector="netflow",reason="rollup_budget"\} (\d+)/);
    expect(refused).toBeGreaterThanOrEqual(1_000 - 270);
    expect(sample(text, /tidewatch_flow_budget_evictions_total\{budget="rollup_buckets"\} (\d+)/)).toBe(refused);
    // the real exporter (not internal: only its own bucket) got its minute stored with its bytes
    const stored = await until("the real exporter's minute", async () => {
      const device = await t.prisma.device.findFirst({ where: { managementIp: "127.0.0.5" } });
      if (!device) return undefined;
      return (await t.prisma.flowRollup.findFirst({ where: { deviceId: device.id } })) ?? undefined;
    });
    expect(stored.bytesIn + stored.bytesOut).toBe(123_456);
    expect(worker.exitCode).toBeNull();
  });
});
