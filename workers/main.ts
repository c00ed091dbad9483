// The worker process: collectors (NetFlow/IPFIX, syslog, SNMP, Prometheus) and, in demo mode, the
// simulator feed the telemetry router, which rolls telemetry up per device-minute and hands it to the
// detection pipeline; alerts and events go to Postgres. Started by the supervisor (`npm start`) or
// alone with `npm run worker`. First SIGTERM/SIGINT drains (collectors stop, buffered minutes are
// flushed), a second one exits at once.
import crypto from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { pruneEvents } from "@/lib/db/event-queries";
import { closePool, pool } from "@/lib/db/pool";
import { beat, clearHeartbeat, HEARTBEAT_INTERVAL_MS, type HeartbeatFeed } from "@/lib/db/worker-heartbeat-queries";
import { env, EnvError } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import { loadCollectorConfig } from "@/lib/telemetry/collector-config";
import { matchFailureKeywords } from "@/lib/telemetry/syslog/failure-keywords";
import { APP_VERSION } from "@/lib/version";
import { ReplayClock, systemClock } from "./clock";
import { startDemoLabelling, type DemoLabelling } from "./demo-labelling";
import type { CollectorDefinition, RunningCollector } from "./collectors/collector";
import { countingSink, type CountingSink } from "./collectors/counting-sink";
import { netflowCollector } from "./collectors/netflow-collector";
import { prometheusPuller } from "./collectors/prometheus-puller";
import { snmpPoller } from "./collectors/snmp-poller";
import { syslogCollector } from "./collectors/syslog-collector";
import fs from "node:fs";
import path from "node:path";
import { DEMO_SUBNET } from "@/lib/simulator/demo-traffic";
import { groundTruthLabels } from "@/lib/simulator/ground-truth";
import { startDemoSimulator, type DemoSimulator } from "./demo-simulator";
import { startDemoSnmpAgents, type RunningDemoSnmpAgents } from "./demo-snmp-agent";
import { DemoTrafficSender } from "./demo-traffic-sender";
import { createDetectionPipeline } from "./detection-pipeline";
import { ForecastScheduler } from "./forecasting";
import { trainDetectionModels } from "./model-training";
import { postgresPipelineStore } from "./pipeline-store";
import { DeviceRegistry } from "./device-registry";
import { startMetricsServer } from "./metrics-server";
import { TelemetryRouter } from "./telemetry-router";

const log = createLogger("worker");
const FLUSH_INTERVAL_MS = 5_000;
/** The demo replays at up to SIM_SPEED× so the router flushes often to keep detection prompt. */
const DEMO_FLUSH_INTERVAL_MS = 1_000;
const TRAIN_EVERY_MS = 86_400_000;
const TRAIN_CHECK_INTERVAL_MS = 15 * 60_000;
const FORECAST_TICK_MS = 30_000;
const PRUNE_EVENTS_EVERY_MS = 3_600_000;

async function main(): Promise<void> {
  const e = env();
  const collectorConfig = loadCollectorConfig(e.TIDEWATCH_CONFIG);
  const isInternal = createSubnetMatcher(e.SIMULATE ? [...e.INTERNAL_SUBNETS, DEMO_SUBNET] : e.INTERNAL_SUBNETS);
  const prisma = db();
  // In demo mode telemetry carries the simulator's (replayed) time; everything that buckets or
  // flushes telemetry by time reads it from this clock.
  const replayClock = e.SIMULATE ? new ReplayClock(systemClock, e.SIM_SPEED) : undefined;
  const clock = replayClock ?? systemClock;
  const workerId = `worker-${crypto.randomUUID().slice(0, 8)}`;
  const startedAt = new Date();
  let simulator: DemoSimulator | undefined;
  const collectors: { name: string; running: RunningCollector; counter: CountingSink }[] = [];
  const failedCollectors: { name: string; error: string }[] = [];
  let simulatorCounter: CountingSink | undefined;
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;

  // Per-source counters for the Overview's ingest health; rates are over the last heartbeat interval.
  const feedReport = (): HeartbeatFeed[] => {
    const nowMs = Date.now();
    const counted = (name: string, counter: CountingSink) => ({ name, up: true, records: counter.records(), recordsPerSec: counter.rate(nowMs) });
    return [
      ...collectors.map((c) => ({ ...counted(c.name, c.counter), ports: c.running.ports ?? null })),
      ...failedCollectors.map((f) => ({ name: f.name, up: false, error: f.error })),
      ...(simulatorCounter ? [counted("simulator", simulatorCounter)] : []),
    ];
  };
  const heartbeat = async () => {
    try {
      await beat(prisma, workerId, startedAt, {
        pid: process.pid,
        version: APP_VERSION,
        simulator: simulator?.status() ?? null,
        collectors: feedReport(),
        metricsPort: metricsServer?.port ?? null,
      });
    } catch (err) {
      log.warn("heartbeat failed", { error: err instanceof Error ? err.message : String(err) });
    }
  };
  await heartbeat();
  const heartbeatTimer = setInterval(() => void heartbeat(), HEARTBEAT_INTERVAL_MS);

  const registry = await DeviceRegistry.load(prisma, log.child("devices"));
  const pipeline = createDetectionPipeline({
    store: postgresPipelineStore(prisma, pool()),
    lookupDevice: (id) => registry.get(id),
    log: log.child("pipeline"),
    clock,
  });
  await pipeline.reloadBaselines();
  {
    // in the background: the collectors start listening meanwhile, and the pipeline holds their first
    // minutes until the models have learnt their history
    const started = Date.now();
    pipeline.warm(registry.all().map((d) => d.id), new Date(clock.now())).then(
      (learnt) => log.info("online models warmed from stored history", { minutes: learnt, ms: Date.now() - started }),
      (err: unknown) => log.error("warming the online models failed; they start cold", { error: err instanceof Error ? err.message : String(err) }),
    );
  }
  const router = new TelemetryRouter({
    pipeline,
    registry,
    clock,
    log: log.child("router"),
    isInternal,
    failureKeywords: matchFailureKeywords,
    latenessMs: e.ROLLUP_LATENESS_SEC * 1000,
  });

  try {
    metricsServer = await startMetricsServer(e.WORKER_METRICS_HOST, e.WORKER_METRICS_PORT, log);
    log.info("metrics at /metrics", { host: e.WORKER_METRICS_HOST, port: metricsServer.port });
  } catch (err) {
    log.error("metrics server could not start; continuing without it", { port: e.WORKER_METRICS_PORT, error: String(err) });
  }

  // A collector that cannot start (port taken, bad config) is reported; the others still run.
  const startCollector = async <C>(definition: CollectorDefinition<C>, config: unknown) => {
    const counter = countingSink(router);
    try {
      const running = await definition.start({
        config: definition.configSchema.parse(config),
        sink: counter.sink,
        log: log.child(definition.name),
        now: () => clock.now(),
      });
      collectors.push({ name: definition.name, running, counter });
      log.info(`${definition.name} collector started`, running.ports ?? {});
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      failedCollectors.push({ name: definition.name, error });
      log.error(`${definition.name} collector could not start`, { error });
    }
  };
  const enabled = new Set(e.COLLECTORS);
  if (enabled.has("netflow")) await startCollector(netflowCollector, { port: e.NETFLOW_PORT, host: e.COLLECTOR_HOST });
  if (enabled.has("syslog")) await startCollector(syslogCollector, { port: e.SYSLOG_PORT, host: e.COLLECTOR_HOST });
  if (enabled.has("snmp") && collectorConfig.snmp.targets.length > 0) {
    await startCollector(snmpPoller, { targets: collectorConfig.snmp.targets });
  }
  if (enabled.has("prometheus") && collectorConfig.prometheus) await startCollector(prometheusPuller, collectorConfig.prometheus);

  const flushTimer = setInterval(() => void router.flush(), e.SIMULATE ? DEMO_FLUSH_INTERVAL_MS : FLUSH_INTERVAL_MS);
  // The event log only serves live streams and their resumption: old events go (wall clock, not data time).
  const pruneOldEvents = () =>
    void pruneEvents(prisma, new Date(systemClock.now()))
      .then((count) => count > 0 && log.info("old events pruned", { count }))
      .catch((err) => log.warn("pruning old events failed", { error: String(err) }));
  pruneOldEvents();
  const pruneTimer = setInterval(pruneOldEvents, PRUNE_EVENTS_EVERY_MS);

  // Learning on a schedule: the demo simulator trains on its own replayed clock; otherwise the
  // worker (re)trains at start and then whenever the newest training is a day old.
  const trainIfDue = async () => {
    const trainedAt = pipeline.baselinesTrainedAt();
    if (e.SIMULATE || (trainedAt && clock.now() - trainedAt.getTime() < TRAIN_EVERY_MS && roleModelsTrained)) return;
    try {
      await trainDetectionModels({ prisma, pool: pool(), devices: registry.all(), until: new Date(clock.now()), log: log.child("training"), pipeline });
      roleModelsTrained = true;
    } catch (err) {
      log.error("training failed; will retry", { error: err instanceof Error ? err.message : String(err) });
    }
  };
  let roleModelsTrained = false;
  void trainIfDue();
  const trainTimer = setInterval(() => void trainIfDue(), TRAIN_CHECK_INTERVAL_MS);
  const forecasting = new ForecastScheduler({ prisma, pool: pool(), pipeline, log: log.child("forecast"), devices: () => registry.all() });
  const forecastTimer = setInterval(() => {
    // nothing to forecast from before the first baselines (the demo is still backfilling)
    if (pipeline.baselinesTrainedAt()) void forecasting.tick(clock.now()).catch((err) => log.warn("forecasting failed", { error: String(err) }));
  }, FORECAST_TICK_MS);

  let traffic: DemoTrafficSender | undefined;
  let demoAgents: RunningDemoSnmpAgents | undefined;
  let demoLabelling: DemoLabelling | undefined;
  if (e.SIMULATE) {
    const devices = registry.all().filter((d) => d.tags.includes("demo"));
    demoLabelling = startDemoLabelling({ prisma, deviceNames: () => devices.map((d) => d.name), now: () => new Date(clock.now()), log: log.child("demo-labelling") });
    const portOf = (name: string) => collectors.find((c) => c.name === name)?.running.ports?.udp;
    traffic = new DemoTrafficSender({ host: "127.0.0.1", netflowPort: portOf("netflow"), syslogPort: portOf("syslog") }, log.child("demo-traffic"));
    try {
      await traffic.open(
        devices.filter((d) => d.managementIp).map((d) => ({ address: d.managementIp!, networkGear: d.role !== "server" })),
        systemClock.now() - 86_400_000,
      );
    } catch (err) {
      log.warn("demo traffic cannot be sent over loopback; the demo runs on gauges only", { error: String(err) });
      await traffic.close();
      traffic = undefined;
    }
    // The demo's devices answer SNMP on their loopback addresses and the real poller polls them, so
    // interface rates, CPU, memory and loss arrive over SNMP; only the rest is handed over in-process.
    // Agents start with the replay, so every poll is stamped with the replayed time.
    const snmpPort = e.SIM_SNMP_PORT;
    const snmpDevices = devices.filter((d) => d.managementIp);
    const useSnmp = snmpPort > 0 && enabled.has("snmp") && snmpDevices.length === devices.length && devices.length > 0;
    const startDemoSnmp = async (sim: DemoSimulator) => {
      try {
        demoAgents = await startDemoSnmpAgents({
          devices: snmpDevices.map((d) => ({ address: d.managementIp!, name: d.name })),
          port: snmpPort,
          community: "public",
          valuesAt: (i, atMs) => {
            const v = sim.valuesAt(i, atMs);
            return {
              bandwidthInBps: v.bandwidthInBps ?? 0,
              bandwidthOutBps: v.bandwidthOutBps ?? 0,
              packetsPerSec: v.packetsPerSec ?? 0,
              cpuPct: v.cpuPct ?? 0,
              memoryPct: v.memoryPct ?? 0,
              packetLossPct: v.packetLossPct ?? 0,
            };
          },
          now: () => clock.now(),
          bootMs: systemClock.now() - 86_400_000,
          log: log.child("demo-snmp"),
        });
        await startCollector(snmpPoller, {
          targets: snmpDevices.map((d) => ({ name: d.name, address: d.managementIp!, port: snmpPort, version: "2c", community: "public", intervalSec: 5 })),
        });
        log.info("demo devices answer SNMP", { port: snmpPort });
      } catch (err) {
        await demoAgents?.stop();
        demoAgents = undefined;
        log.warn("demo SNMP agents could not start; the demo's device gauges go in-process", { error: String(err) });
      }
    };
    simulatorCounter = countingSink(router);
    simulator = startDemoSimulator({
      prisma,
      pool: pool(),
      pipeline,
      sink: simulatorCounter.sink,
      traffic,
      inProcessMetrics: () => (demoAgents ? ["latencyMs", "flowsPerSec", "connectionsPerSec"] : undefined),
      onIncidentsPlanned: (incidents) => {
        const file = path.join(e.DATA_DIR, "demo-ground-truth.jsonl");
        const truth = groundTruthLabels(incidents, devices.map((d) => d.name));
        demoLabelling?.setLabels(truth.map((l) => ({ start: new Date(l.start), end: new Date(l.end), device: l.device, type: l.type })));
        const lines = truth.map((l) => JSON.stringify(l));
        try {
          fs.writeFileSync(file, lines.join("\n") + "\n");
          log.info("demo ground truth recorded", { file, incidents: lines.length });
        } catch (err) {
          log.warn("could not record the demo ground truth", { file, error: String(err) });
        }
      },
      onReplayStart: (simStart) => {
        replayClock?.startReplay(simStart);
        demoLabelling?.setScoredFrom(new Date(simStart));
        if (useSnmp && simulator) void startDemoSnmp(simulator);
      },
      devices,
      log: log.child("simulator"),
      clock: systemClock,
      seed: e.SIM_SEED,
      speed: e.SIM_SPEED,
      catchupMinutes: e.SIM_CATCHUP_MINUTES,
      incidentGapMinutes: e.SIM_INCIDENT_GAP_MINUTES,
      historyDays: e.SIM_HISTORY_DAYS,
    });
    log.info("demo simulator started", {
      devices: devices.length,
      speed: e.SIM_SPEED,
      protocols: [traffic ? "netflow, ipfix, syslog" : "", useSnmp ? "snmp (from the live replay on)" : ""].filter(Boolean).join(", ") || "none",
    });
  }

  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) {
      log.warn("second stop request; exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info("draining", { reason });
    clearInterval(heartbeatTimer);
    clearInterval(flushTimer);
    clearInterval(pruneTimer);
    clearInterval(trainTimer);
    clearInterval(forecastTimer);
    demoLabelling?.stop();
    await Promise.all(collectors.map((c) => c.running.stop().catch(() => undefined)));
    await simulator?.stop();
    await traffic?.close();
    await demoAgents?.stop();
    await router.drain().catch((err) => log.warn("final flush failed", { error: String(err) }));
    await metricsServer?.close();
    await clearHeartbeat(prisma, workerId).catch(() => undefined);
    await closePool();
    await disconnectDb();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  // Started by the supervisor with an IPC channel: if the supervisor dies, stop too.
  process.on("disconnect", () => void shutdown("supervisor went away"));
}

main().catch((err) => {
  if (err instanceof EnvError) process.stderr.write(err.message + "\n");
  else log.error("worker failed to start", { error: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});
