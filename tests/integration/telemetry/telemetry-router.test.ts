// Collector output → device-minutes in Postgres: flows, syslog and SNMP-style gauges for the same
// device and minute merge into one sample; unknown hosts are discovered; a database failure delays
// the data without losing it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../../lib/db/pool";
import { createLogger } from "../../../lib/log";
import { createSubnetMatcher } from "../../../lib/telemetry/cidr";
import type { FlowRecord } from "../../../lib/telemetry/flow-record";
import type { Clock } from "../../../workers/clock";
import { postgresPipelineStore } from "../../../workers/pipeline-store";
import { createDetectionPipeline, type DetectionPipeline } from "../../../workers/detection-pipeline";
import { DeviceRegistry } from "../../../workers/device-registry";
import { collectorDroppedTotal } from "../../../workers/collectors/collector-metrics";
import { TelemetryRouter, type TelemetryRouterOptions } from "../../../workers/telemetry-router";
import { createTestDatabase, type TestDatabase } from "../test-database";

const T0 = Date.parse("2026-11-17T14:00:00Z");
const log = createLogger("test:router", { level: "error" });
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.prisma.device.create({ data: { name: "edge-1", role: "edge-router", site: "hq", managementIp: "192.0.2.1" } });
});
afterAll(async () => {
  await t?.drop();
});

function flow(over: Partial<FlowRecord> = {}): FlowRecord {
  return {
    exporter: "192.0.2.1",
    srcAddr: "10.1.1.10",
    dstAddr: "203.0.113.9",
    srcPort: 51000,
    dstPort: 443,
    protocol: 6,
    bytes: 600_000,
    packets: 400,
    startMs: T0 + 1_000,
    endMs: T0 + 20_000,
    tcpFlags: 0x02,
    inputIf: 1,
    outputIf: 2,
    samplingRate: 1,
    ...over,
  };
}

async function setup(clock: { t: number }, pipelineOverride?: (p: DetectionPipeline) => DetectionPipeline, options: Partial<TelemetryRouterOptions> = {}) {
  const c: Clock = { now: () => clock.t, sleep: async () => undefined };
  const registry = await DeviceRegistry.load(t.prisma, log);
  let pipeline = createDetectionPipeline({ store: postgresPipelineStore(t.prisma, pool()), lookupDevice: (id) => registry.get(id), log, clock: c });
  if (pipelineOverride) pipeline = pipelineOverride(pipeline);
  const router = new TelemetryRouter({
    pipeline,
    registry,
    clock: c,
    log,
    isInternal: createSubnetMatcher(["10.0.0.0/8"]),
    failureKeywords: (text) => (/\bdown\b/i.test(text) ? ["down"] : []),
    ...options,
  });
  return { router, registry };
}

describe("TelemetryRouter", () => {
  it("merges flows, syslog and gauges of one device-minute and discovers unknown hosts", async () => {
    const clock = { t: T0 + 30_000 };
    const { router } = await setup(clock);
    router.flows([flow(), flow({ dstPort: 22, bytes: 60_000, packets: 100 })]);
    router.syslog(
      { format: "rfc5424", facility: 23, severity: "err", timestampMs: T0, hostname: "edge-1", appName: "ifmgr", message: "Interface Gi0/1 down" },
      "192.0.2.1",
    );
    router.syslog(
      { format: "rfc3164", facility: 23, severity: "info", timestampMs: T0, hostname: null, appName: null, message: "config saved" },
      "192.0.2.1",
    );
    router.deviceMetrics({ address: "192.0.2.1" }, new Date(T0 + 10_000), { cpuPct: 40, memoryPct: 70 });
    router.deviceMetrics({ address: "192.0.2.1" }, new Date(T0 + 40_000), { cpuPct: 60 });

    await router.flush();
    expect(await t.prisma.metricSample.count()).toBe(0); // the minute is still open

    clock.t = T0 + 60_000 + 91_000;
    await router.flush();
    const edge = await t.prisma.device.findUniqueOrThrow({ where: { name: "edge-1" } });
    const sample = await t.prisma.metricSample.findUniqueOrThrow({ where: { deviceId_ts: { deviceId: edge.id, ts: new Date(T0) } } });
    expect(sample.cpuPct).toBe(50);
    expect(sample.memoryPct).toBe(70);
    expect(sample.bandwidthOutBps).toBeCloseTo((660_000 * 8) / 60);
    expect(sample.flowsPerSec).toBeCloseTo(2 / 60);
    expect(sample.connectionsPerSec).toBeCloseTo(2 / 60);
    expect(sample.distinctDstPorts).toBe(2);
    expect(sample.syslogMessages).toBe(2);
    expect(sample.syslogErrors).toBe(1);
    expect(sample.syslogFailures).toBe(1);

    const host = await t.prisma.device.findUniqueOrThrow({ where: { name: "10.1.1.10" } });
    expect(host).toMatchObject({ status: "discovered", discoveredVia: "netflow", managementIp: "10.1.1.10" });
    const discovered = await t.prisma.event.findMany({ where: { type: "device.status" } });
    expect(discovered.map((e) => (e.payload as { name: string }).name)).toContain("10.1.1.10");

    const rollup = await t.prisma.flowRollup.findUniqueOrThrow({ where: { deviceId_ts: { deviceId: host.id, ts: new Date(T0) } } });
    expect(rollup).toMatchObject({ bytesOut: 660_000, flows: 2, distinctDstPorts: 2 });
    expect((rollup.topTalkers as { peer: string }[])[0]!.peer).toBe("203.0.113.9");
    const sys = await t.prisma.syslogRollup.findUniqueOrThrow({ where: { deviceId_ts: { deviceId: edge.id, ts: new Date(T0) } } });
    expect(sys.keywords).toEqual({ down: 1 });
  });

  it("keeps data through a database failure and stores it on the next flush", async () => {
    const clock = { t: T0 + 10 * 60_000 };
    let failing = true;
    const { router } = await setup(clock, (p) => ({
      ...p,
      ingest: async (batch) => {
        if (failing) throw new Error("connection refused");
        return p.ingest(batch);
      },
    }));
    const minute = T0 + 10 * 60_000;
    router.deviceMetrics({ address: "192.0.2.1" }, new Date(minute + 5_000), { cpuPct: 33 });
    clock.t = minute + 60_000 + 91_000;
    await router.flush();
    const edge = await t.prisma.device.findUniqueOrThrow({ where: { name: "edge-1" } });
    const where = { deviceId_ts: { deviceId: edge.id, ts: new Date(minute) } };
    expect(await t.prisma.metricSample.findUnique({ where })).toBeNull();
    failing = false;
    await router.flush();
    expect((await t.prisma.metricSample.findUniqueOrThrow({ where })).cpuPct).toBe(33);
  });

  it("marks a polled device unreachable once and active again once, announcing each change", async () => {
    const clock = { t: T0 };
    const { router, registry } = await setup(clock);
    const before = await t.prisma.event.count({ where: { type: "device.status" } });
    router.deviceReachability({ address: "192.0.2.1" }, false, new Date());
    router.deviceReachability({ address: "192.0.2.1" }, false, new Date());
    router.deviceReachability({ address: "192.0.2.1" }, true, new Date());
    await router.drain();
    expect(await t.prisma.event.count({ where: { type: "device.status" } })).toBe(before + 2);
    expect(registry.find({ address: "192.0.2.1" })?.status).toBe("active");
  });

  it("holds at most maxSyslogBuckets syslog counts: forged senders past the budget are dropped and counted", async () => {
    const clock = { t: T0 + 30 * 60_000 };
    const { router } = await setup(clock, undefined, { maxSyslogBuckets: 100 });
    const dropped = async () => (await collectorDroppedTotal.get()).values.find((v) => v.labels.collector === "syslog" && v.labels.reason === "syslog_budget")?.value ?? 0;
    const before = await dropped();
    const message = { format: "rfc3164" as const, facility: 4, severity: "warning" as const, timestampMs: null, hostname: null, appName: null, message: "Failed password" };
    for (let i = 0; i < 1000; i++) router.syslog(message, `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    // a sender already counted this minute keeps being counted
    router.syslog(message, "198.18.0.1");
    expect((await dropped()) - before).toBe(900);

    const devicesBefore = await t.prisma.device.count();
    clock.t += 3 * 60_000;
    await router.flush();
    expect((await t.prisma.device.count()) - devicesBefore).toBe(100);
    const first = await t.prisma.device.findUniqueOrThrow({ where: { name: "198.18.0.1" } });
    expect((await t.prisma.syslogRollup.findFirstOrThrow({ where: { deviceId: first.id } })).total).toBe(2);
    // flushed minutes free the budget
    router.syslog(message, "198.18.9.9");
    expect((await dropped()) - before).toBe(900);
  });
});
