// The demo worker on a virtual clock against a real database: history backfill, baseline training,
// live minutes through the telemetry router and detection of an injected incident, surviving a
// database outage without losing a minute, and resuming after a restart without gaps or duplicates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDevices } from "../../lib/db/device-queries";
import { pool } from "../../lib/db/pool";
import { createLogger } from "../../lib/log";
import { demoFleet } from "../../lib/simulator/demo-fleet";
import { createSubnetMatcher } from "../../lib/telemetry/cidr";
import { ReplayClock, type Clock } from "../../workers/clock";
import { DeviceRegistry } from "../../workers/device-registry";
import { TelemetryRouter } from "../../workers/telemetry-router";
import { startDemoSimulator, type DemoSimulator } from "../../workers/demo/simulator";
import { postgresPipelineStore } from "../../workers/pipeline-store";
import { createDetectionPipeline, type DetectionPipeline } from "../../workers/detection-pipeline";
import { emptyMetricValues } from "../../lib/telemetry/metrics";
import { createTestDatabase, type TestDatabase } from "./test-database";

const MINUTE = 60_000;
const log = createLogger("test:worker", { level: "error" });

/**
 * Time moves only when slept. While `hold` says so, a sleep waits for its abort instead: runUntil holds
 * the simulator at its target minute, so every run stores the same minutes (free-running between the
 * test's polls, it went hours past the target on a fast machine and fewer on a slow one).
 */
class VirtualClock implements Clock {
  hold: () => boolean = () => false;
  constructor(public t: number) {}
  now() {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal) {
    if (signal && this.hold()) {
      if (!signal.aborted) await new Promise((r) => signal.addEventListener("abort", r, { once: true }));
      return;
    }
    this.t += Math.max(0, ms);
    await new Promise((r) => setImmediate(r));
  }
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.prisma.device.createMany({ data: demoFleet(6, 7).map(({ config: _config, ...d }) => d) });
});
afterAll(async () => {
  await t?.drop();
});

async function runUntil(clock: VirtualClock, sim: DemoSimulator, router: TelemetryRouter, until: number) {
  const reached = () => sim.status().simTime !== null && Date.parse(sim.status().simTime!) >= until;
  clock.hold = reached;
  while (!reached() && sim.status().phase !== "stopped") {
    await router.flush();
    await new Promise((r) => setTimeout(r, 5));
  }
  await sim.stop();
  await router.drain();
}

async function start(clock: VirtualClock, pipeline: DetectionPipeline, devices: Awaited<ReturnType<typeof listDevices>>) {
  const replay = new ReplayClock(clock, 60);
  const router = new TelemetryRouter({
    pipeline,
    registry: await DeviceRegistry.load(t.prisma, log),
    clock: replay,
    log,
    isInternal: createSubnetMatcher(["10.0.0.0/8"]),
    failureKeywords: () => [],
  });
  const sim = startDemoSimulator({
    prisma: t.prisma,
    pool: pool(),
    pipeline,
    sink: router,
    onReplayStart: (simStart) => replay.startReplay(simStart),
    devices,
    log,
    clock,
    seed: 7,
    speed: 60,
    catchupMinutes: 60,
    incidentGapMinutes: 20,
    historyDays: 3,
  });
  return { sim, router };
}

describe("demo worker pipeline", () => {
  it("learns from history, raises an alert for the first incident, and loses no minute to an outage", { timeout: 120_000 }, async () => {
    const devices = await listDevices(t.prisma);
    const clock = new VirtualClock(Date.parse("2026-11-18T12:00:30Z"));
    const real = createDetectionPipeline({ store: postgresPipelineStore(t.prisma, pool()), lookupDevice: (id) => devices.find((d) => d.id === id), log, clock });
    let failures = 0;
    const flaky: DetectionPipeline = {
      ...real,
      async ingest(batch) {
        // the database "goes away" for the 3rd..5th live minutes
        if (batch.samples[0] && batch.samples[0].ts.getTime() >= Date.parse("2026-11-18T11:03:00Z") && failures < 3) {
          failures += 1;
          throw new Error("connection terminated unexpectedly");
        }
        return real.ingest(batch);
      },
    };
    const { sim, router } = await start(clock, flaky, devices);
    await runUntil(clock, sim, router, Date.parse("2026-11-18T11:40:00Z"));

    expect(failures).toBeGreaterThanOrEqual(3);
    // 3 days of history + live minutes up to 11:40, every device, every minute, exactly once
    const rows = await pool().query<{ device_id: number; n: string; first: Date; last: Date }>(
      "SELECT device_id, count(*) AS n, min(ts) AS first, max(ts) AS last FROM metric_samples GROUP BY device_id",
    );
    expect(rows.rows).toHaveLength(6);
    for (const r of rows.rows) {
      const expected = (r.last.getTime() - r.first.getTime()) / MINUTE + 1;
      expect(Number(r.n)).toBe(expected);
      expect(r.last.getTime()).toBeGreaterThanOrEqual(Date.parse("2026-11-18T11:39:00Z"));
    }
    expect(await t.prisma.baseline.count()).toBeGreaterThan(1000);

    const first = sim.plannedIncidents()[0]!;
    expect(first.start.getTime()).toBe(Date.parse("2026-11-18T11:10:00Z"));
    const alerts = await t.prisma.alert.findMany({ where: { deviceId: devices[first.deviceIndex]!.id }, orderBy: { observedAt: "asc" } });
    expect(alerts.length).toBeGreaterThan(0);
    const latency = alerts[0]!.observedAt.getTime() - first.start.getTime();
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThanOrEqual(5 * MINUTE);
    expect(alerts[0]!.explanation.length).toBeGreaterThan(20);
    expect(await t.prisma.event.count({ where: { type: "alert.created" } })).toBe(await t.prisma.alert.count());
  });

  it("resumes after a restart from the newest stored minute, without gaps or duplicates", { timeout: 120_000 }, async () => {
    const devices = await listDevices(t.prisma);
    const clock = new VirtualClock(Date.parse("2026-11-18T13:00:30Z"));
    const pipeline = createDetectionPipeline({ store: postgresPipelineStore(t.prisma, pool()), lookupDevice: (id) => devices.find((d) => d.id === id), log, clock });
    const { sim, router } = await start(clock, pipeline, devices);
    await runUntil(clock, sim, router, Date.parse("2026-11-18T13:10:00Z"));
    const rows = await pool().query<{ n: string; first: Date; last: Date }>(
      "SELECT count(*) AS n, min(ts) AS first, max(ts) AS last FROM metric_samples WHERE device_id = $1",
      [devices[0]!.id],
    );
    const r = rows.rows[0]!;
    expect(Number(r.n)).toBe((r.last.getTime() - r.first.getTime()) / MINUTE + 1);
    expect(r.last.getTime()).toBeGreaterThanOrEqual(Date.parse("2026-11-18T13:09:00Z"));
  });

  it("a restarted worker warms its online models from stored minutes: its first live minute is judged, where a cold one is not", { timeout: 120_000 }, async () => {
    const devices = await listDevices(t.prisma);
    const device = devices[0]!;
    const last = await pool().query<{ ts: Date; cpu: number | null }>(
      "SELECT ts, cpu_pct AS cpu FROM metric_samples WHERE device_id = $1 ORDER BY ts DESC LIMIT 1",
      [device.id],
    );
    const newest = last.rows[0]!.ts.getTime();
    expect(last.rows[0]!.cpu).not.toBeNull();
    const clock = new VirtualClock(newest + MINUTE);
    const make = () => createDetectionPipeline({ store: postgresPipelineStore(t.prisma, pool()), lookupDevice: (id) => devices.find((d) => d.id === id), log, clock });
    const stored = await pool().query<{ n: string }>("SELECT count(*) AS n FROM metric_samples WHERE ts >= $1 AND ts < $2", [
      new Date(newest + MINUTE - 2 * 86_400_000),
      new Date(newest + MINUTE),
    ]);
    // a CPU pegged at 99 % the minute after the newest stored one
    const spike = { deviceId: device.id, ts: new Date(newest + MINUTE), values: { ...emptyMetricValues(), cpuPct: 99 } };
    const batch = { samples: [spike], flows: [], syslog: [] };

    const warmed = make();
    expect(await warmed.warm(devices.map((d) => d.id), new Date(newest + MINUTE))).toBe(Number(stored.rows[0]!.n));
    const judged = await warmed.ingest(batch);
    expect(judged.alertsCreated + judged.alertsUpdated).toBeGreaterThan(0);
    const raised = await t.prisma.alert.findFirst({ where: { deviceId: device.id }, orderBy: { updatedAt: "desc" } });
    expect(raised).toMatchObject({ detector: "adaptive-baseline", metric: "cpuPct" });

    // the same minute to a pipeline that never saw the history: its models are still in their warm-up
    const cold = make();
    const coldSpike = { ...spike, ts: new Date(newest + 2 * MINUTE) };
    expect((await cold.ingest({ samples: [coldSpike], flows: [], syslog: [] })).alertsCreated).toBe(0);
  });
});

