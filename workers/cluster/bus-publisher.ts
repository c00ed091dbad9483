// The collectors' TelemetrySink in distributed mode: what they decode is split by partition (device
// address) and published to JetStream in small batches. A batch counts as sent only when the stream
// acknowledged it; until then it stays buffered (bounded: beyond `maxBufferedItems` the oldest batches
// are dropped and counted, reason bus_down), so a broker restart costs latency, not data, within the
// bound.
import type { JetStreamClient, NatsConnection } from "nats";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import type { Logger } from "@/lib/log";
import {
  busBatchSize,
  deviceKey,
  emptyBusBatch,
  encodeBusBatch,
  flowPartitions,
  partitionOf,
  partitionSubject,
  type BusBatch,
} from "@/lib/telemetry/bus/bus-batch";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import type { MetricName } from "@/lib/telemetry/metrics";
import type { SyslogMessage } from "@/lib/telemetry/syslog-message";
import { collectorDroppedTotal } from "../collectors/collector-metrics";
import type { DeviceRef, TelemetrySink } from "../collectors/telemetry-sink";

export interface BusPublisherOptions {
  nc: NatsConnection;
  partitions: number;
  isInternal: (address: string) => boolean;
  now: () => number;
  log: Logger;
  /** How often open batches are published (default 250 ms). */
  intervalMs?: number;
  /** A partition's batch is published at once when it reaches this many items (default 500, about 150 kB). */
  maxBatchItems?: number;
  /** Items waiting for the broker at most (default 2,000,000); the oldest batches go beyond it. */
  maxBufferedItems?: number;
}

export class BusPublisher implements TelemetrySink {
  private readonly js: JetStreamClient;
  private readonly open = new Map<number, BusBatch>();
  /** Closed batches waiting for (or being retried with) the broker, oldest first. */
  private readonly queue: { partition: number; batch: BusBatch; id: string; inFlight?: boolean }[] = [];
  /** Names each batch for JetStream's duplicate detection: a retried publish the stream already took is stored once. */
  private readonly idPrefix = `${process.pid}-${Date.now().toString(36)}-`;
  private nextId = 0;
  private queuedItems = 0;
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  published = 0;
  dropped = 0;

  constructor(private readonly o: BusPublisherOptions) {
    this.js = o.nc.jetstream();
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.o.intervalMs ?? 250);
  }

  /** Publishes what is open and waits for the broker (bounded by `timeoutMs`); used on shutdown. */
  async stop(timeoutMs = 5_000): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.flush();
      if (this.queue.length === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    this.o.log.error("telemetry not yet accepted by the bus at shutdown is lost", { items: this.queuedItems });
  }

  private batchFor(partition: number): BusBatch {
    let b = this.open.get(partition);
    if (!b) this.open.set(partition, (b = emptyBusBatch(this.o.now())));
    return b;
  }

  private added(partition: number): void {
    const b = this.open.get(partition)!;
    if (busBatchSize(b) >= (this.o.maxBatchItems ?? 500)) this.close(partition);
  }

  private close(partition: number): void {
    const batch = this.open.get(partition);
    if (!batch) return;
    this.open.delete(partition);
    batch.at = this.o.now();
    this.queue.push({ partition, batch, id: this.idPrefix + this.nextId++ });
    this.queuedItems += busBatchSize(batch);
    const max = this.o.maxBufferedItems ?? 2_000_000;
    // the oldest go first, except those being published right now (their outcome is still to come)
    for (let i = 0; this.queuedItems > max && i < this.queue.length - 1; ) {
      if (this.queue[i]!.inFlight) {
        i++;
        continue;
      }
      const [old] = this.queue.splice(i, 1);
      const n = busBatchSize(old!.batch);
      this.queuedItems -= n;
      this.dropped += n;
      collectorDroppedTotal.inc({ collector: "bus", reason: "bus_down" }, n);
    }
  }

  flows(records: readonly FlowRecord[]): void {
    const touched = new Set<number>();
    for (const r of records) {
      for (const p of flowPartitions(r, this.o.partitions, this.o.isInternal)) {
        this.batchFor(p).flows.push(r);
        touched.add(p);
      }
    }
    for (const p of touched) this.added(p);
  }

  syslog(message: SyslogMessage, sourceAddress: string, receivedAt?: number): void {
    const p = partitionOf(sourceAddress, this.o.partitions);
    this.batchFor(p).syslog.push({ message, source: sourceAddress, receivedAt: receivedAt ?? this.o.now() });
    this.added(p);
  }

  deviceMetrics(device: DeviceRef, ts: Date, values: Partial<Record<MetricName, number>>): void {
    const p = partitionOf(deviceKey(device), this.o.partitions);
    this.batchFor(p).gauges.push({ device, ts: ts.getTime(), values });
    this.added(p);
  }

  deviceFacts(device: DeviceRef, ts: Date, facts: DeviceConfigFacts): void {
    const p = partitionOf(deviceKey(device), this.o.partitions);
    (this.batchFor(p).facts ??= []).push({ device, ts: ts.getTime(), facts });
    this.added(p);
  }

  deviceReachability(device: DeviceRef, reachable: boolean, at: Date): void {
    const p = partitionOf(deviceKey(device), this.o.partitions);
    this.batchFor(p).reachability.push({ device, reachable, at: at.getTime() });
    this.added(p);
  }

  /** Closes the open batches and publishes everything queued, in order, until the broker refuses. */
  flush(): Promise<void> {
    for (const p of [...this.open.keys()]) this.close(p);
    this.sending ??= this.send().finally(() => (this.sending = undefined));
    return this.sending;
  }

  private async send(): Promise<void> {
    while (this.queue.length > 0) {
      // up to 32 publishes in flight: the stream acknowledges each, in order per connection
      const chunk = this.queue.slice(0, 32);
      for (const c of chunk) c.inFlight = true;
      const results = await Promise.allSettled(
        chunk.map(({ partition, batch, id }) => this.js.publish(partitionSubject(partition), encodeBusBatch(batch), { msgID: id })),
      );
      for (const c of chunk) c.inFlight = false;
      let sent = 0;
      while (sent < results.length && results[sent]!.status === "fulfilled") sent++;
      // what failed (and anything after it) is retried later, under the same ids; what went through
      // before it is done
      for (const c of chunk.slice(0, sent)) {
        this.queue.splice(this.queue.indexOf(c), 1);
        this.queuedItems -= busBatchSize(c.batch);
        this.published += busBatchSize(c.batch);
      }
      if (sent < results.length) {
        const failed = results[sent] as PromiseRejectedResult;
        this.o.log.warn("publishing telemetry to the bus failed; kept for a retry", { queued: this.queuedItems, error: String(failed.reason) });
        return;
      }
    }
  }
}
