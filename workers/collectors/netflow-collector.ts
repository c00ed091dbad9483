// NetFlow v5 / v9 / IPFIX collector: one UDP socket (large receive buffer), every datagram decoded
// by lib/telemetry/netflow and handed to the sink. Datagrams, records, drops (by reason) and loss
// estimated from sequence gaps are counted in the worker's Prometheus metrics. Nothing a peer sends
// can stop it: decoding never throws (and is guarded anyway), sink errors are caught and logged at
// most once per interval, socket errors are logged and the socket keeps serving. Nothing a peer
// sends can grow it without bound either: records with implausible times are dropped (`clock_skew`,
// the exporters named), and templates, held sets, exporters and sequence streams have global
// budgets whose evictions are counted (tidewatch_flow_budget_evictions_total).
import dgram from "node:dgram";
import { z } from "zod";
import type { FlowDropReason, FlowVersion } from "@/lib/telemetry/flow-record";
import { createSourceFilter } from "@/lib/telemetry/cidr";
import { decodeFlowDatagram } from "@/lib/telemetry/netflow/decode-flow-datagram";
import { filterClockSkew, SkewedExporters, type SkewedExporter } from "@/lib/telemetry/netflow/clock-skew";
import { DropTally } from "@/lib/telemetry/netflow/drop-tally";
import type { FlowDrop } from "@/lib/telemetry/netflow/flow-decode-result";
import { SequenceTracker } from "@/lib/telemetry/netflow/sequence-tracker";
import { TemplateCache } from "@/lib/telemetry/netflow/template-cache";
import type { Env } from "@/lib/env";
import type { Logger } from "@/lib/log";
import { defineCollector, type CollectorContext, type RunningCollector } from "./collector";
import {
  collectorDroppedTotal,
  collectorUp,
  flowBudgetEvictionsTotal,
  flowEstimatedLostTotal,
  flowExporterClockSkewSeconds,
  flowPacketsTotal,
  flowRecordsTotal,
  flowStateSize,
} from "./collector-metrics";

export const netflowConfigSchema = z.object({
  port: z.number().int().min(0).max(65535).default(2055),
  host: z.string().min(1).default("0.0.0.0"),
  /** A v9/IPFIX template not refreshed for this long is forgotten. */
  templateTimeoutSec: z.number().positive().default(1800),
  /** Requested SO_RCVBUF; the kernel caps it at net.core.rmem_max (the effective size is logged). */
  recvBufferBytes: z.number().int().positive().default(32 * 1024 * 1024),
  /** Data sets held per exporter while their template is unknown, and for how long. */
  pendingMaxSets: z.number().int().min(0).default(1000),
  pendingMaxAgeSec: z.number().positive().default(60),
  /** How often expired templates and held sets are swept. */
  sweepIntervalSec: z.number().positive().default(5),
  /** Records that ended longer ago than this before they arrived are dropped as clock_skew. */
  clockSkewPastSec: z.number().positive().default(3600),
  /** Records that start or end more than this after they arrived are dropped as clock_skew. */
  clockSkewFutureSec: z.number().positive().default(300),
  // Global budgets (defaults serve a 10,000-device network); what they evict is counted.
  maxExporters: z.number().int().min(1).default(10_000),
  maxTemplates: z.number().int().min(1).default(20_000),
  maxTemplatesPerExporter: z.number().int().min(1).default(256),
  /** Held data sets and their bytes across all exporters. */
  maxPendingSets: z.number().int().min(0).default(20_000),
  maxPendingBytes: z.number().int().min(0).default(32 * 1024 * 1024),
  maxSequenceStreams: z.number().int().min(1).default(20_000),
  /** CIDRs of the exporters accepted (COLLECTOR_ALLOWED_SOURCES); empty accepts every exporter. */
  allowedSources: z.array(z.string()).default([]),
});

export type NetflowCollectorConfig = z.infer<typeof netflowConfigSchema>;

export interface NetflowCollectorStats {
  /** Every datagram received, decodable or not. */
  datagrams: number;
  records: number;
  drops: Partial<Record<FlowDropReason | "decoder_error" | "source_not_allowed", number>>;
  estimatedLost: number;
  sinkErrors: number;
  /** How often each global budget evicted something. */
  evictions: { templates: number; pendingSets: number; exporters: number; domains: number; sequenceStreams: number };
  /** Current sizes of the bounded state. */
  state: { exporters: number; templates: number; domains: number; pendingSets: number; pendingBytes: number; sequenceStreams: number };
}

export interface RunningNetflowCollector extends RunningCollector {
  ports: { udp: number };
  /** Totals since start (the Prometheus counters are process-wide; these are this instance's). */
  stats(): NetflowCollectorStats;
  /** For the worker's heartbeat (the Overview's ingest panel): exporters whose clocks are off. */
  report(): { clockSkew: SkewedExporter[] };
}

const VERSION_LABEL: Record<FlowVersion, string> = { 5: "5", 9: "9", 10: "10" };

/** Logs at most once per interval; what was suppressed meanwhile is reported with the next line. */
function rateLimited(log: Logger, now: () => number, intervalMs: number) {
  let last = -Infinity;
  let suppressed = 0;
  return (msg: string, fields: Record<string, unknown>) => {
    const t = now();
    if (t - last < intervalMs) {
      suppressed++;
      return;
    }
    last = t;
    log.error(msg, suppressed > 0 ? { ...fields, suppressed } : fields);
    suppressed = 0;
  };
}

export async function startNetflowCollector(ctx: CollectorContext<NetflowCollectorConfig>): Promise<RunningNetflowCollector> {
  const { config, sink, log, now } = ctx;
  const cache = new TemplateCache({
    templateTimeoutMs: config.templateTimeoutSec * 1000,
    pendingMaxSets: config.pendingMaxSets,
    pendingMaxAgeMs: config.pendingMaxAgeSec * 1000,
    maxExporters: config.maxExporters,
    maxTemplates: config.maxTemplates,
    maxTemplatesPerExporter: config.maxTemplatesPerExporter,
    maxPendingSets: config.maxPendingSets,
    maxPendingBytes: config.maxPendingBytes,
  });
  const sequences = new SequenceTracker({ maxStreams: config.maxSequenceStreams });
  const skewWindow = { pastMs: config.clockSkewPastSec * 1000, futureMs: config.clockSkewFutureSec * 1000 };
  const skewed = new SkewedExporters();
  const stats = { datagrams: 0, records: 0, drops: {} as NetflowCollectorStats["drops"], estimatedLost: 0, sinkErrors: 0 };

  const datagramsBy = {
    5: flowPacketsTotal.labels("5"),
    9: flowPacketsTotal.labels("9"),
    10: flowPacketsTotal.labels("10"),
    unknown: flowPacketsTotal.labels("unknown"),
  };
  const recordsBy = { 5: flowRecordsTotal.labels("5"), 9: flowRecordsTotal.labels("9"), 10: flowRecordsTotal.labels("10") };
  const lostBy = {
    5: flowEstimatedLostTotal.labels("5"),
    9: flowEstimatedLostTotal.labels("9"),
    10: flowEstimatedLostTotal.labels("10"),
  };
  const dropCounters = new Map<string, ReturnType<typeof collectorDroppedTotal.labels>>();
  const countDrop = (reason: FlowDropReason | "decoder_error" | "source_not_allowed", count: number) => {
    let counter = dropCounters.get(reason);
    if (!counter) {
      counter = collectorDroppedTotal.labels("netflow", reason);
      dropCounters.set(reason, counter);
    }
    counter.inc(count);
    stats.drops[reason] = (stats.drops[reason] ?? 0) + count;
  };
  const countDrops = (drops: readonly FlowDrop[]) => {
    for (const d of drops) countDrop(d.reason, d.count);
  };
  // Budget evictions are tallied by the cache and tracker; copied into the Prometheus counter as they grow.
  const evictionsCounted = { templates: 0, pendingSets: 0, exporters: 0, domains: 0, sequenceStreams: 0 };
  const evictionCounters = {
    templates: flowBudgetEvictionsTotal.labels("templates"),
    pendingSets: flowBudgetEvictionsTotal.labels("pending_sets"),
    exporters: flowBudgetEvictionsTotal.labels("exporters"),
    domains: flowBudgetEvictionsTotal.labels("domains"),
    sequenceStreams: flowBudgetEvictionsTotal.labels("sequence_streams"),
  };
  const evictions = () => ({ ...cache.evicted, sequenceStreams: sequences.evicted });
  const syncEvictions = () => {
    const now = evictions();
    for (const k of Object.keys(evictionsCounted) as (keyof typeof evictionsCounted)[]) {
      if (now[k] > evictionsCounted[k]) {
        evictionCounters[k].inc(now[k] - evictionsCounted[k]);
        evictionsCounted[k] = now[k];
      }
    }
  };
  const stateSizes = () => ({ ...cache.stats(), sequenceStreams: sequences.size });
  const publishState = () => {
    const sizes = stateSizes();
    flowStateSize.labels("exporters").set(sizes.exporters);
    flowStateSize.labels("templates").set(sizes.templates);
    flowStateSize.labels("domains").set(sizes.domains);
    flowStateSize.labels("pending_sets").set(sizes.pendingSets);
    flowStateSize.labels("pending_bytes").set(sizes.pendingBytes);
    flowStateSize.labels("sequence_streams").set(sizes.sequenceStreams);
    flowExporterClockSkewSeconds.reset();
    for (const e of skewed.list(now())) flowExporterClockSkewSeconds.labels(e.exporter).set(e.skewSec);
  };

  const logSinkError = rateLimited(log, now, 10_000);
  const logDecoderError = rateLimited(log, now, 10_000);
  const logSocketError = rateLimited(log, now, 10_000);

  const allowedExporter = createSourceFilter(config.allowedSources);
  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    stats.datagrams++;
    let exporter = rinfo.address;
    if (exporter.startsWith("::ffff:") && exporter.includes(".")) exporter = exporter.slice(7);
    if (!allowedExporter(exporter)) {
      countDrop("source_not_allowed", 1);
      return;
    }
    let result;
    try {
      result = decodeFlowDatagram(msg, exporter, now(), cache);
    } catch (err) {
      // Not expected (decoders never throw by design); counted so it shows on dashboards.
      datagramsBy.unknown.inc();
      countDrop("decoder_error", 1);
      logDecoderError("flow datagram decoder failed", { exporter, bytes: msg.length, error: err as Error });
      return;
    }
    const version = result.version;
    if (version === null) {
      datagramsBy.unknown.inc();
    } else {
      datagramsBy[version].inc();
      if (result.sequence) {
        const verdict = sequences.observe(exporter, version, result.sequence);
        if (verdict.lost > 0) {
          lostBy[version].inc(verdict.lost);
          stats.estimatedLost += verdict.lost;
        }
      }
    }
    if (result.drops.length > 0) countDrops(result.drops);
    syncEvictions();
    if (result.records.length === 0) return;
    const sane = filterClockSkew(result.records, now(), skewWindow);
    if (sane.dropped > 0) {
      countDrop("clock_skew", sane.dropped);
      skewed.note(exporter, sane.worstSkewMs, sane.dropped, now());
    }
    const records = sane.kept;
    if (records.length === 0) return;
    stats.records += records.length;
    recordsBy[version ?? 5].inc(records.length);
    try {
      sink.flows(records);
    } catch (err) {
      stats.sinkErrors++;
      logSinkError("telemetry sink rejected flows", { exporter, records: records.length, error: err as Error });
    }
  };

  const socket = dgram.createSocket({ type: config.host.includes(":") ? "udp6" : "udp4" });
  socket.on("message", onMessage);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once("error", onError);
    socket.bind(config.port, config.host, () => {
      socket.off("error", onError);
      resolve();
    });
  });
  socket.on("error", (err) => logSocketError("netflow socket error", { error: err }));
  try {
    socket.setRecvBufferSize(config.recvBufferBytes);
  } catch (err) {
    log.warn("could not set the receive buffer size", { requested: config.recvBufferBytes, error: err as Error });
  }
  const port = socket.address().port;
  log.info("netflow collector listening", {
    host: config.host,
    port,
    recvBufferBytes: socket.getRecvBufferSize(),
  });

  const sweep = setInterval(() => {
    try {
      const tally = new DropTally();
      cache.sweep(now(), tally);
      if (!tally.empty) countDrops(tally.toArray());
      syncEvictions();
      publishState();
    } catch (err) {
      logDecoderError("template cache sweep failed", { error: err as Error });
    }
  }, config.sweepIntervalSec * 1000);
  sweep.unref();
  collectorUp.labels("netflow").set(1);

  let stopped: Promise<void> | undefined;
  return {
    ports: { udp: port },
    stats: () => {
      syncEvictions();
      return { ...stats, drops: { ...stats.drops }, evictions: evictions(), state: stateSizes() };
    },
    report: () => ({ clockSkew: skewed.list(now()) }),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(sweep);
        collectorUp.labels("netflow").set(0);
        socket.close(() => resolve());
      });
      return stopped;
    },
  };
}

export const netflowCollector = defineCollector<NetflowCollectorConfig>({
  name: "netflow",
  configSchema: netflowConfigSchema,
  start: startNetflowCollector,
});

/** The collector's time window and budgets as configured in the environment (FLOW_* settings). */
export function netflowLimitsFromEnv(e: Env): Partial<NetflowCollectorConfig> {
  return {
    clockSkewPastSec: e.FLOW_CLOCK_SKEW_PAST_SEC,
    clockSkewFutureSec: e.FLOW_CLOCK_SKEW_FUTURE_SEC,
    maxExporters: e.FLOW_MAX_EXPORTERS,
    maxTemplates: e.FLOW_MAX_TEMPLATES,
    maxTemplatesPerExporter: e.FLOW_MAX_TEMPLATES_PER_EXPORTER,
    maxPendingSets: e.FLOW_MAX_PENDING_SETS,
    maxPendingBytes: e.FLOW_MAX_PENDING_BYTES,
    maxSequenceStreams: e.FLOW_MAX_SEQUENCE_STREAMS,
  };
}
