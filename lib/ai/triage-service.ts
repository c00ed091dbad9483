// Triage of one alert, end to end: gather its context, refuse without a key, reuse a fresh analysis of
// the same fingerprint, reserve the call against the day's budget, ask Claude, store the outcome.
// Every path leaves a row saying what happened; nothing here touches the alert itself, so the
// deterministic explanation always stays.
import type Anthropic from "@anthropic-ai/sdk";
import type { AiAnalysisStatus } from "@prisma/client";
import { z } from "zod";
import {
  aiActivity,
  alertSeverity,
  type AiAnalysisView,
  cachedAnalysis,
  completeAiCall,
  gatherTriageInput,
  latestAiAnalysis,
  latestAiAttempt,
  recordAiNoCall,
  reserveAiCall,
} from "../db/ai-analysis-queries";
import type { DbClient } from "../db/client";
import type { Env } from "../env";
import { notFound } from "../http/app-error";
import { createSubnetMatcher } from "../telemetry/cidr";
import { checkBudget } from "./budget";
import { createClaudeClient, MAX_OUTPUT_TOKENS, requestAnalysis } from "./claude";
import { worstCaseCostUsd } from "./cost";
import { createMasker } from "./masking";
import { alertFingerprint, buildTriageContext, TRIAGE_INSTRUCTIONS, triageUserMessage } from "./triage-context";

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
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
  minSeverity: (typeof SEVERITIES)[number];
  maskInternal: boolean;
  internalSubnets: readonly string[];
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
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
  };
}

/** The severities the risk pre-filter lets through automatically. */
export function severitiesAtLeast(min: TriageSettings["minSeverity"]): string[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(min));
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
  const fingerprint = alertFingerprint(input.alert);
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

  const client =
    opts.client ?? createClaudeClient({ apiKey: settings.apiKey, baseURL: settings.baseURL, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries });
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
      : !severitiesAtLeast(settings.minSeverity).includes(severity)
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
