// A collector process of distributed mode (`npm run collector`, needs TIDEWATCH_BUS): the collectors
// of the registry decode NetFlow/IPFIX, syslog, SNMP and Prometheus as in the worker, and hand what they
// decode to the bus instead of a rollup. Stateless: no database, nothing kept but the batches the
// broker has not yet accepted, so collectors can be added or replaced freely (exporters are pointed
// at any of them). Its heartbeat goes over the bus too (a worker writes it for the Overview). SIGTERM
// publishes what is buffered (bounded) and exits.
import crypto from "node:crypto";
import { env, EnvError } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import { loadCollectorConfig } from "@/lib/telemetry/collector-config";
import { systemClock } from "../clock";
import type { RunningCollector } from "../collectors/collector";
import { COLLECTOR_REGISTRY, enabledCollectors, type RegisteredCollector } from "../collectors/registry";
import { startMetricsServer } from "../metrics-server";
import { installShutdown } from "../shutdown";
import { HEARTBEAT_INTERVAL_MS } from "@/lib/db/worker-heartbeat-queries";
import { COLLECTOR_HEARTBEAT_SUBJECT, encodeCollectorHeartbeat } from "@/lib/telemetry/bus/collector-heartbeat";
import { APP_VERSION } from "@/lib/version";
import { countingSink, type CountingSink } from "../collectors/counting-sink";
import { connectBus } from "./bus";
import { BusPublisher } from "./bus-publisher";

const log = createLogger("collector");
const SHUTDOWN_GRACE_MS = 10_000;
const CONFIG_ERROR_EXIT = 2;

async function main(): Promise<void> {
  const e = env();
  if (!e.TIDEWATCH_BUS) throw new EnvError(["TIDEWATCH_BUS: a collector process publishes to the bus; set it to the nats:// URL of the cluster's NATS server"]);
  const enabled = enabledCollectors(e.COLLECTORS);
  const collectorConfig = loadCollectorConfig(e.TIDEWATCH_CONFIG);
  const name = `collector-${crypto.randomUUID().slice(0, 8)}`;
  const nc = await connectBus({ servers: e.TIDEWATCH_BUS, partitions: e.BUS_PARTITIONS, streamMaxBytes: e.BUS_STREAM_MAX_MB * 1024 * 1024 }, name, log.child("bus"));
  const publisher = new BusPublisher({ nc, partitions: e.BUS_PARTITIONS, isInternal: createSubnetMatcher(e.INTERNAL_SUBNETS), now: () => systemClock.now(), log: log.child("bus") });
  publisher.start();

  const running: { name: string; collector: RunningCollector; counter: CountingSink }[] = [];
  const failed: { name: string; error: string }[] = [];
  for (const collector of enabled) {
    const config = COLLECTOR_REGISTRY[collector].configFrom(e, collectorConfig);
    if (config === undefined) continue;
    const { definition }: RegisteredCollector = COLLECTOR_REGISTRY[collector];
    const counter = countingSink(publisher);
    try {
      const r = await definition.start({ config: definition.configSchema.parse(config), sink: counter.sink, log: log.child(collector), now: () => systemClock.now() });
      running.push({ name: collector, collector: r, counter });
      log.info(`${collector} collector started`, r.ports ?? {});
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      failed.push({ name: collector, error });
      log.error(`${collector} collector could not start`, { error });
    }
  }
  // the heartbeat goes over the bus (no database here); a worker writes it for the Overview
  const startedAt = new Date().toISOString();
  const heartbeat = (stopped = false) => {
    const nowMs = Date.now();
    nc.publish(
      COLLECTOR_HEARTBEAT_SUBJECT,
      encodeCollectorHeartbeat({
        id: name,
        startedAt,
        ...(stopped ? { stopped } : {}),
        info: {
          pid: process.pid,
          version: APP_VERSION,
          collectors: [
            ...running.map((r) => ({ name: r.name, up: true, ports: r.collector.ports ?? null, records: r.counter.records(), recordsPerSec: r.counter.rate(nowMs), ...r.collector.report?.() })),
            ...failed.map((f) => ({ name: f.name, up: false, error: f.error.slice(0, 500) })),
          ],
          bus: { published: publisher.published, dropped: publisher.dropped },
        },
      }),
    );
  };
  heartbeat();
  const heartbeatTimer = setInterval(() => heartbeat(), HEARTBEAT_INTERVAL_MS);
  const metrics = await startMetricsServer(e.WORKER_METRICS_HOST, e.WORKER_METRICS_PORT, log).catch((err) => {
    log.error("metrics server could not start; continuing without it", { error: String(err) });
    return undefined;
  });
  log.info("publishing telemetry to the bus", { name, partitions: e.BUS_PARTITIONS, collectors: running.length });

  installShutdown({
    log,
    graceMs: SHUTDOWN_GRACE_MS,
    async stop(reason) {
      log.info("draining", { reason });
      clearInterval(heartbeatTimer);
      await Promise.all(running.map((r) => r.collector.stop().catch(() => undefined)));
      await publisher.stop();
      heartbeat(true);
      await nc.drain().catch(() => undefined);
      await metrics?.close();
      log.info("stopped", { published: publisher.published, dropped: publisher.dropped });
      return 0;
    },
  });
}

main().catch((err) => {
  if (err instanceof EnvError) {
    process.stderr.write(err.message + "\n");
    process.exit(CONFIG_ERROR_EXIT);
  }
  log.error("collector failed to start", { error: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});
