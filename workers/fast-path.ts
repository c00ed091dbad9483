// The worker's fast path for volumetric floods: every decoded flow also goes to a per-host table of
// short windows (lib/detect/fast/host-window-table.ts), which a 1 s tick closes on the worker's clock;
// a flood found in a window is recorded at once through the detection pipeline's `recordFindings`
// (same disposition, dedup key device + "ddos", campaign correlation), so the minute pipeline's later
// DDoS alert for the same host folds into it. The minute pipeline is not touched. The attacked host is
// the device of its address (discovered like any flow host). Recording is serial and its queue bounded.
// Distributed mode: each worker's partition consumers hand it the fresh flows of their partitions
// (workers/cluster/cluster-node.ts), each host counted by the worker owning its partition.
import { HostWindowTable, type FastFinding } from "@/lib/detect/fast/host-window-table";
import type { Logger } from "@/lib/log";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import type { Clock } from "./clock";
import { collectorDroppedTotal, flowBudgetEvictionsTotal, flowStateSize } from "./collectors/collector-metrics";
import type { TelemetrySink } from "./collectors/telemetry-sink";
import type { DetectionPipeline } from "./detection-pipeline";
import type { DeviceRegistry } from "./device-registry";

/** Findings waiting to be recorded; beyond this (database far too slow) the oldest are dropped, counted. */
const MAX_QUEUED_FINDINGS = 1_000;
const TICK_MS = 1_000;

export interface FastPathOptions {
  windowMs: number;
  maxHosts: number;
  isInternal: (address: string) => boolean;
  clock: Clock;
  log: Logger;
  registry: Pick<DeviceRegistry, "resolve"> & Partial<Pick<DeviceRegistry, "resolveKnown">>;
  pipeline: Pick<DetectionPipeline, "recordFindings">;
}

export class FastPath {
  private readonly table: HostWindowTable;
  private readonly queue: FastFinding[] = [];
  private draining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private evictionsCounted = 0;

  constructor(private readonly o: FastPathOptions) {
    this.table = new HostWindowTable({ windowMs: o.windowMs, maxHosts: o.maxHosts, isInternal: o.isInternal });
  }

  /** `sink` with its flows also counted here. */
  tap(sink: TelemetrySink): TelemetrySink {
    return {
      flows: (records) => {
        sink.flows(records);
        this.flows(records);
      },
      syslog: (message, source) => sink.syslog(message, source),
      deviceMetrics: (device, ts, values) => sink.deviceMetrics(device, ts, values),
      deviceReachability: (device, reachable, at) => sink.deviceReachability(device, reachable, at),
      deviceFacts: (device, ts, facts) => sink.deviceFacts?.(device, ts, facts),
    };
  }

  /** Counts flows arriving now; `counts` limits the endpoints counted (see HostWindowTable.add). */
  flows(records: readonly FlowRecord[], counts?: (address: string) => boolean): void {
    const now = this.o.clock.now();
    for (const r of records) this.enqueue(this.table.add(r, now, counts));
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
  }

  /** Closes a window that has ended, and publishes the table's size and evictions. */
  tick(): void {
    this.enqueue(this.table.advance(this.o.clock.now()));
    flowStateSize.set({ structure: "fast_path_hosts" }, this.table.size);
    if (this.table.evictions > this.evictionsCounted) {
      flowBudgetEvictionsTotal.inc({ budget: "fast_path_hosts" }, this.table.evictions - this.evictionsCounted);
      this.evictionsCounted = this.table.evictions;
    }
  }

  /** Stops the tick and waits for queued findings to be recorded. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.draining;
  }

  private enqueue(findings: readonly FastFinding[]): void {
    if (findings.length === 0) return;
    this.queue.push(...findings);
    while (this.queue.length > MAX_QUEUED_FINDINGS) {
      this.queue.shift();
      collectorDroppedTotal.inc({ collector: "fast_path", reason: "alert_not_recorded" });
    }
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const f = this.queue.shift()!;
      const device = await this.deviceOf(f.host);
      if (!device) {
        collectorDroppedTotal.inc({ collector: "fast_path", reason: "unknown_host" });
        continue;
      }
      try {
        // the pipeline queues and retries a recording the database refuses
        await this.o.pipeline.recordFindings([{ deviceId: device.id, detection: f.detection }]);
        this.o.log.info("fast-path flood finding recorded", { host: f.host, device: device.name, score: Number(f.detection.score.toFixed(1)) });
      } catch (err) {
        this.o.log.warn("recording a fast-path finding failed", { host: f.host, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private async deviceOf(host: string) {
    try {
      return await this.o.registry.resolve({ address: host }, "netflow");
    } catch (err) {
      this.o.log.warn("could not resolve a flooded host; trying the devices known in memory", { host, error: String(err) });
      return this.o.registry.resolveKnown?.({ address: host }, "netflow");
    }
  }
}
