// The worker process: collectors (NetFlow/IPFIX, syslog, SNMP, Prometheus) and, in demo mode, the
// simulator feed the telemetry router, which rolls telemetry up per device-minute and hands it to the
// detection pipeline; alerts and events go to Postgres. Started by the supervisor (`npm start`) or
// alone with `npm run worker`. First SIGTERM/SIGINT drains (collectors stop, buffered minutes are
// flushed) within a grace window (workers/shutdown.ts), a second one exits at once. Collectors come
// from the registry (workers/collectors/registry.ts), the demo network from workers/demo.
import crypto from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { pruneEvents } from "@/lib/db/event-queries";
import { closePool, pool } from "@/lib/db/pool";
import { beat, clearHeartbeat, HEARTBEAT_INTERVAL_MS, type HeartbeatFeed } from "@/lib/db/worker-heartbeat-queries";
import { pruneAppliedWrites } from "@/lib/db/applied-write-queries";
import { env, EnvError, publicUrl } from "@/lib/env";
import { pruneDeliveries } from "@/lib/db/notification-outbox-queries";
import { createLogger } from "@/lib/log";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import { loadCollectorConfig } from "@/lib/telemetry/collector-config";
import { matchFailureKeywords } from "@/lib/telemetry/syslog/failure-keywords";
import { APP_VERSION } from "@/lib/version";
import { ReplayClock, systemClock } from "./clock";
import type { RunningCollector } from "./collectors/collector";
import { countingSink, type CountingSink } from "./collectors/counting-sink";
import { COLLECTOR_REGISTRY, enabledCollectors, type CollectorName, type RegisteredCollector } from "./collectors/registry";
import { DEMO_SUBNET } from "@/lib/simulator/demo-traffic";
import { startDemo, type RunningDemo } from "./demo/start-demo";
import { createDetectionPipeline } from "./detection-pipeline";
import { ForecastScheduler } from "./forecasting";
import { trainDetectionModels } from "./model-training";
import { writeCollectorHeartbeats } from "./cluster/collector-heartbeats";
import { postgresPipelineStore } from "./pipeline-store";
import { DeviceRegistry, registryOptionsFromEnv } from "./device-registry";
import { startMetricsServer } from "./metrics-server";
import { NotificationSender } from "./notification-sender";
import { AiTriageQueue } from "./ai-triage";
import { triageSettingsFromEnv } from "@/lib/ai/triage-service";
import { createBgpSpeaker } from "@/lib/mitigation/create-speaker";
import { mitigationSafety, mitigationSafetySettings } from "@/lib/mitigation/mitigation-service";
import { MitigationController, postgresMitigationStore } from "./mitigation-controller";
import { installShutdown } from "./shutdown";
import { PartitionMaintainer } from "./partition-maintainer";
import { FastPath } from "./fast-path";
import { TelemetryRouter, type TelemetryRouterOptions } from "./telemetry-router";
import { connectBus } from "./cluster/bus";
import { ClusterNode } from "./cluster/cluster-node";
import type { GeoResolver } from "@/lib/detect/baseline/flow-profile";
import { allowedCountriesFor } from "@/lib/telemetry/geo/allowed-countries";
import { loadShippedIpGeo } from "@/lib/telemetry/geo/ip-geo";

const log = createLogger("worker");
const FLUSH_INTERVAL_MS = 5_000;
/** The demo replays at up to SIM_SPEED× so the router flushes often to keep detection prompt. */
const DEMO_FLUSH_INTERVAL_MS = 1_000;
const TRAIN_EVERY_MS = 86_400_000;
const TRAIN_CHECK_INTERVAL_MS = 15 * 60_000;
const FORECAST_TICK_MS = 30_000;
const PRUNE_EVENTS_EVERY_MS = 3_600_000;
/** How long the drain on SIGTERM may take (the supervisor kills the worker 20 s after its SIGTERM). */
const SHUTDOWN_GRACE_MS = 15_000;
/** Exit code for a configuration error: the supervisor does not restart the worker for it. */
const CONFIG_ERROR_EXIT = 2;

/** IP → country/ASN for geo_anomaly, from the databases shipped in npm packages (~0.5 s, ~25 MB); without them geography is not judged. */
function loadGeo(): { geo?: GeoResolver } {
  try {
    const geo = loadShippedIpGeo();
    log.info("IP geography loaded", { countryDatabaseBuilt: geo.countryBuilt.toISOString(), asnRanges: geo.asnRanges });
    return { geo: geo.lookup };
  } catch (err) {
    log.warn("IP geography unavailable: geo_anomaly is not judged", { error: err instanceof Error ? err.message : String(err) });
    return {};
  }
}

async function main(): Promise<void> {
  const e = env();
  const enabled = enabledCollectors(e.COLLECTORS);
  const collectorConfig = loadCollectorConfig(e.TIDEWATCH_CONFIG);
  const isInternal = createSubnetMatcher(e.SIMULATE ? [...e.INTERNAL_SUBNETS, DEMO_SUBNET] : e.INTERNAL_SUBNETS);
  const prisma = db();
  // In demo mode telemetry carries the simulator's (replayed) time; everything that buckets or
  // flushes telemetry by time reads it from this clock.
  const replayClock = e.SIMULATE ? new ReplayClock(systemClock, e.SIM_SPEED) : undefined;
  const clock = replayClock ?? systemClock;
  const workerId = `worker-${crypto.randomUUID().slice(0, 8)}`;
  const startedAt = new Date();
  let demo: RunningDemo | undefined;
  const collectors: { name: string; running: RunningCollector; counter: CountingSink }[] = [];
  const failedCollectors: { name: string; error: string }[] = [];
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;

  // Per-source counters for the Overview's ingest health; rates are over the last heartbeat interval.
  const feedReport = (): HeartbeatFeed[] => {
    const nowMs = Date.now();
    const counted = (name: string, counter: CountingSink) => ({ name, up: true, records: counter.records(), recordsPerSec: counter.rate(nowMs) });
    return [
      ...collectors.map((c) => ({ ...counted(c.name, c.counter), ports: c.running.ports ?? null, ...c.running.report?.() })),
      ...failedCollectors.map((f) => ({ name: f.name, up: false, error: f.error })),
      ...(demo ? [counted("simulator", demo.counter)] : []),
    ];
  };
  let discovery: DeviceRegistry | undefined;
  const heartbeat = async () => {
    try {
      await beat(prisma, workerId, startedAt, {
        pid: process.pid,
        version: APP_VERSION,
        simulator: demo?.simulator.status() ?? null,
        collectors: feedReport(),
        metricsPort: metricsServer?.port ?? null,
        restarts: e.TIDEWATCH_RESTARTS,
        lastExit: e.TIDEWATCH_LAST_EXIT ?? null,
        allowedSources: e.COLLECTOR_ALLOWED_SOURCES,
        discovery: discovery?.discoveryReport() ?? null,
      });
    } catch (err) {
      log.warn("heartbeat failed", { error: err instanceof Error ? err.message : String(err) });
    }
  };
  await heartbeat();
  const heartbeatTimer = setInterval(() => void heartbeat(), HEARTBEAT_INTERVAL_MS);

  // partitions for the days telemetry is about to be stored in (retention is wall-clock time, like the event log's)
  const partitions = new PartitionMaintainer({
    pool: pool(),
    prisma,
    clock: systemClock,
    log: log.child("partitions"),
    retentionDays: { raw: e.RETENTION_RAW_DAYS, hourly: e.RETENTION_HOURLY_DAYS },
  });
  await partitions.start();

  const registry = await DeviceRegistry.load(prisma, log.child("devices"), registryOptionsFromEnv(() => clock.now()));
  discovery = registry;
  const pipeline = createDetectionPipeline({
    store: postgresPipelineStore(prisma, pool(), { deadlineMs: e.FLUSH_DEADLINE_SEC * 1000 }),
    lookupDevice: (id) => registry.get(id),
    log: log.child("pipeline"),
    clock,
    flowProfile: { ...loadGeo(), allowedCountries: (d) => allowedCountriesFor(e.GEO_ALLOWED_COUNTRIES, d) },
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
  const routerOptions: TelemetryRouterOptions = {
    pipeline,
    registry,
    clock,
    log: log.child("router"),
    isInternal,
    failureKeywords: matchFailureKeywords,
    latenessMs: e.ROLLUP_LATENESS_SEC * 1000,
    flowRollup: { maxOpenBuckets: e.FLOW_MAX_OPEN_BUCKETS },
    maxSyslogBuckets: e.SYSLOG_MAX_OPEN_BUCKETS,
  };
  const router = new TelemetryRouter(routerOptions);

  // Volumetric floods are judged per host over seconds, beside the minute rollup. Not in the demo: it
  // exports each device's minute of flows at once on a replayed clock, so seconds mean nothing there.
  const fastPath =
    e.FAST_PATH_WINDOW_SEC > 0 && !e.SIMULATE
      ? new FastPath({ windowMs: e.FAST_PATH_WINDOW_SEC * 1000, maxHosts: e.FAST_PATH_MAX_HOSTS, isInternal, clock, log: log.child("fast-path"), registry, pipeline })
      : undefined;

  // Distributed mode (TIDEWATCH_BUS): telemetry comes from the bus by partition, not from collectors
  // here (workers/cluster/cluster-node.ts); the once-per-cluster jobs wait for the cluster's lease.
  const bus = e.TIDEWATCH_BUS
    ? await connectBus({ servers: e.TIDEWATCH_BUS, partitions: e.BUS_PARTITIONS, streamMaxBytes: e.BUS_STREAM_MAX_MB * 1024 * 1024 }, workerId, log.child("bus"))
    : undefined;
  const leaderJobs: (() => unknown)[] = [];
  const cluster = bus
    ? new ClusterNode({
        nc: bus,
        pool: pool(),
        workerId,
        partitions: e.BUS_PARTITIONS,
        leaseTtlMs: e.BUS_LEASE_TTL_SEC * 1000,
        log: log.child("cluster"),
        pipeline,
        ...(fastPath ? { fastPath } : {}),
        createRouter: (extra) =>
          new TelemetryRouter({ ...routerOptions, ...extra, flowRollup: { ...routerOptions.flowRollup, ...extra.flowRollup }, log: log.child("router") }),
        onLeader: async () => {
          for (const job of leaderJobs) await job();
        },
        onLeadershipLost: () => {
          // fail-stop: another worker runs the jobs now; the restarted process rejoins as a member
          log.error("lost the once-per-cluster lease; exiting so the jobs run only once");
          process.exit(1);
        },
      })
    : undefined;
  // the collector processes' heartbeats (they have no database), for the Overview's ingest panel
  const collectorBeats = bus ? writeCollectorHeartbeats(bus, prisma, log.child("collectors"), () => cluster?.isLeader() ?? false) : undefined;
  /** Single-node: starts the job now; distributed: when this worker holds the cluster's lease. */
  const whenLeader = async (job: () => unknown) => {
    if (cluster) leaderJobs.push(job);
    else await job();
  };

  fastPath?.start();
  // distributed mode: the partition consumers hand the fast path their fresh flows instead
  const sink = fastPath && !cluster ? fastPath.tap(router) : router;

  try {
    metricsServer = await startMetricsServer(e.WORKER_METRICS_HOST, e.WORKER_METRICS_PORT, log);
    log.info("metrics at /metrics", { host: e.WORKER_METRICS_HOST, port: metricsServer.port });
  } catch (err) {
    log.error("metrics server could not start; continuing without it", { port: e.WORKER_METRICS_PORT, error: String(err) });
  }

  // A collector that cannot start (port taken, bad config) is reported; the others still run.
  const startCollector = async (name: CollectorName, config: unknown) => {
    const { definition }: RegisteredCollector = COLLECTOR_REGISTRY[name];
    const counter = countingSink(sink);
    try {
      const running = await definition.start({
        config: definition.configSchema.parse(config),
        sink: counter.sink,
        log: log.child(name),
        now: () => clock.now(),
      });
      collectors.push({ name, running, counter });
      log.info(`${name} collector started`, running.ports ?? {});
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      failedCollectors.push({ name, error });
      log.error(`${name} collector could not start`, { error });
    }
  };
  // distributed mode: collectors run in their own processes (npm run collector)
  for (const name of cluster ? [] : enabled) {
    const config = COLLECTOR_REGISTRY[name].configFrom(e, collectorConfig);
    if (config !== undefined) await startCollector(name, config);
  }

  // notifications go out on the wall clock (retries, escalation), whatever time the demo replays
  const notifications = new NotificationSender({ prisma, clock: systemClock, log: log.child("notify"), baseUrl: publicUrl(e) });
  await whenLeader(() => notifications.start());
  // AI triage reads recorded alerts on its own; budgets count wall-clock days
  const aiTriage = new AiTriageQueue({ prisma, settings: triageSettingsFromEnv(e), clock: systemClock, log: log.child("ai") });
  await whenLeader(() => aiTriage.start().catch((err) => log.error("AI triage could not start", { error: String(err) })));
  // Mitigation (MITIGATION_BGP; the demo runs it in dry-run): proposals from recorded alerts, routes
  // announced and withdrawn on the wall clock (TTLs), alerts judged fresh on the data clock
  const speaker = createBgpSpeaker(mitigationSafetySettings(e));
  const mitigation = speaker
    ? new MitigationController({
        store: postgresMitigationStore(prisma, triageSettingsFromEnv(e)),
        speaker,
        safety: mitigationSafety(e),
        clock: systemClock,
        dataClock: clock,
        log: log.child("mitigation"),
        dryRun: e.MITIGATION_BGP === "dry-run",
        maxActive: e.MITIGATION_MAX_ACTIVE,
      })
    : undefined;
  await whenLeader(() => mitigation?.start().catch((err) => log.error("mitigation controller could not start", { error: String(err) })));

  const flushTimer = setInterval(() => void router.flush(), e.SIMULATE ? DEMO_FLUSH_INTERVAL_MS : FLUSH_INTERVAL_MS);
  // The event log only serves live streams and their resumption: old events go (wall clock, not data
  // time); so do the keys of writes old enough never to be retried.
  const pruneOldEvents = () => {
    const now = new Date(systemClock.now());
    void pruneEvents(prisma, now, e.EVENT_RETENTION_DAYS * 86_400_000)
      .then((count) => count > 0 && log.info("old events pruned", { count }))
      .catch((err) => log.warn("pruning old events failed", { error: String(err) }));
    void pruneAppliedWrites(prisma, now).catch((err) => log.warn("pruning applied-write keys failed", { error: String(err) }));
    void pruneDeliveries(prisma, now).catch((err) => log.warn("pruning old notification deliveries failed", { error: String(err) }));
  };
  pruneOldEvents();
  const pruneTimer = setInterval(pruneOldEvents, PRUNE_EVENTS_EVERY_MS);

  // Learning on a schedule: the demo simulator trains on its own replayed clock; otherwise the
  // worker (re)trains at start and then whenever the newest training is a day old.
  const trainIfDue = async () => {
    if (cluster && !cluster.isLeader()) return;
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
  await whenLeader(() => void trainIfDue());
  const trainTimer = setInterval(() => void trainIfDue(), TRAIN_CHECK_INTERVAL_MS);
  const forecasting = new ForecastScheduler({ prisma, pool: pool(), pipeline, log: log.child("forecast"), devices: () => registry.all() });
  const forecastTimer = setInterval(() => {
    // nothing to forecast from before the first baselines (the demo is still backfilling)
    if (pipeline.baselinesTrainedAt() && cluster?.isLeader() !== false) void forecasting.tick(clock.now()).catch((err) => log.warn("forecasting failed", { error: String(err) }));
  }, FORECAST_TICK_MS);

  await cluster?.start();
  if (cluster) log.info("distributed mode: consuming telemetry partitions from the bus", { partitions: cluster.ownedPartitions().join(",") });

  if (e.SIMULATE && replayClock && !cluster) {
    demo = await startDemo({
      env: e,
      prisma,
      pool: pool(),
      pipeline,
      sink,
      devices: registry.all().filter((d) => d.tags.includes("demo")),
      replayClock,
      clock,
      collectorPort: (name) => collectors.find((c) => c.name === name)?.running.ports?.udp,
      snmpEnabled: enabled.includes("snmp"),
      startSnmpPoller: (config) => startCollector("snmp", config),
      log,
    });
  }

  installShutdown({
    log,
    graceMs: SHUTDOWN_GRACE_MS,
    async stop(reason) {
      log.info("draining", { reason });
      clearInterval(heartbeatTimer);
      clearInterval(flushTimer);
      clearInterval(pruneTimer);
      await partitions.stop();
      clearInterval(trainTimer);
      clearInterval(forecastTimer);
      await Promise.all(collectors.map((c) => c.running.stop().catch(() => undefined)));
      await demo?.stop();
      collectorBeats?.stop();
      await cluster?.stop().catch((err) => log.warn("leaving the cluster failed", { error: String(err) }));
      await bus?.close().catch(() => undefined);
      await router.drain().catch((err) => log.warn("final flush failed", { error: String(err) }));
      await fastPath?.stop();
      await notifications.stop();
      await aiTriage.stop();
      await mitigation?.stop();
      await speaker?.close().catch(() => undefined);
      await metricsServer?.close();
      await clearHeartbeat(prisma, workerId).catch(() => undefined);
      await closePool();
      await disconnectDb();
      log.info("stopped");
      return 0;
    },
  });
  // Started by the supervisor with an IPC channel: if the supervisor dies, stop too.
  process.on("disconnect", () => process.emit("SIGTERM"));
}

main().catch((err) => {
  if (err instanceof EnvError) {
    process.stderr.write(err.message + "\n");
    process.exit(CONFIG_ERROR_EXIT);
  }
  log.error("worker failed to start", { error: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});
