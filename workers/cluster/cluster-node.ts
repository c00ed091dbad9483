// A detection worker's part in distributed mode: which telemetry partitions it owns, consuming them,
// and whether it runs the once-per-cluster jobs.
//
// Ownership. Each worker renews a membership lease ("member:<id>") in Postgres; from the live members
// every worker computes the same owner for each partition by rendezvous hashing (highest
// hash(member, partition) wins), so ownership is deterministic, balanced, and moves as little as
// possible when a worker comes or goes. A partition is consumed only under its lease
// ("partition:<n>"): the desired owner takes it when free or expired, a worker that is no longer the
// desired owner stops and releases it, and a dead worker's leases expire after BUS_LEASE_TTL_SEC.
// Postgres leases rather than JetStream's own consumer groups because the minute writes must be
// fenced in the same transaction that stores them (cluster-lease-queries), which only the database
// can do.
//
// Consuming. A partition has one durable pull consumer ("p<n>", filtered to its subject) on a
// work-queue stream. Taking a partition over re-creates that consumer, which then delivers exactly the
// messages no one acknowledged (acknowledged ones are gone from a work queue), at once and in order,
// instead of after the dead owner's ack wait. Each partition has its own TelemetryRouter; a message
// is acknowledged only when every minute it touched is committed; the commit moves the partition's
// committed-until minute in the same transaction, and a new owner starts by refusing telemetry before
// it, so a redelivered message adds nothing twice (at-least-once delivery, effectively-once minutes).
// A partition is not flushed until its backlog has been read, so no redelivered telemetry arrives
// after its minute was stored.
import crypto from "node:crypto";
import type pg from "pg";
import { AckPolicy, DeliverPolicy, nanos, type ConsumerMessages, type JsMsg, type NatsConnection } from "nats";
import { acquireLease, committedUntil, liveHolders, releaseLease } from "@/lib/db/cluster-lease-queries";
import { hashString } from "@/lib/hash";
import type { Logger } from "@/lib/log";
import { decodeBusBatch, newestMinuteOf, partitionOf, partitionSubject, TELEMETRY_STREAM } from "@/lib/telemetry/bus/bus-batch";
import { busConsumerRepullsTotal, collectorDroppedTotal } from "../collectors/collector-metrics";
import { systemClock } from "../clock";
import type { DetectionPipeline } from "../detection-pipeline";
import type { FastPath } from "../fast-path";
import type { TelemetryBatch } from "../pipeline-store";
import type { TelemetryRouter, TelemetryRouterOptions } from "../telemetry-router";

/** A consumer that read nothing for this long while messages wait and no pull is outstanding is pulled afresh. */
const STALL_AFTER_MS = 3_000;
/** Flows published longer ago than this are not handed to the fast path (a backlog being caught up). */
const FAST_PATH_MAX_AGE_MS = 10_000;
const MEMBER_PREFIX = "member:";
const SINGLETON_LEASE = "singleton";
const partitionLease = (p: number) => `partition:${p}`;
const consumerName = (p: number) => `p${p}`;

export interface ClusterNodeOptions {
  nc: NatsConnection;
  pool: pg.Pool;
  workerId: string;
  partitions: number;
  leaseTtlMs: number;
  log: Logger;
  pipeline: Pick<DetectionPipeline, "ingest"> & Partial<Pick<DetectionPipeline, "watchedDstPorts">>;
  /** Builds a partition's router (the worker's usual settings) with the options given here. */
  createRouter: (extra: Pick<TelemetryRouterOptions, "pipeline" | "flowRollup" | "closeFlushedMinutes" | "clock">) => TelemetryRouter;
  /**
   * The worker's fast path for floods: fresh flows of each partition go to it, each endpoint counted
   * only in its own partition (a flow is on the bus once per partition it belongs to).
   */
  fastPath?: Pick<FastPath, "flows">;
  /** How often partitions flush complete minutes (default 5 s). */
  flushIntervalMs?: number;
  /** Called once when this worker first holds the once-per-cluster lease. */
  onLeader?: () => void | Promise<void>;
  /** Called when this worker lost the once-per-cluster lease it held (it should stop, see main). */
  onLeadershipLost?: () => void;
}

/** Rendezvous hashing: the live member with the highest hash for the partition owns it. */
export function ownerOf(partition: number, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of members) {
    const score = hashString(`${m}|${partition}`);
    if (score > bestScore || (score === bestScore && best !== undefined && m < best)) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}

interface Held {
  /**
   * Where the message's acknowledgement goes. Only this is kept, not the message: its payload would
   * stay in memory until its minute is stored (about lateness + a flush of all telemetry).
   */
  reply: string;
  newestMinute: number;
}

const ACK = new TextEncoder().encode("+ACK");

/** The subject JetStream takes a message's acknowledgement on (what `JsMsg.ack()` answers to). */
function replyOf(msg: JsMsg): string {
  const reply = (msg as unknown as { reply?: unknown }).reply;
  if (typeof reply !== "string" || reply === "") throw new Error("a JetStream message without its reply subject");
  return reply;
}

/** One owned partition: its consumer, router and the messages not yet acknowledged. */
class PartitionRun {
  private messages: ConsumerMessages | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  /** When a message was last read (local clock), for the stall watchdog. */
  private lastReadAt = Date.now();
  private readonly held = new Map<number, Held>();
  private caughtUp = false;
  private stopped = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly batches = new WeakSet<TelemetryBatch>();
  /** Whether the consumer has messages left to read, and when the newest message read was published. */
  private behind = false;
  private readAt = -Infinity;
  readonly router: TelemetryRouter;
  consumed = 0;
  private readonly ownsAddress = (address: string) => partitionOf(address, this.node.partitions) === this.partition;

  constructor(
    readonly partition: number,
    private readonly node: ClusterNodeOptions,
  ) {
    const lease = partitionLease(partition);
    this.router = node.createRouter({
      // The partition's time: the wall clock while its consumer has read everything, else the
      // publication time of the newest message read. A worker behind its backlog closes minutes by
      // what it has read, so it stores them late instead of dropping the backlog's telemetry as late.
      clock: { now: () => (this.behind ? this.readAt : systemClock.now()), sleep: systemClock.sleep },
      closeFlushedMinutes: true,
      flowRollup: { owns: this.ownsAddress },
      pipeline: {
        ...(node.pipeline.watchedDstPorts ? { watchedDstPorts: () => node.pipeline.watchedDstPorts!() } : {}),
        ingest: (batch) => {
          // the router retries the same batch object: it keeps its key and its commit
          if (!this.batches.has(batch)) {
            if (!batch.until) throw new Error("a bus partition's batch needs its watermark");
            batch.commit = { lease, holder: node.workerId, until: batch.until };
            this.batches.add(batch);
          }
          return node.pipeline.ingest(batch);
        },
      },
    });
  }

  async start(): Promise<void> {
    const { nc, pool, log } = this.node;
    const since = await committedUntil(pool, partitionLease(this.partition));
    if (since) this.router.closeBefore(since.getTime());
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.delete(TELEMETRY_STREAM, consumerName(this.partition)).catch(() => undefined);
    const info = await jsm.consumers.add(TELEMETRY_STREAM, {
      durable_name: consumerName(this.partition),
      filter_subject: partitionSubject(this.partition),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      // a message waits for its minute (lateness + a flush) before its ack; a redelivery meanwhile is
      // recognised by its sequence and skipped
      ack_wait: nanos(10 * 60_000),
      max_ack_pending: 200_000,
    });
    this.caughtUp = info.num_pending === 0;
    log.info("partition taken", { partition: this.partition, committedUntil: since?.toISOString() ?? null, backlog: info.num_pending });
    const consumer = await nc.jetstream().consumers.get(TELEMETRY_STREAM, consumerName(this.partition));
    // bounded in bytes: what all of a worker's partitions have pulled but not read must stay well
    // under the server's per-client limit (64 MB), past which it disconnects the worker as a slow
    // consumer and what was in flight comes back only after the ack wait (bench:cluster, one worker
    // owning 16 partitions at 20,000 records/s)
    const pull = () => consumer.consume({ max_bytes: Math.max(1 << 20, Math.floor((32 << 20) / this.node.partitions)) });
    this.messages = await pull();
    void this.read(this.messages);
    // The client's pulls were seen to stop after a takeover's redeliveries (messages pending, no pull
    // waiting, nothing read): a watchdog asks the server and pulls afresh when that is the case.
    this.watchdog = setInterval(() => {
      if (this.stopped || Date.now() - this.lastReadAt < STALL_AFTER_MS) return;
      void consumer
        .info()
        .then(async (info) => {
          if (this.stopped || info.num_pending === 0 || info.num_waiting > 0 || Date.now() - this.lastReadAt < STALL_AFTER_MS) return;
          log.warn("partition consumer stalled; pulling again", { partition: this.partition, pending: info.num_pending });
          busConsumerRepullsTotal.inc({ partition: String(this.partition) });
          const stalled = this.messages;
          const fresh = await pull();
          await stalled?.close().catch(() => undefined);
          // stopped meanwhile: stop() closed the stalled one only
          if (this.stopped) return void (await fresh.close().catch(() => undefined));
          this.messages = fresh;
          void this.read(fresh);
        })
        .catch(() => undefined);
    }, STALL_AFTER_MS);
  }

  private async read(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (this.stopped) break;
        this.lastReadAt = Date.now();
        if (msg.info.pending === 0) this.caughtUp = true;
        this.behind = msg.info.pending > 0;
        const held = this.held.get(msg.seq);
        if (held) {
          held.reply = replyOf(msg);
          continue;
        }
        const batch = decodeBusBatch(msg.data);
        if (!batch) {
          collectorDroppedTotal.inc({ collector: "bus", reason: "malformed" });
          msg.term();
          continue;
        }
        this.consumed += 1;
        this.readAt = Math.max(this.readAt, batch.at);
        const r = this.router;
        if (batch.flows.length > 0) {
          r.flows(batch.flows);
          // a backlog's flows are not news: the fast path judges seconds by its clock, the minute pipeline has them
          if (this.node.fastPath && systemClock.now() - batch.at <= FAST_PATH_MAX_AGE_MS) this.node.fastPath.flows(batch.flows, this.ownsAddress);
        }
        for (const s of batch.syslog) r.syslog(s.message, s.source, s.receivedAt);
        for (const g of batch.gauges) r.deviceMetrics(g.device, new Date(g.ts), g.values);
        for (const x of batch.reachability) r.deviceReachability(x.device, x.reachable, new Date(x.at));
        for (const f of batch.facts ?? []) r.deviceFacts(f.device, new Date(f.ts), f.facts);
        this.held.set(msg.seq, { reply: replyOf(msg), newestMinute: newestMinuteOf(batch) });
      }
    } catch (err) {
      if (!this.stopped) this.node.log.error("consuming a partition failed", { partition: this.partition, error: String(err) });
    }
  }

  /** Stores the partition's complete minutes, then acknowledges the messages they settle. */
  flush(): Promise<void> {
    if (this.stopped || !this.caughtUp) return this.flushing;
    this.flushing = this.router.flush().then(() => {
      const committed = this.router.committedBefore;
      for (const [seq, h] of this.held) {
        if (h.newestMinute < committed) {
          this.node.nc.publish(h.reply, ACK);
          this.held.delete(seq);
        }
      }
    });
    return this.flushing;
  }

  /** Stops consuming; what is not acknowledged is delivered to the next owner. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    await this.messages?.close().catch(() => undefined);
    await this.flushing.catch(() => undefined);
  }

  heldMessages(): number {
    return this.held.size;
  }
}

export class ClusterNode {
  private readonly runs = new Map<number, PartitionRun>();
  private timer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;
  private leader = false;
  /** When the leases were last renewed (local clock): past the TTL without renewal, stop trusting them. */
  private renewedAt = 0;
  readonly memberId: string;

  constructor(private readonly o: ClusterNodeOptions) {
    this.memberId = o.workerId;
  }

  isLeader(): boolean {
    return this.leader;
  }

  ownedPartitions(): number[] {
    return [...this.runs.keys()].sort((a, b) => a - b);
  }

  report(): { partitions: number[]; leader: boolean; heldMessages: number } {
    let held = 0;
    for (const r of this.runs.values()) held += r.heldMessages();
    return { partitions: this.ownedPartitions(), leader: this.leader, heldMessages: held };
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void (this.ticking = this.ticking.then(() => this.tick())), Math.max(200, this.o.leaseTtlMs / 3));
    this.flushTimer = setInterval(() => void this.flushAll(), this.o.flushIntervalMs ?? 5_000);
  }

  /** Flushes the owned partitions one after another (they share one detection pipeline). */
  private flushAll(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      for (const run of [...this.runs.values()]) {
        await run.flush().catch((err) => this.o.log.warn("flushing a partition failed; will retry", { partition: run.partition, error: String(err) }));
      }
    });
    return this.flushing;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const { pool, workerId, leaseTtlMs, log } = this.o;
    try {
      await acquireLease(pool, MEMBER_PREFIX + workerId, workerId, leaseTtlMs);
      const members = await liveHolders(pool, MEMBER_PREFIX);
      if (!members.includes(workerId)) members.push(workerId);
      for (let p = 0; p < this.o.partitions; p++) {
        const mine = ownerOf(p, members) === workerId;
        const run = this.runs.get(p);
        if (run && !mine) {
          // handed to the member that now owns it by the hash: stop first, then release
          this.runs.delete(p);
          await run.stop();
          await releaseLease(pool, partitionLease(p), workerId);
          log.info("partition handed over", { partition: p });
        } else if (run) {
          if (!(await acquireLease(pool, partitionLease(p), workerId, leaseTtlMs))) await this.drop(p, "its lease was taken");
        } else if (mine && (await acquireLease(pool, partitionLease(p), workerId, leaseTtlMs))) {
          const next = new PartitionRun(p, this.o);
          this.runs.set(p, next);
          await next.start().catch(async (err) => {
            this.runs.delete(p);
            await next.stop();
            await releaseLease(pool, partitionLease(p), workerId).catch(() => undefined);
            log.error("taking a partition failed", { partition: p, error: String(err) });
          });
        }
      }
      const leader = await acquireLease(pool, SINGLETON_LEASE, workerId, leaseTtlMs);
      this.renewedAt = Date.now();
      if (leader && !this.leader) {
        this.leader = true;
        log.info("running the once-per-cluster jobs");
        await this.o.onLeader?.();
      } else if (!leader && this.leader) {
        this.leader = false;
        this.o.onLeadershipLost?.();
      }
    } catch (err) {
      log.warn("renewing cluster leases failed", { error: String(err) });
      // not renewed for a TTL: others may hold our partitions by now; stop consuming them
      if (Date.now() - this.renewedAt > leaseTtlMs) {
        for (const p of [...this.runs.keys()]) await this.drop(p, "its lease could not be renewed");
        if (this.leader) {
          this.leader = false;
          this.o.onLeadershipLost?.();
        }
      }
    }
  }

  private async drop(p: number, why: string): Promise<void> {
    const run = this.runs.get(p);
    if (!run) return;
    this.runs.delete(p);
    await run.stop();
    this.o.log.warn(`partition dropped: ${why}`, { partition: p });
  }

  /**
   * Stops consuming and gives every lease up, flushing only complete minutes first: the rest of the
   * partitions' telemetry is redelivered to their next owners, which store it whole.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.flushTimer);
    await this.ticking.catch(() => undefined);
    await this.flushAll().catch(() => undefined);
    const { pool, workerId } = this.o;
    for (const [p, run] of this.runs) {
      await run.stop();
      await releaseLease(pool, partitionLease(p), workerId).catch(() => undefined);
    }
    this.runs.clear();
    await releaseLease(pool, SINGLETON_LEASE, workerId).catch(() => undefined);
    await releaseLease(pool, MEMBER_PREFIX + workerId, workerId).catch(() => undefined);
  }
}

/** A worker id for the cluster's leases. */
export function newMemberId(): string {
  return `worker-${crypto.randomUUID().slice(0, 8)}`;
}
