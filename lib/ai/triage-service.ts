// Triage of one alert, end to end: gather its context, refuse without a key, reuse a fresh analysis of
// the same fingerprint, reserve the call against the day's budget, ask Claude, store the outcome.
// Every path leaves a row saying what happened; nothing here touches the alert itself, so the
// deterministic explanation always stays.
import type Anthropic from "@anthropic-ai/sdk";
import type { AiAnalysisStatus } from "@prisma/client";
import { z } from "zod";
import { SEVERITY_LEVELS, severitiesAtLeast, type Severity } from "@/lib/detect/severity";
import {
  aiActivity,
  alertSeverity,
  type AiAnalysisView,
  cachedAnalysis,
  completeAiCall,
  gatherTriageInput,
  latestAiAnalysis,
  latestAiAttempt,
  markBatched,
  pendingBatchIds,
  pendingRowsOfBatch,
  recordAiNoCall,
  reserveAiCall,
} from "../db/ai-analysis-queries";
import type { DbClient } from "../db/client";
import type { Env } from "../env";
import { notFound } from "../http/app-error";
import { createSubnetMatcher } from "../telemetry/cidr";
import { checkBudget } from "./budget";
import { analysisParams, BATCH_PRICE_FACTOR, batchOutcomes, createClaudeClient, MAX_OUTPUT_TOKENS, requestAnalysis, submitBatch } from "./claude";
import { worstCaseCostUsd } from "./cost";
import { createMasker } from "./masking";
import { alertFingerprint, buildTriageContext, TRIAGE_INSTRUCTIONS, triageUserMessage } from "./triage-context";

/** An analysis of the same fingerprint this recent is reused instead of calling again. */
export const CACHE_TTL_MS = 24 * 3_600_000;
/** An alert still without an analysis this long after it was raised is not waiting in the worker's queue. */
const QUEUE_STALE_MS = 3_600_000;

export interface TriageSettings {
  apiKey: string | undefined;
  baseURL: string | undefined;
  model: string;
  callLimit: number;
  budgetUsd: number | undefined;
  minSeverity: Severity;
  maskInternal: boolean;
  internalSubnets: readonly string[];
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  /** Severities below minSeverity sent through the Message Batches API; "off": none. */
  batchMinSeverity: Severity | "off";
  batchIntervalMs: number;
}

export function triageSettingsFromEnv(e: Env): TriageSettings {
  return {
    apiKey: e.ANTHROPIC_API_KEY,
    baseURL: e.ANTHROPIC_BASE_URL,
    model: e.ANTHROPIC_MODEL,
    callLimit: e.AI_DAILY_CALL_LIMIT,
    budgetUsd: e.AI_DAILY_BUDGET_USD,
    minSeverity: e.AI_MIN_SEVERITY,
    maskInternal: e.AI_MASK_INTERNAL_ADDRESSES,
    internalSubnets: e.INTERNAL_SUBNETS,
    timeoutMs: e.AI_TIMEOUT_SEC * 1000,
    maxRetries: e.AI_MAX_RETRIES,
    concurrency: e.AI_CONCURRENCY,
    batchMinSeverity: e.AI_BATCH_MIN_SEVERITY,
    batchIntervalMs: e.AI_BATCH_INTERVAL_SEC * 1000,
  };
}

/** The severities that go to batches: from batchMinSeverity up to (not including) minSeverity. */
export function batchSeverities(s: Pick<TriageSettings, "minSeverity" | "batchMinSeverity">): string[] {
  if (s.batchMinSeverity === "off") return [];
  return SEVERITY_LEVELS.slice(SEVERITY_LEVELS.indexOf(s.batchMinSeverity), SEVERITY_LEVELS.indexOf(s.minSeverity));
}

export interface TriageResult {
  status: AiAnalysisStatus;
  reason: string | null;
}

export async function triageAlert(
  db: DbClient,
  settings: TriageSettings,
  alertId: number,
  opts: { requestedById: number | null; now: () => Date; useCache: boolean; client?: Anthropic },
): Promise<TriageResult> {
  const input = await gatherTriageInput(db, alertId);
  if (!input) throw notFound("alert");
  const fingerprint = alertFingerprint(input.alert, input.campaign);
  const base = { alertId, fingerprint, requestedById: opts.requestedById };
  const refuse = async (status: AiAnalysisStatus, reason: string): Promise<TriageResult> => {
    await recordAiNoCall(db, { ...base, status, reason, now: opts.now() });
    return { status, reason };
  };
  if (!settings.apiKey) return refuse("disabled", "AI triage is off: no ANTHROPIC_API_KEY is set");

  if (opts.useCache) {
    const hit = await cachedAnalysis(db, fingerprint, new Date(opts.now().getTime() - CACHE_TTL_MS));
    if (hit) {
      const reason = `reused analysis #${hit.id} of an alert with the same fingerprint (no call made)`;
      await recordAiNoCall(db, { ...base, status: "ok", reason, model: hit.model, analysis: hit.analysis, now: opts.now() });
      return { status: "ok", reason };
    }
  }

  const masker = createMasker(createSubnetMatcher(settings.internalSubnets), settings.maskInternal);
  const userMessage = triageUserMessage(buildTriageContext(input, masker));
  const reserveUsd = worstCaseCostUsd(settings.model, TRIAGE_INSTRUCTIONS.length + userMessage.length, MAX_OUTPUT_TOKENS);
  const reservation = await reserveAiCall(db, { ...base, model: settings.model, reserveUsd, now: opts.now() }, (used) =>
    checkBudget(used, { callLimit: settings.callLimit, budgetUsd: settings.budgetUsd }, reserveUsd),
  );
  if (!reservation.allowed) return refuse("budget_exhausted", reservation.reason);

  const client = opts.client ?? clientFor(settings, settings.apiKey);
  const outcome = await requestAnalysis(client, settings.model, TRIAGE_INSTRUCTIONS, userMessage);
  if (outcome.status === "ok") {
    await completeAiCall(db, reservation.id, { ...outcome, analysis: masker.unmask(outcome.analysis) });
    return { status: "ok", reason: null };
  }
  await completeAiCall(db, reservation.id, outcome);
  return { status: outcome.status, reason: outcome.reason };
}

export const aiVerdictInputSchema = z.object({ agree: z.boolean() }).strict();
/** POST /api/alerts/:id/analysis takes an empty object (room for options later). */
export const aiRequestInputSchema = z.object({}).strict();

export interface AlertAnalysisResponse {
  analysis: AiAnalysisView | null;
  /** Why there is no analysis (or why the newest attempt has none); null when one is shown. */
  reason: string | null;
  /** A newer attempt than the analysis shown, when there is one (e.g. "Analyse again" refused by the budget). */
  latestAttempt: { status: AiAnalysisStatus; reason: string | null } | null;
  enabled: boolean;
  model: string;
}

/** What the alert page's AI panel shows: the newest analysis row, or why there is none. */
export async function getAlertAnalysis(db: DbClient, settings: TriageSettings, alertId: number, userId: number): Promise<AlertAnalysisResponse> {
  const found = await alertSeverity(db, alertId);
  if (!found) throw notFound("alert");
  const { severity } = found;
  const [analysis, attempt] = await Promise.all([latestAiAnalysis(db, alertId, userId), latestAiAttempt(db, alertId)]);
  const enabled = Boolean(settings.apiKey);
  let reason: string | null = analysis && analysis.status !== "ok" ? analysis.reason : null;
  // a newer attempt than the analysis shown (in flight, or refused or failed): say so beside it
  const latestAttempt = attempt && analysis && attempt.id !== analysis.id ? { status: attempt.status, reason: attempt.reason } : null;
  if (!analysis) {
    reason = !enabled
      ? "AI triage is off: no ANTHROPIC_API_KEY is set"
      : batchSeverities(settings).includes(severity) && Date.now() - found.createdAt.getTime() <= QUEUE_STALE_MS
        ? `queued for the next low-priority batch (every ${Math.round(settings.batchIntervalMs / 60_000)} min, answered within 24 h)`
        : !(severitiesAtLeast(settings.minSeverity) as readonly string[]).includes(severity)
        ? `not analysed automatically: ${severity} is below AI_MIN_SEVERITY (${settings.minSeverity}); an analyst can request one`
        : Date.now() - found.createdAt.getTime() > QUEUE_STALE_MS
          ? "not analysed: raised while AI triage was not running; an analyst can request one"
          : "queued for analysis";
  }
  return { analysis, reason, latestAttempt, enabled, model: settings.model };
}

/** The Overview's AI panel: today's spend against the budget, and how often analysts agreed. */
export interface AiSpendView {
  enabled: boolean;
  model: string;
  calls: number;
  callLimit: number;
  costUsd: number;
  budgetUsd: number | null;
  analysed: number;
  agree7d: number;
  disagree7d: number;
}

export async function aiSpendView(db: DbClient, settings: TriageSettings, now: Date): Promise<AiSpendView> {
  const a = await aiActivity(db, now);
  return { enabled: Boolean(settings.apiKey), model: settings.model, callLimit: settings.callLimit, budgetUsd: settings.budgetUsd ?? null, ...a };
}

function clientFor(settings: TriageSettings, apiKey: string): Anthropic {
  return createClaudeClient({ apiKey, baseURL: settings.baseURL, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries });
}

/** The masker and message of an alert's analysis (deterministic, so a batch's answer is unmasked the same way later). */
function prepare(settings: TriageSettings, input: NonNullable<Awaited<ReturnType<typeof gatherTriageInput>>>) {
  const masker = createMasker(createSubnetMatcher(settings.internalSubnets), settings.maskInternal);
  return { masker, userMessage: triageUserMessage(buildTriageContext(input, masker)) };
}

/**
 * Low-priority alerts in one Message Batch: each is handled as a single call would be (no key, cache,
 * budget reserved at the batch price) and the rest are sent together; collectBatches settles them.
 */
export async function triageBatch(db: DbClient, settings: TriageSettings, alertIds: readonly number[], opts: { now: () => Date; client?: Anthropic }): Promise<{ batchId: string | null; sent: number }> {
  const entries: { customId: string; params: ReturnType<typeof analysisParams> }[] = [];
  for (const alertId of alertIds) {
    const input = await gatherTriageInput(db, alertId);
    if (!input) continue;
    const fingerprint = alertFingerprint(input.alert, input.campaign);
    const base = { alertId, fingerprint, requestedById: null };
    if (!settings.apiKey) {
      await recordAiNoCall(db, { ...base, status: "disabled", reason: "AI triage is off: no ANTHROPIC_API_KEY is set", now: opts.now() });
      continue;
    }
    const hit = await cachedAnalysis(db, fingerprint, new Date(opts.now().getTime() - CACHE_TTL_MS));
    if (hit) {
      await recordAiNoCall(db, { ...base, status: "ok", reason: `reused analysis #${hit.id} of an alert with the same fingerprint (no call made)`, model: hit.model, analysis: hit.analysis, now: opts.now() });
      continue;
    }
    const { userMessage } = prepare(settings, input);
    const reserveUsd = worstCaseCostUsd(settings.model, TRIAGE_INSTRUCTIONS.length + userMessage.length, MAX_OUTPUT_TOKENS) * BATCH_PRICE_FACTOR;
    const reservation = await reserveAiCall(db, { ...base, model: settings.model, reserveUsd, now: opts.now() }, (used) =>
      checkBudget(used, { callLimit: settings.callLimit, budgetUsd: settings.budgetUsd }, reserveUsd),
    );
    if (!reservation.allowed) {
      await recordAiNoCall(db, { ...base, status: "budget_exhausted", reason: reservation.reason, now: opts.now() });
      continue;
    }
    entries.push({ customId: String(reservation.id), params: analysisParams(settings.model, TRIAGE_INSTRUCTIONS, userMessage) });
  }
  if (entries.length === 0 || !settings.apiKey) return { batchId: null, sent: 0 };
  const ids = entries.map((e) => Number(e.customId));
  try {
    const batchId = await submitBatch(opts.client ?? clientFor(settings, settings.apiKey), entries);
    await markBatched(db, ids, batchId);
    return { batchId, sent: entries.length };
  } catch (err) {
    const reason = `the batch could not be sent: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
    for (const id of ids) await completeAiCall(db, id, { status: "failed", model: settings.model, usage: NO_TOKENS, costUsd: 0, reason });
    return { batchId: null, sent: 0 };
  }
}

const NO_TOKENS = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** Reads the batches that have finished and stores their analyses; how many rows were settled. */
export async function collectBatches(db: DbClient, settings: TriageSettings, opts: { client?: Anthropic } = {}): Promise<number> {
  if (!settings.apiKey) return 0;
  const client = opts.client ?? clientFor(settings, settings.apiKey);
  let settled = 0;
  for (const batchId of await pendingBatchIds(db)) {
    const outcomes = await batchOutcomes(client, batchId, settings.model);
    if (!outcomes) continue;
    for (const row of await pendingRowsOfBatch(db, batchId)) {
      const o = outcomes.get(String(row.id)) ?? { status: "failed" as const, reason: "missing from the batch's results", usage: NO_TOKENS, costUsd: 0, model: settings.model };
      if (o.status === "ok") {
        const input = await gatherTriageInput(db, row.alertId);
        const masker = input ? prepare(settings, input).masker : createMasker(() => false);
        await completeAiCall(db, row.id, { ...o, analysis: masker.unmask(o.analysis) });
      } else {
        await completeAiCall(db, row.id, o);
      }
      settled++;
    }
  }
  return settled;
}
