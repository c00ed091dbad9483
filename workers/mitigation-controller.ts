// The mitigation controller: the only part of Tidewatch that talks to the BGP speaker. Off the
// detection path: it reads recorded alerts from Postgres on its own beat (an alert is never delayed),
// proposes mitigations for qualifying ones (lib/mitigation/mitigation-service.ts; the AI gate runs in
// the background, a few at a time), and on every pass makes the speaker's RIB match the wanted state
// in Postgres (lib/mitigation/control-plan.ts): approved → prefix safety → announce → active (within
// MITIGATION_MAX_ACTIVE), active past its TTL → expired → withdrawn, an active route missing from the
// RIB → announced again, a route nobody wants (an orphan, or one an analyst withdrew) → withdrawn. The
// first pass at start is the reconciliation after a restart; every step is audited.
// Storage goes through a MitigationStore (Postgres in the product) so the control logic is unit-tested
// on a virtual clock with an in-memory speaker.
import type Anthropic from "@anthropic-ai/sdk";
import type { TriageSettings } from "@/lib/ai/triage-service";
import type { DbClient } from "@/lib/db/client";
import {
  auditRouteAction,
  mitigationCandidates,
  openMitigations,
  readPlaybookSettings,
  transitionMitigation,
  type CandidateAlert,
  type Transition,
} from "@/lib/db/mitigation-queries";
import type { Logger } from "@/lib/log";
import type { AnnouncedRoute, BgpSpeaker, MitigationRoute } from "@/lib/mitigation/bgp-speaker";
import { planControl, type ControlRow } from "@/lib/mitigation/control-plan";
import { QUALIFYING_SEVERITIES } from "@/lib/mitigation/gates";
import { proposeMitigation, runAiGate } from "@/lib/mitigation/mitigation-service";
import type { PlaybookSettingsView } from "@/lib/mitigation/mitigation-view";
import { MITIGATED_ALERT_TYPES } from "@/lib/mitigation/playbooks";
import type { PrefixSafety } from "@/lib/mitigation/prefix-safety";
import { describeRoute, routeKey } from "@/lib/mitigation/route-text";
import type { Clock } from "./clock";

const POLL_MS = 2_000;
/** Alerts observed longer ago than this (data time) get no proposal: a blackhole for an old attack helps nobody. */
const FRESH_MS = 3_600_000;
/** Alerts read per pass at most. */
const BATCH = 100;
/** Re-reads this far behind the newest change seen, for changes committed out of order (proposals are idempotent). */
const CURSOR_OVERLAP_MS = 5_000;
/** AI approvals asked at once. */
const AI_CONCURRENCY = 2;
/** An approved mitigation whose announcement failed this many passes in a row is marked failed. */
export const MAX_ANNOUNCE_FAILURES = 3;
const MINUTE = 60_000;

/** A mitigation the controller still acts on (proposed, approved or active). */
export interface OpenMitigation extends ControlRow {
  route: MitigationRoute;
  ttlMinutes: number;
}

/** What the controller reads and writes; every write is audited and announced live by the store. */
export interface MitigationStore {
  /** Open alerts of the mitigated types, high/critical, changed after `since`, with no mitigation yet. */
  candidates(since: Date, take: number): Promise<CandidateAlert[]>;
  playbookSettings(): Promise<PlaybookSettingsView[]>;
  /** Gate 1 and the playbook's route; the new proposal, or null when none was made. */
  propose(alert: CandidateAlert, opts: { settings: readonly PlaybookSettingsView[]; dryRun: boolean; now: Date }): Promise<{ id: number; routeText: string } | null>;
  /** Gate 2 (AI, fail secure) and gate 3's verdict stored on the row. */
  aiGate(id: number, alert: CandidateAlert, now: () => Date): Promise<{ status: string; ai: string } | null>;
  open(): Promise<OpenMitigation[]>;
  /** Changes a row if it is still in one of `t.from`; null when it was not. */
  transition(id: number, t: Transition): Promise<{ routeText: string } | null>;
  /** Audits a route touched outside any row's status change (an orphan withdrawn, a route re-announced). */
  auditRoute(action: string, key: string, detail: Record<string, unknown>): Promise<void>;
}

export function postgresMitigationStore(db: DbClient, ai: TriageSettings, aiClient?: Anthropic): MitigationStore {
  return {
    candidates: (since, take) => mitigationCandidates(db, since, MITIGATED_ALERT_TYPES, QUALIFYING_SEVERITIES, take),
    playbookSettings: () => readPlaybookSettings(db),
    async propose(alert, opts) {
      const outcome = await proposeMitigation(db, alert, opts);
      return "proposed" in outcome ? { id: outcome.proposed.id, routeText: outcome.proposed.routeText } : null;
    },
    async aiGate(id, alert, now) {
      const m = await runAiGate(db, id, alert, ai, { now, client: aiClient });
      return m && { status: m.status, ai: m.gates.ai.outcome };
    },
    async open() {
      const rows = await openMitigations(db);
      return rows.map((r) => ({ ...r, status: r.status as ControlRow["status"], route: r.route as unknown as MitigationRoute }));
    },
    transition: (id, t) => transitionMitigation(db, id, t),
    auditRoute: (action, key, detail) => auditRouteAction(db, action, key, detail),
  };
}

export interface MitigationControllerOptions {
  store: MitigationStore;
  speaker: BgpSpeaker;
  safety: PrefixSafety;
  /** Wall clock: TTLs and expiry. */
  clock: Clock;
  /** The time alerts are observed in (the demo's replayed clock); the wall clock when absent. */
  dataClock?: Clock;
  log: Logger;
  /** Rows record that the speaker only records (MITIGATION_BGP=dry-run). */
  dryRun: boolean;
  maxActive: number;
  pollMs?: number;
}

export class MitigationController {
  private since = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private started = false;
  private readonly aiQueue: { id: number; alert: CandidateAlert }[] = [];
  private readonly aiInFlight = new Set<Promise<void>>();
  private readonly failures = new Map<number, number>();
  /** Approved rows already told they wait behind the cap (told once, not on every pass). */
  private readonly toldWaiting = new Set<number>();

  constructor(private readonly opts: MitigationControllerOptions) {}

  /** Reconciles with the speaker's RIB, then runs a pass every pollMs. */
  async start(): Promise<void> {
    this.since = this.opts.clock.now() - FRESH_MS;
    this.opts.log.info(this.opts.dryRun ? "mitigation controller on (dry-run: routes are recorded, never sent)" : "mitigation controller on", { maxActive: this.opts.maxActive });
    await this.pass();
    this.timer = setInterval(() => void this.pass(), this.opts.pollMs ?? POLL_MS);
  }

  /**
   * One pass (proposals, then the RIB brought to the wanted state); one at a time. A pass asked for
   * while one runs makes it run once more, so what changed meanwhile (an automatic approval) is not
   * left to the next beat.
   */
  pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        if (this.stopped) return;
        try {
          await this.propose();
        } catch (err) {
          this.opts.log.warn("proposing mitigations failed; retrying next pass", { error: message(err) });
        }
        try {
          await this.converge(!this.started);
          this.started = true;
        } catch (err) {
          this.opts.log.warn("mitigation pass failed; retrying next pass", { error: message(err) });
        }
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async propose(): Promise<void> {
    const { store, clock, log, dryRun } = this.opts;
    const candidates = await store.candidates(new Date(this.since - CURSOR_OVERLAP_MS), BATCH);
    if (candidates.length === 0) return;
    const settings = await store.playbookSettings();
    const freshAfter = (this.opts.dataClock ?? clock).now() - FRESH_MS;
    for (const alert of candidates) {
      this.since = Math.max(this.since, alert.updatedAt.getTime());
      if (alert.observedAt.getTime() < freshAfter) continue;
      const proposed = await store.propose(alert, { settings, dryRun, now: new Date(clock.now()) });
      if (proposed) {
        log.info("mitigation proposed", { mitigationId: proposed.id, alertId: alert.id, route: proposed.routeText });
        this.aiQueue.push({ id: proposed.id, alert });
      }
    }
    this.pumpAi();
  }

  private pumpAi(): void {
    while (!this.stopped && this.aiInFlight.size < AI_CONCURRENCY && this.aiQueue.length > 0) {
      const { id, alert } = this.aiQueue.shift()!;
      const run = this.opts.store
        .aiGate(id, alert, () => new Date(this.opts.clock.now()))
        .then((m) => {
          if (m) this.opts.log.info("mitigation AI gate", { mitigationId: id, ai: m.ai, status: m.status });
        })
        .catch((err: unknown) => this.opts.log.warn("mitigation AI gate failed (a human decides)", { mitigationId: id, error: message(err) }))
        .finally(() => {
          this.aiInFlight.delete(run);
          this.pumpAi();
          // an automatic approval is announced without waiting for the next beat
          void this.pass();
        });
      this.aiInFlight.add(run);
    }
  }

  private async converge(atStart: boolean): Promise<void> {
    const { store, speaker, clock, log, maxActive } = this.opts;
    const rows = await store.open();
    const announced = new Map<string, AnnouncedRoute>();
    // keyed here from the route itself, whatever key the speaker reports (route-text.ts)
    for (const a of await speaker.listAnnounced()) announced.set(routeKey(a.route), a);
    const now = clock.now();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const plan = planControl(rows, new Set(announced.keys()), now, maxActive);
    const at = new Date(now);
    const how = atStart ? "reconcile" : "pass";

    for (const id of plan.lapse) {
      await store.transition(id, { from: ["proposed", "approved"], data: { status: "expired", endedAt: at, reason: "lapsed: not approved and announced within its TTL" }, action: "mitigation.lapse", actorId: null });
    }
    for (const id of plan.expire) {
      const done = await store.transition(id, { from: ["active"], data: { status: "expired", endedAt: at }, action: "mitigation.expire", actorId: null, detail: { how } });
      if (done) log.info("mitigation expired (TTL)", { mitigationId: id, route: done.routeText });
    }
    for (const key of plan.withdraw) {
      const a = announced.get(key)!;
      try {
        await speaker.withdraw(a.route);
      } catch (err) {
        log.warn("withdrawing a route failed; retrying next pass", { route: describeRoute(a.route), error: message(err) });
        continue;
      }
      await store.auditRoute("mitigation_route.withdraw", key, { route: describeRoute(a.route), how, why: atStart ? "in the RIB at start but no active mitigation wants it (orphan)" : "no active mitigation wants it (expired, withdrawn or an orphan)" });
      log.info("route withdrawn", { route: describeRoute(a.route), how });
    }
    for (const id of plan.reannounce) {
      const row = byId.get(id)!;
      if (!(await this.safeOrRefused(row, ["active"], at))) continue;
      try {
        await speaker.announce(row.route);
      } catch (err) {
        if (await this.refusedBySpeaker(row, ["active"], at, err)) continue;
        log.warn("announcing a missing route failed; retrying next pass", { mitigationId: id, error: message(err) });
        continue;
      }
      await store.auditRoute("mitigation_route.reannounce", row.routeKey, { mitigationId: id, route: describeRoute(row.route), how, why: atStart ? "missing from the RIB at start" : "missing from the RIB" });
      log.info("route announced again (missing from the RIB)", { mitigationId: id, how });
    }
    for (const id of plan.activate) await this.activate(byId.get(id)!, at);
    for (const id of plan.waiting) {
      if (this.toldWaiting.has(id)) continue;
      this.toldWaiting.add(id);
      await store.transition(id, { from: ["approved"], data: { reason: `waiting: ${maxActive} mitigations are active (MITIGATION_MAX_ACTIVE)` }, action: "mitigation.wait", actorId: null });
    }
  }

  /** Prefix safety before every announce; a refused row ends as refused, with the reason. */
  private async safeOrRefused(row: OpenMitigation, from: OpenMitigation["status"][], at: Date): Promise<boolean> {
    const verdict = this.opts.safety.checkRoute(row.route);
    if (verdict.ok) return true;
    await this.refuse(row, from, at, verdict.reason);
    return false;
  }

  /** The speaker's own guard (GuardedSpeaker's PrefixRefusedError) refuses for good: no retries. */
  private async refusedBySpeaker(row: OpenMitigation, from: OpenMitigation["status"][], at: Date, err: unknown): Promise<boolean> {
    if (!(err instanceof Error) || err.name !== "PrefixRefusedError") return false;
    const reason = (err as Error & { reason?: unknown }).reason;
    await this.refuse(row, from, at, typeof reason === "string" ? reason : err.message);
    return true;
  }

  private async refuse(row: OpenMitigation, from: OpenMitigation["status"][], at: Date, reason: string): Promise<void> {
    await this.opts.store.transition(row.id, { from, data: { status: "refused", endedAt: at, reason }, action: "mitigation.refuse", actorId: null });
    this.opts.log.warn("mitigation refused by prefix safety", { mitigationId: row.id, reason });
  }

  private async activate(row: OpenMitigation, at: Date): Promise<void> {
    const { store, speaker, log, dryRun } = this.opts;
    if (!(await this.safeOrRefused(row, ["approved"], at))) return;
    try {
      await speaker.announce(row.route);
    } catch (err) {
      if (await this.refusedBySpeaker(row, ["approved"], at, err)) return;
      const n = (this.failures.get(row.id) ?? 0) + 1;
      this.failures.set(row.id, n);
      log.warn("announcing a mitigation failed", { mitigationId: row.id, attempt: n, error: message(err) });
      if (n >= MAX_ANNOUNCE_FAILURES) {
        this.failures.delete(row.id);
        await store.transition(row.id, { from: ["approved"], data: { status: "failed", endedAt: at, reason: `the speaker refused the announcement ${n} times: ${message(err)}` }, action: "mitigation.fail", actorId: null });
      }
      return;
    }
    this.failures.delete(row.id);
    this.toldWaiting.delete(row.id);
    // the TTL runs from the announcement; if the row changed meanwhile (withdrawn, denied) the route is
    // an orphan and the next pass withdraws it
    const done = await store.transition(row.id, {
      from: ["approved"],
      data: { status: "active", activatedAt: at, expiresAt: new Date(at.getTime() + row.ttlMinutes * MINUTE), reason: null },
      action: "mitigation.announce",
      actorId: null,
      detail: { dryRun },
    });
    if (done) log.info(dryRun ? "mitigation active (dry-run: recorded, not sent)" : "mitigation announced", { mitigationId: row.id, route: done.routeText });
  }

  /** Resolves once no AI gate is queued or running and no pass runs (tests). */
  async idle(): Promise<void> {
    while (this.aiInFlight.size > 0 || this.aiQueue.length > 0) await Promise.race(this.aiInFlight);
    while (this.running) await this.running;
  }

  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([this.running, ...this.aiInFlight]), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
