// The AI triage queue: off the detection path. It reads alerts after they are recorded (polling by id,
// so it never holds the pipeline up and a restart catches up on the last hour), keeps those at or
// above AI_MIN_SEVERITY that have no analysis yet, and analyses at most AI_CONCURRENCY at once. Lower
// ones down to AI_BATCH_MIN_SEVERITY are low-priority work: sent together as a Message Batch every
// AI_BATCH_INTERVAL_SEC, whose answers are read on the same beat. Campaigns at or above AI_MIN_SEVERITY
// are analysed as a whole: their lead alert again, with the campaign in its context, each time the
// campaign gains a threat type or escalates (the fingerprint says so; no call twice for the same).
import type Anthropic from "@anthropic-ai/sdk";
import { alertsToTriage, campaignsToTriage, failStalePending, hasAiAnalysis, hasAiAnalysisWith, triageCursorStart } from "@/lib/db/ai-analysis-queries";
import { alertFingerprint } from "@/lib/ai/triage-context";
import type { PrismaClient } from "@/lib/db/client";
import type { Logger } from "@/lib/log";
import { batchSeverities, collectBatches, triageAlert, triageBatch, type TriageSettings } from "@/lib/ai/triage-service";
import { severitiesAtLeast } from "@/lib/detect/severity";
import type { Clock } from "./clock";

const POLL_MS = 5_000;
/** A restart looks back this far for alerts still without an analysis. */
const CATCH_UP_MS = 3_600_000;
/** Queued alerts at most; beyond it the newest wait for the next poll (the cursor does not pass them). */
const MAX_QUEUED = 500;

export class AiTriageQueue {
  private cursor = 0;
  /** Campaigns changed after this are looked at on the next poll. */
  private campaignCursor = new Date(0);
  /** Alerts queued or being analysed, so a campaign's lead alert is not analysed twice at once. */
  private readonly busy = new Set<number>();
  private readonly queued: number[] = [];
  private readonly batchQueued: number[] = [];
  private batchTimer: NodeJS.Timeout | undefined;
  private batching: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly opts: {
      prisma: PrismaClient;
      settings: TriageSettings;
      clock: Clock;
      log: Logger;
      pollMs?: number;
      /** The Messages API client; by default one from the settings. */
      client?: Anthropic;
    },
  ) {}

  async start(): Promise<void> {
    const { prisma, settings, clock, log } = this.opts;
    const now = clock.now();
    const stale = await failStalePending(prisma, new Date(now - settings.timeoutMs * (settings.maxRetries + 1) - 60_000));
    if (stale > 0) log.warn("AI analyses interrupted by a restart marked failed", { count: stale });
    this.cursor = await triageCursorStart(prisma, new Date(now - CATCH_UP_MS));
    this.campaignCursor = new Date(now - CATCH_UP_MS);
    log.info(settings.apiKey ? "AI triage on" : "AI triage off (no ANTHROPIC_API_KEY): alerts get a row saying so", {
      model: settings.model,
      minSeverity: settings.minSeverity,
      concurrency: settings.concurrency,
    });
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? POLL_MS);
    void this.poll();
    if (batchSeverities(settings).length > 0) this.batchTimer = setInterval(() => void this.runBatches(), settings.batchIntervalMs);
  }

  /** Reads newly recorded alerts into the queue (one poll at a time). */
  poll(): Promise<void> {
    this.polling ??= this.readNew()
      .catch((err: unknown) => this.opts.log.warn("AI triage poll failed", { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        this.polling = undefined;
      });
    return this.polling;
  }

  private async readNew(): Promise<void> {
    if (this.stopped || this.queued.length >= MAX_QUEUED) return;
    const { settings } = this.opts;
    const now = severitiesAtLeast(settings.minSeverity);
    const rows = await alertsToTriage(this.opts.prisma, this.cursor, [...now, ...batchSeverities(settings)], MAX_QUEUED - this.queued.length - this.batchQueued.length);
    for (const { id, severity } of rows) {
      this.cursor = id;
      if (this.busy.has(id) || (await hasAiAnalysis(this.opts.prisma, id))) continue;
      this.busy.add(id);
      (now.includes(severity) ? this.queued : this.batchQueued).push(id);
    }
    const campaigns = await campaignsToTriage(this.opts.prisma, this.campaignCursor, now, MAX_QUEUED - this.queued.length - this.batchQueued.length);
    for (const c of campaigns) {
      this.campaignCursor = c.updatedAt;
      if (this.busy.has(c.lead.id) || (await hasAiAnalysisWith(this.opts.prisma, c.lead.id, alertFingerprint(c.lead, c)))) continue;
      this.busy.add(c.lead.id);
      this.queued.push(c.lead.id);
    }
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.inFlight.size < this.opts.settings.concurrency && this.queued.length > 0) {
      const alertId = this.queued.shift()!;
      const run = this.analyse(alertId).finally(() => {
        this.inFlight.delete(run);
        this.busy.delete(alertId);
        this.pump();
      });
      this.inFlight.add(run);
    }
  }

  private async analyse(alertId: number): Promise<void> {
    const { prisma, settings, clock, log, client } = this.opts;
    try {
      const result = await triageAlert(prisma, settings, alertId, { requestedById: null, now: () => new Date(clock.now()), useCache: true, client });
      if (result.status === "ok") log.info("alert analysed", result.reason ? { alertId, note: result.reason } : { alertId });
      else if (result.status !== "disabled") log.warn("alert not analysed", { alertId, status: result.status, reason: result.reason });
    } catch (err) {
      log.error("AI triage of an alert failed", { alertId, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Sends the collected low-priority alerts as one batch and settles finished batches (one run at a time). */
  runBatches(): Promise<void> {
    const { prisma, settings, clock, log, client } = this.opts;
    this.batching ??= (async () => {
      const ids = this.batchQueued.splice(0);
      for (const id of ids) this.busy.delete(id);
      if (ids.length > 0) {
        const { batchId, sent } = await triageBatch(prisma, settings, ids, { now: () => new Date(clock.now()), client });
        if (batchId) log.info("low-priority alerts sent as a batch", { batchId, alerts: sent });
      }
      const settled = await collectBatches(prisma, settings, { client });
      if (settled > 0) log.info("batch analyses stored", { count: settled });
    })()
      .catch((err: unknown) => log.warn("AI batch work failed", { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        this.batching = undefined;
      });
    return this.batching;
  }

  /** Resolves once nothing is queued or in flight (tests; the drain). */
  async idle(): Promise<void> {
    await this.polling;
    while (this.inFlight.size > 0 || (!this.stopped && this.queued.length > 0)) {
      await Promise.race(this.inFlight);
      await this.polling;
    }
  }

  /** Stops reading; calls in flight get `graceMs` to finish (the rest are marked failed at the next start). */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.batchTimer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.inFlight), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }
}
