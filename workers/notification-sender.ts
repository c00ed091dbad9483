// The notification sender: claims due outbox rows (lib/db/notification-outbox-queries.ts), sends them
// through their channels and records the outcome. A failed send is retried with exponential backoff
// (or after the receiver's Retry-After), dead after `maxAttempts`; a claimed row whose sender died is
// claimed again once its lock expires, so a crash re-sends at worst (receivers get the delivery id
// to drop a duplicate) and never loses a notification. Every `escalationEveryMs` it also queues the
// escalations that fell due. Runs on the worker's Clock, so tests drive it on a virtual one.
import type { PrismaClient } from "@prisma/client";
import { claimDeliveries, enqueueEscalations, finishDeliveries, type ClaimedDelivery, type DeliveryResult } from "@/lib/db/notification-outbox-queries";
import type { Logger } from "@/lib/log";
import type { SendOutcome } from "@/lib/notify/channel";
import { digestMessageOf, messageOf, rowSeverity, sendThrough, type ChannelTarget } from "@/lib/notify/deliver";
import { channelDefinition } from "@/lib/notify/registry";
import { heldUntil } from "@/lib/notify/quiet-hours";
import { inDigest, readFilter, retryDelayMs, takesCampaigns } from "@/lib/notify/routing";
import type { Clock } from "./clock";

// Sends already started finish on stop (each has its own timeout), so their outcome is recorded.
const IN_FLIGHT = new AbortController().signal;
/** Alerts in one digest message (chat messages and mails stay readable; more make another message). */
const DIGEST_MAX = 50;

export interface SenderOptions {
  prisma: PrismaClient;
  clock: Clock;
  log: Logger;
  /** Links in messages point here (PUBLIC_URL). */
  baseUrl: string;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long the sender sleeps when nothing is due. */
  pollMs?: number;
  /** Rows claimed at once. */
  batch?: number;
  /** How long a claimed row is held before another sender may take it (longer than any send). */
  lockMs?: number;
  /** Channels sent to at once. */
  concurrency?: number;
  escalationEveryMs?: number;
}

export class NotificationSender {
  private readonly o: Required<Omit<SenderOptions, "prisma" | "clock" | "log" | "baseUrl">>;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private lastEscalationCheck = -Infinity;

  constructor(private readonly opts: SenderOptions) {
    this.o = {
      maxAttempts: opts.maxAttempts ?? 8,
      backoffBaseMs: opts.backoffBaseMs ?? 5_000,
      backoffMaxMs: opts.backoffMaxMs ?? 15 * 60_000,
      pollMs: opts.pollMs ?? 500,
      batch: opts.batch ?? 200,
      lockMs: opts.lockMs ?? 120_000,
      concurrency: opts.concurrency ?? 8,
      escalationEveryMs: opts.escalationEveryMs ?? 30_000,
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Sends what is due now; resolves after the in-flight sends finished. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      let sent = 0;
      try {
        if (this.opts.clock.now() - this.lastEscalationCheck >= this.o.escalationEveryMs) {
          this.lastEscalationCheck = this.opts.clock.now();
          const queued = await enqueueEscalations(this.opts.prisma, new Date(this.opts.clock.now()));
          if (queued > 0) this.opts.log.info("escalations queued", { count: queued });
        }
        sent = await this.runOnce();
      } catch (err) {
        this.opts.log.warn("notification sending failed; retrying", { error: err instanceof Error ? err.message : String(err) });
      }
      if (sent === 0) await this.opts.clock.sleep(this.o.pollMs, this.abort.signal);
    }
  }

  /** Claims one batch of due rows and sends it; returns how many rows were claimed. */
  async runOnce(): Promise<number> {
    const { prisma, clock } = this.opts;
    const claimed = await claimDeliveries(prisma, new Date(clock.now()), this.o.lockMs, this.o.batch);
    if (claimed.length === 0) return 0;
    const channels = new Map(
      (await prisma.notificationChannel.findMany({ where: { id: { in: [...new Set(claimed.map((c) => c.channelId))] } } })).map((c) => [c.id, c]),
    );
    const byChannel = new Map<number, ClaimedDelivery[]>();
    for (const row of claimed) byChannel.set(row.channelId, [...(byChannel.get(row.channelId) ?? []), row]);
    const jobs = [...byChannel.entries()].map(([channelId, rows]) => () => this.sendChannel(channels.get(channelId), channelId, rows));
    // a few channels at once: one slow receiver must not hold up the others
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(this.o.concurrency, jobs.length) }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );
    return claimed.length;
  }

  private async sendChannel(channel: (ChannelTarget & { filter: unknown }) | undefined, channelId: number, rows: ClaimedDelivery[]): Promise<void> {
    const { prisma, clock, log } = this.opts;
    if (!channel) return; // deleted meanwhile: its rows went with it (cascade)
    const results: DeliveryResult[] = [];
    const filter = readFilter(channel.filter);
    const toSend: ClaimedDelivery[] = [];
    const now = new Date(clock.now());
    for (const row of rows) {
      const held = filter?.quietHours ? heldUntil(filter.quietHours, rowSeverity(row), now) : null;
      // one message per campaign: a raised alert that joined a campaign since goes out as the campaign
      if (row.event === "alert.raised" && row.currentCampaignId !== null && filter && takesCampaigns(filter)) {
        results.push({ id: row.id, status: "skipped", reason: `grouped into campaign ${row.currentCampaignId}` });
      } else if (held) results.push({ id: row.id, status: "held", until: held });
      else toSend.push(row);
    }
    const def = channelDefinition(channel.kind);
    // the digest's alerts (held until its time when queued) go out in one message where the kind can say it
    const digested = def?.digest && filter?.digest ? toSend.filter((r) => r.event === "alert.raised" && inDigest(filter, rowSeverity(r))) : [];
    const single = toSend.filter((r) => !digested.includes(r));
    const size = def?.batchSize ?? 1;
    const chunks: { rows: ClaimedDelivery[]; digest: boolean }[] = [];
    for (let i = 0; i < single.length; i += size) chunks.push({ rows: single.slice(i, i + size), digest: false });
    for (let i = 0; i < digested.length; i += DIGEST_MAX) chunks.push({ rows: digested.slice(i, i + DIGEST_MAX), digest: true });
    for (const { rows: chunk, digest } of chunks) {
      const sentAt = new Date(clock.now());
      const messages = digest ? [digestMessageOf(chunk, channel.name, this.opts.baseUrl, sentAt)] : chunk.map((r) => messageOf(r, channel.name, this.opts.baseUrl, sentAt));
      const outcome: SendOutcome = await sendThrough(channel, messages, IN_FLIGHT);
      for (const row of chunk) results.push(this.resultOf(row, outcome));
      if (!outcome.ok) log.warn("notification not delivered", { channel: channel.name, kind: channel.kind, rows: chunk.length, attempt: chunk[0]!.attempts, error: outcome.error });
    }
    await finishDeliveries(prisma, channelId, results, new Date(clock.now()));
  }

  private resultOf(row: ClaimedDelivery, outcome: SendOutcome): DeliveryResult {
    if (outcome.ok) return { id: row.id, status: "sent", responseStatus: outcome.status };
    if (outcome.permanent || row.attempts >= this.o.maxAttempts) return { id: row.id, status: "dead", error: outcome.error, responseStatus: outcome.status };
    const delay = retryDelayMs(row.attempts, { baseMs: this.o.backoffBaseMs, maxMs: this.o.backoffMaxMs, retryAfterMs: outcome.retryAfterMs });
    return { id: row.id, status: "retry", nextAttemptAt: new Date(this.opts.clock.now() + delay), error: outcome.error, responseStatus: outcome.status };
  }
}
