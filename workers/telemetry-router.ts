// The TelemetrySink the collectors write to. It keeps the current minutes of every device in memory
// (flow rollups, syslog counts, SNMP/Prometheus gauges), and on each flush hands the minutes that are
// complete (older than the lateness allowance) to storage and detection as one merged sample per
// device-minute. A flush the database refuses stays queued and is retried (bounded), and minutes
// whose devices cannot be looked up while the database is away stay buffered, so an outage costs
// latency, not data.
import type { FlowRollupRow, SyslogRollupRow } from "@/lib/db/sample-queries";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import type { Logger } from "@/lib/log";
import type { SubnetMatcher } from "@/lib/telemetry/cidr";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { DETECTORS, rollupWatchPorts } from "@/lib/detect/registry";
import { FlowRollup, flowDetailOf, flowMetrics, mergeFlowDetail, type DeviceMinuteFlows, type FlowRollupOptions } from "@/lib/telemetry/flow-rollup";
import { emptyMetricValues, type MetricName, type MetricSample } from "@/lib/telemetry/metrics";
import type { SyslogMessage } from "@/lib/telemetry/syslog-message";
import { securityEventOf } from "@/lib/telemetry/syslog/security-events";
import { addSecurityEvent, emptySecurityMinute, mergeSecurityMinute, type SyslogSecurityMinute } from "@/lib/telemetry/syslog/security-rollup";
import type { Clock } from "./clock";
import { collectorDroppedTotal, flowBudgetEvictionsTotal, flowStateSize, ingestLagSeconds } from "./collectors/collector-metrics";
import type { DeviceRef, TelemetrySink } from "./collectors/telemetry-sink";
import type { DetectionPipeline } from "./detection-pipeline";
import type { DeviceRegistry } from "./device-registry";
import type { TelemetryBatch } from "./pipeline-store";

const MINUTE = 60_000;
/** Device-minutes of flows kept while their devices cannot be resolved (database down). */
const MAX_HELD_FLOW_MINUTES = 20_000;
const ERROR_SEVERITIES = new Set(["emerg", "alert", "crit", "err"]);

interface GaugeBucket {
  ref: DeviceRef;
  via: string;
  minute: number;
  sums: Partial<Record<MetricName, number>>;
  counts: Partial<Record<MetricName, number>>;
}

/** The latest configuration facts a poll observed for a device in a minute. */
interface FactsBucket {
  ref: DeviceRef;
  minute: number;
  facts: DeviceConfigFacts;
}

/** Device-minutes of polled facts held at once (one per poll target and open minute; bounds a flood). */
const MAX_FACT_BUCKETS = 20_000;

interface SyslogBucket {
  ref: DeviceRef;
  minute: number;
  total: number;
  errors: number;
  failures: number;
  bySeverity: Record<string, number>;
  keywords: Record<string, number>;
  /** Failed logins, neighbour changes and configuration changes parsed from the text (bounded). */
  security?: SyslogSecurityMinute;
}

export interface TelemetryRouterOptions {
  /** `watchedDstPorts`, when given, is asked at each flush (the detectors' tuned settings may add ports). */
  pipeline: Pick<DetectionPipeline, "ingest"> & Partial<Pick<DetectionPipeline, "watchedDstPorts">>;
  /** `resolveKnown` (memory only) lets known devices' minutes move on while the database is away. */
  registry: Pick<DeviceRegistry, "resolve" | "setReachable"> & Partial<Pick<DeviceRegistry, "resolveKnown">>;
  clock: Clock;
  log: Logger;
  isInternal: SubnetMatcher;
  failureKeywords: (text: string) => readonly string[];
  /** How long after a minute ends its data is still accepted before it is flushed (default 90 s). */
  latenessMs?: number;
  /** Pending flushes kept while the database is down (default 120, two hours of minutes). */
  maxPending?: number;
  /** Budgets of the flow rollup (open device-minutes, how far ahead of the flush a minute may lie). */
  flowRollup?: Pick<FlowRollupOptions, "maxOpenBuckets" | "maxAheadMs" | "owns">;
  /**
   * Distributed mode: once minutes are stored, telemetry for them is dropped as late from every
   * source (not merged into them again), and `closeBefore` closes minutes a predecessor stored, so a
   * redelivered bus message adds nothing twice.
   */
  closeFlushedMinutes?: boolean;
  /**
   * Syslog (minute, name, sender) buckets open at once (default 50,000: a 10,000-device network's two
   * open minutes with room to spare); messages that would open another are dropped (syslog_budget), so
   * forged sources cannot grow the router without bound.
   */
  maxSyslogBuckets?: number;
}

export class TelemetryRouter implements TelemetrySink {
  private readonly rollup: FlowRollup;
  private readonly gauges = new Map<string, GaugeBucket>();
  private readonly syslogs = new Map<string, SyslogBucket>();
  private readonly facts = new Map<string, FactsBucket>();
  private readonly pending: TelemetryBatch[] = [];
  private readonly heldFlows: DeviceMinuteFlows[] = [];
  private reachability: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | undefined;
  private lateFlowsCounted = 0;
  private budgetDroppedCounted = 0;
  private futureFlowsCounted = 0;
  /** Telemetry for minutes before this is refused (closeFlushedMinutes / closeBefore). */
  private floor = -Infinity;
  /** Every minute before this that reached the router is stored (all flushes up to it committed). */
  committedBefore = -Infinity;

  constructor(private readonly o: TelemetryRouterOptions) {
    // e.g. the crypto-mining detector needs pool traffic however small next to the host's own
    this.rollup = new FlowRollup({ watchDstPorts: rollupWatchPorts(DETECTORS), ...o.flowRollup, isInternal: o.isInternal });
  }

  private minuteOf(ms: number): number {
    return Math.floor(ms / MINUTE) * MINUTE;
  }

  flows(records: readonly FlowRecord[]): void {
    for (const r of records) this.rollup.add(r);
  }

  syslog(message: SyslogMessage, sourceAddress: string, receivedAt?: number): void {
    // Device clocks drift and many omit the year or zone: bucket by arrival time (at the collector).
    const minute = this.minuteOf(receivedAt ?? this.o.clock.now());
    if (this.refusedAsLate(minute, "syslog")) return;
    const ref: DeviceRef = { address: sourceAddress, ...(message.hostname ? { name: message.hostname } : {}) };
    // per name and sender: a name claimed from another address must not merge into the device's bucket
    const key = `${minute}|${message.hostname ?? ""}|${sourceAddress}`;
    let b = this.syslogs.get(key);
    if (!b) {
      if (this.syslogs.size >= (this.o.maxSyslogBuckets ?? 50_000)) {
        collectorDroppedTotal.inc({ collector: "syslog", reason: "syslog_budget" });
        return;
      }
      b = { ref, minute, total: 0, errors: 0, failures: 0, bySeverity: {}, keywords: {} };
      this.syslogs.set(key, b);
    }
    b.total += 1;
    b.bySeverity[message.severity] = (b.bySeverity[message.severity] ?? 0) + 1;
    if (ERROR_SEVERITIES.has(message.severity)) b.errors += 1;
    const matched = this.o.failureKeywords(message.message);
    if (matched.length > 0) b.failures += 1;
    for (const k of matched) b.keywords[k] = (b.keywords[k] ?? 0) + 1;
    const event = securityEventOf(message);
    if (event) addSecurityEvent((b.security ??= emptySecurityMinute()), event);
  }

  deviceMetrics(device: DeviceRef, ts: Date, values: Partial<Record<MetricName, number>>): void {
    const minute = this.minuteOf(ts.getTime());
    if (this.refusedAsLate(minute, "router")) return;
    const key = `${minute}|${device.name ?? device.address}`;
    let b = this.gauges.get(key);
    if (!b) {
      b = { ref: device, via: "snmp", minute, sums: {}, counts: {} };
      this.gauges.set(key, b);
    }
    for (const [metric, value] of Object.entries(values) as [MetricName, number][]) {
      if (!Number.isFinite(value)) continue;
      b.sums[metric] = (b.sums[metric] ?? 0) + value;
      b.counts[metric] = (b.counts[metric] ?? 0) + 1;
    }
  }

  deviceFacts(device: DeviceRef, ts: Date, facts: DeviceConfigFacts): void {
    const minute = this.minuteOf(ts.getTime());
    if (this.refusedAsLate(minute, "router")) return;
    const key = `${minute}|${device.name ?? device.address}`;
    if (!this.facts.has(key) && this.facts.size >= MAX_FACT_BUCKETS) {
      collectorDroppedTotal.inc({ collector: "router", reason: "facts_budget" });
      return;
    }
    this.facts.set(key, { ref: device, minute, facts });
  }

  deviceReachability(device: DeviceRef, reachable: boolean, _at?: Date): void {
    this.reachability = this.reachability
      .then(() => this.o.registry.setReachable(device, reachable))
      .catch((err) => this.o.log.warn("could not record device reachability", { error: String(err) }));
  }

  /**
   * Waits for pending status changes and flushes everything buffered (used on shutdown), retrying a
   * failing database a few times before giving up on what is still pending.
   */
  async drain(attempts = 10, retryMs = 500): Promise<void> {
    await this.reachability;
    for (let i = 0; i < attempts; i++) {
      await this.flush(true);
      if (this.pending.length === 0) return;
      await this.o.clock.sleep(retryMs);
    }
    this.o.log.error("telemetry still pending at shutdown could not be stored", { minutes: this.pending.length });
  }

  /** The most recent flows of a device's address (evidence for flow alerts). */
  recentFlows(address: string): readonly FlowRecord[] {
    return this.rollup.recentFlows(address);
  }

  /** Whether a minute is before the floor (already stored): then it is counted as late and dropped. */
  private refusedAsLate(minute: number, collector: "syslog" | "router"): boolean {
    if (minute >= this.floor) return false;
    collectorDroppedTotal.inc({ collector, reason: "late" });
    return true;
  }

  /** Refuses telemetry for minutes before `ms` from now on (stored by this partition's previous owner). */
  closeBefore(ms: number): void {
    this.floor = Math.max(this.floor, ms);
    this.rollup.closeBefore(ms);
  }

  /** Flushes every minute that ended more than the lateness allowance ago (or all, with `all`). */
  flush(all = false): Promise<void> {
    this.flushing ??= this.doFlush(all).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async doFlush(all: boolean): Promise<void> {
    // ports a tuned setting added are counted exactly from now on
    const watched = this.o.pipeline.watchedDstPorts?.();
    if (watched) this.rollup.setWatchedDstPorts(watched);
    const watermark = all ? Infinity : this.minuteOf(this.o.clock.now() - (this.o.latenessMs ?? 90_000));
    const write = await this.collect(watermark);
    // what this flush leaves behind before the watermark (unresolved devices) is not committed by it
    const until = Math.min(watermark, this.oldestHeldMinute());
    if (Number.isFinite(until)) write.until = new Date(until);
    if (this.rollup.lateFlows > this.lateFlowsCounted) {
      // flows for minutes already stored: counted, not merged (raise ROLLUP_LATENESS_SEC if frequent)
      collectorDroppedTotal.inc({ collector: "netflow", reason: "late" }, this.rollup.lateFlows - this.lateFlowsCounted);
      this.lateFlowsCounted = this.rollup.lateFlows;
    }
    this.countRollupRefusals();
    if (write.samples.length > 0) {
      this.pending.push(write);
      const max = this.o.maxPending ?? 120;
      while (this.pending.length > max) {
        const dropped = this.pending.shift()!;
        collectorDroppedTotal.inc({ collector: "router", reason: "database_down" }, dropped.samples.length);
        this.o.log.error("database unavailable for too long; dropped the oldest pending minute of telemetry");
      }
    }
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      try {
        await this.o.pipeline.ingest(next);
      } catch (err) {
        this.o.log.warn("storing telemetry failed; will retry", { pending: this.pending.length, error: String(err) });
        return;
      }
      this.pending.shift();
      const newest = next.samples.reduce((max, s) => Math.max(max, s.ts.getTime()), -Infinity);
      ingestLagSeconds.set(Math.max(0, (this.o.clock.now() - newest - MINUTE) / 1000));
    }
    // nothing pending: everything before `until` is stored
    if (Number.isFinite(until)) {
      this.committedBefore = Math.max(this.committedBefore, until);
      if (this.o.closeFlushedMinutes) this.closeBefore(until);
    }
  }

  /** The oldest minute still buffered for want of its device (database away), or Infinity. */
  private oldestHeldMinute(): number {
    let oldest = Infinity;
    for (const r of this.heldFlows) oldest = Math.min(oldest, r.minute);
    for (const b of this.gauges.values()) oldest = Math.min(oldest, b.minute);
    for (const b of this.syslogs.values()) oldest = Math.min(oldest, b.minute);
    for (const b of this.facts.values()) oldest = Math.min(oldest, b.minute);
    return oldest;
  }

  /** Flows the rollup refused (bucket budget full, minute far in the future) go to the drop counters. */
  private countRollupRefusals(): void {
    const r = this.rollup;
    if (r.budgetDroppedFlows > this.budgetDroppedCounted) {
      const n = r.budgetDroppedFlows - this.budgetDroppedCounted;
      collectorDroppedTotal.inc({ collector: "netflow", reason: "rollup_budget" }, n);
      flowBudgetEvictionsTotal.inc({ budget: "rollup_buckets" }, n);
      this.budgetDroppedCounted = r.budgetDroppedFlows;
    }
    if (r.futureFlows > this.futureFlowsCounted) {
      collectorDroppedTotal.inc({ collector: "netflow", reason: "clock_skew" }, r.futureFlows - this.futureFlowsCounted);
      this.futureFlowsCounted = r.futureFlows;
    }
    flowStateSize.set({ structure: "rollup_buckets" }, r.openBuckets());
  }

  /** Closed flow minutes kept while the database cannot resolve their devices; the oldest go beyond the bound (counted). */
  private holdFlows(r: DeviceMinuteFlows): void {
    this.heldFlows.push(r);
    if (this.heldFlows.length > MAX_HELD_FLOW_MINUTES) {
      this.heldFlows.shift();
      collectorDroppedTotal.inc({ collector: "router", reason: "database_down" });
    }
  }

  private async collect(watermark: number): Promise<TelemetryBatch> {
    const samples = new Map<string, MetricSample>();
    const flows: FlowRollupRow[] = [];
    const syslog: SyslogRollupRow[] = [];
    const sampleFor = (deviceId: number, minute: number) => {
      const key = `${deviceId}|${minute}`;
      let s = samples.get(key);
      if (!s) {
        s = { deviceId, ts: new Date(minute), values: emptyMetricValues() };
        samples.set(key, s);
      }
      return s;
    };
    // null: the database could not be asked (the data is kept for the next flush); undefined: refused.
    // After one failure only devices known in memory are resolved: the rest wait for the next flush
    // rather than each waiting out its own timeout.
    let databaseDown = false;
    const resolve = async (ref: DeviceRef, via: string) => {
      if (databaseDown) return this.o.registry.resolveKnown?.(ref, via) ?? null;
      try {
        return await this.o.registry.resolve(ref, via);
      } catch (err) {
        databaseDown = true;
        this.o.log.warn("could not resolve device; its telemetry waits for the next flush", { ref: ref.name ?? ref.address, error: String(err) });
        return null;
      }
    };

    // Different references (hostname, address) may resolve to the same device: merge per device-minute.
    const gaugeSums = new Map<string, { deviceId: number; minute: number; sums: Partial<Record<MetricName, number>>; counts: Partial<Record<MetricName, number>> }>();
    for (const [key, b] of this.gauges) {
      if (b.minute >= watermark) continue;
      const device = await resolve(b.ref, b.via);
      if (device === null) continue;
      this.gauges.delete(key);
      if (!device) continue;
      const k = `${device.id}|${b.minute}`;
      const g = gaugeSums.get(k) ?? { deviceId: device.id, minute: b.minute, sums: {}, counts: {} };
      for (const metric of Object.keys(b.sums) as MetricName[]) {
        g.sums[metric] = (g.sums[metric] ?? 0) + b.sums[metric]!;
        g.counts[metric] = (g.counts[metric] ?? 0) + b.counts[metric]!;
      }
      gaugeSums.set(k, g);
    }
    for (const g of gaugeSums.values()) {
      const s = sampleFor(g.deviceId, g.minute);
      for (const metric of Object.keys(g.sums) as MetricName[]) s.values[metric] = g.sums[metric]! / g.counts[metric]!;
    }

    const flowRows = new Map<string, FlowRollupRow>();
    for (const r of [...this.heldFlows.splice(0), ...this.rollup.flushBefore(watermark)]) {
      const device = await resolve({ address: r.address }, "netflow");
      if (device === null) {
        this.holdFlows(r);
        continue;
      }
      if (!device) continue;
      const k = `${device.id}|${r.minute}`;
      const row = flowRows.get(k);
      if (!row) {
        flowRows.set(k, {
          deviceId: device.id,
          ts: new Date(r.minute),
          bytesIn: r.bytesIn,
          bytesOut: r.bytesOut,
          packetsIn: r.packetsIn,
          packetsOut: r.packetsOut,
          flows: r.flows,
          tcpSynFlows: r.tcpSynFlows,
          distinctPeers: r.distinctPeers,
          distinctDstPorts: r.distinctDstPorts,
          protocolBytes: r.protocolBytes,
          topTalkers: r.topTalkers,
          bytesOutExternal: r.bytesOutExternal ?? 0,
          longLowByteFlows: r.longLowByteFlows ?? 0,
          smallFlows: r.smallFlows ?? 0,
          ...flowDetailOf(r),
        });
      } else {
        row.bytesIn += r.bytesIn;
        row.bytesOut += r.bytesOut;
        row.packetsIn += r.packetsIn;
        row.packetsOut += r.packetsOut;
        row.flows += r.flows;
        row.tcpSynFlows += r.tcpSynFlows;
        row.distinctPeers = Math.max(row.distinctPeers, r.distinctPeers);
        row.distinctDstPorts = Math.max(row.distinctDstPorts, r.distinctDstPorts);
        row.bytesOutExternal = (row.bytesOutExternal ?? 0) + (r.bytesOutExternal ?? 0);
        row.longLowByteFlows = (row.longLowByteFlows ?? 0) + (r.longLowByteFlows ?? 0);
        row.smallFlows = (row.smallFlows ?? 0) + (r.smallFlows ?? 0);
        mergeFlowDetail(row, r);
      }
    }
    for (const row of flowRows.values()) {
      const s = sampleFor(row.deviceId, row.ts.getTime());
      const m = flowMetrics(row);
      const hasGauges = gaugeSums.has(`${row.deviceId}|${row.ts.getTime()}`);
      for (const [metric, value] of Object.entries(m) as [MetricName, number][]) {
        // interface counters (SNMP) measure bandwidth exactly; flows only fill in what they lack
        if (hasGauges && s.values[metric] !== null) continue;
        s.values[metric] = value;
      }
      flows.push(row);
    }

    const syslogRows = new Map<string, SyslogRollupRow & { errors: number; failures: number }>();
    for (const [key, b] of this.syslogs) {
      if (b.minute >= watermark) continue;
      const device = await resolve(b.ref, "syslog");
      if (device === null) continue;
      this.syslogs.delete(key);
      if (!device) continue;
      const k = `${device.id}|${b.minute}`;
      const row = syslogRows.get(k) ?? { deviceId: device.id, ts: new Date(b.minute), total: 0, errors: 0, failures: 0, bySeverity: {}, keywords: {} };
      row.total += b.total;
      row.errors += b.errors;
      row.failures += b.failures;
      for (const [sev, n] of Object.entries(b.bySeverity)) row.bySeverity[sev] = (row.bySeverity[sev] ?? 0) + n;
      for (const [kw, n] of Object.entries(b.keywords)) row.keywords[kw] = (row.keywords[kw] ?? 0) + n;
      if (b.security) mergeSecurityMinute((row.security ??= emptySecurityMinute()), b.security);
      syslogRows.set(k, row);
    }
    for (const { errors, failures, ...row } of syslogRows.values()) {
      const s = sampleFor(row.deviceId, row.ts.getTime());
      s.values.syslogMessages = row.total;
      s.values.syslogErrors = errors;
      s.values.syslogFailures = failures;
      syslog.push(row);
    }

    // facts ride along with the device-minute (made if the poll brought no metric), the latest winning
    const facts = new Map<string, { deviceId: number; ts: Date; facts: DeviceConfigFacts }>();
    for (const [key, b] of this.facts) {
      if (b.minute >= watermark) continue;
      const device = await resolve(b.ref, "snmp");
      if (device === null) continue;
      this.facts.delete(key);
      if (!device) continue;
      sampleFor(device.id, b.minute);
      facts.set(`${device.id}|${b.minute}`, { deviceId: device.id, ts: new Date(b.minute), facts: b.facts });
    }
    return {
      samples: [...samples.values()].sort((a, b) => a.ts.getTime() - b.ts.getTime()),
      flows,
      syslog,
      ...(facts.size > 0 ? { facts: [...facts.values()] } : {}),
    };
  }
}
