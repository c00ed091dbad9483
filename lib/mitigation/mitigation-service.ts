// Mitigations from the outside in: proposing one for a qualifying alert (gate 1, the playbook's route,
// then gate 2 in the background), and the analysts' actions (approve, deny, extend, withdraw) and the
// admins' playbook settings, validated here so route handlers stay thin. Announcing and withdrawing
// routes is the worker's controller's job alone (workers/mitigation-controller.ts): an action here
// changes the wanted state in Postgres and the controller makes the RIB follow.
import type Anthropic from "@anthropic-ai/sdk";
import { z } from "zod";
import { checkBudget } from "../ai/budget";
import { createClaudeClient } from "../ai/claude";
import { worstCaseCostUsd } from "../ai/cost";
import { createMasker } from "../ai/masking";
import type { TriageSettings } from "../ai/triage-service";
import type { DbClient } from "../db/client";
import type { Env } from "../env";
import { DEMO_SUBNET } from "../simulator/demo-traffic";
import {
  completeApprovalCall,
  createMitigation,
  countOpenMitigations,
  getMitigationView,
  listMitigations,
  readPlaybookSettings,
  reserveApprovalCall,
  savePlaybookSettings,
  transitionMitigation,
  type CandidateAlert,
} from "../db/mitigation-queries";
import { alertTypeTitle } from "../alerts/alert-type";
import { AppError, notFound } from "../http/app-error";
import { createSubnetMatcher } from "../telemetry/cidr";
import { APPROVAL_INSTRUCTIONS, APPROVAL_MAX_OUTPUT_TOKENS, approvalUserMessage, askHuman, requestApproval } from "./ai-approval";
import { decide, detectorGate, type AiGate, type GateOutcomes } from "./gates";
import { OPEN_MITIGATION_STATUSES, type MitigationView, type PlaybookSettingsView } from "./mitigation-view";
import { isPlaybookId, playbookFor, type PlaybookId } from "./playbooks";
import { createPrefixSafety, prefixSafetyPolicy, type PrefixSafety } from "./prefix-safety";
import { describeRoute, routeKey } from "./route-text";

const MINUTE = 60_000;

export type ProposalOutcome =
  | { proposed: MitigationView }
  | { skipped: string };

/**
 * Gate 1 and the playbook's route for one alert; a proposal (status proposed, the AI gate pending) when
 * both hold. The caller runs the AI gate afterwards (runAiGate), off its own loop.
 */
export async function proposeMitigation(
  db: DbClient,
  alert: CandidateAlert,
  opts: { settings: readonly PlaybookSettingsView[]; dryRun: boolean; now: Date },
): Promise<ProposalOutcome> {
  const playbook = playbookFor(alert.alertType);
  if (!playbook) return { skipped: `no playbook answers ${alert.alertType}` };
  const settings = opts.settings.find((s) => s.id === playbook.id)!;
  if (!settings.enabled) return { skipped: `the ${playbook.id} playbook is disabled` };
  const detector = detectorGate(alert.severity, alert.campaignConfidence);
  if (!detector.passed) return { skipped: detector.reason };
  const planned = playbook.buildRoute({ alertType: alert.alertType, address: alert.device.address, evidence: alert.evidence });
  if (!planned.route) return { skipped: planned.why };
  const pending = askHuman("AI approval pending");
  const gates: GateOutcomes = { detector, ai: pending, human: { required: true, reason: "waiting for the AI approval" } };
  const view = await createMitigation(db, {
    alertId: alert.id,
    campaignId: alert.campaignId,
    playbookId: playbook.id,
    route: planned.route,
    routeKey: routeKey(planned.route),
    status: "proposed",
    reason: planned.why,
    gates,
    automatic: settings.automatic,
    dryRun: opts.dryRun,
    ttlMinutes: settings.ttlMinutes,
    expiresAt: new Date(opts.now.getTime() + settings.ttlMinutes * MINUTE),
    now: opts.now,
  });
  return view ? { proposed: view } : { skipped: "already proposed" };
}

/**
 * Gate 2 (the AI approval, fail secure) and gate 3's verdict for a proposal: stored on the row; an
 * automatic playbook's proposal the AI approved becomes approved (the controller announces it).
 */
export async function runAiGate(
  db: DbClient,
  mitigationId: number,
  alert: CandidateAlert,
  ai: TriageSettings,
  opts: { now: () => Date; client?: Anthropic },
): Promise<MitigationView | null> {
  const m = await getMitigationView(db, mitigationId);
  if (!m) return null;
  let gate: AiGate;
  if (!ai.apiKey) gate = askHuman("AI approval off: no ANTHROPIC_API_KEY is set");
  else {
    const masker = createMasker(createSubnetMatcher(ai.internalSubnets), ai.maskInternal);
    const message = approvalUserMessage(
      {
        alert: {
          type: alert.alertType,
          title: alertTypeTitle(alert.alertType),
          severity: alert.severity,
          confidence: m.gates.detector.confidence,
          explanation: alert.explanation,
          evidence: alert.evidence,
          observedAt: alert.observedAt.toISOString(),
        },
        device: { role: alert.device.role, site: alert.device.site },
        route: m.route,
        routeDescription: describeRoute(m.route),
        ttlMinutes: m.ttlMinutes,
        playbook: m.playbookTitle,
      },
      masker,
    );
    const reserveUsd = worstCaseCostUsd(ai.model, APPROVAL_INSTRUCTIONS.length + message.length, APPROVAL_MAX_OUTPUT_TOKENS);
    const reserved = await reserveApprovalCall(db, mitigationId, reserveUsd, opts.now(), (used) => checkBudget(used, { callLimit: ai.callLimit, budgetUsd: ai.budgetUsd }, reserveUsd));
    if (!reserved.allowed) gate = askHuman(`AI approval not asked: ${reserved.reason}`);
    else {
      const client = opts.client ?? createClaudeClient({ apiKey: ai.apiKey, baseURL: ai.baseURL, timeoutMs: ai.timeoutMs, maxRetries: ai.maxRetries });
      const outcome = await requestApproval(client, ai.model, message, masker);
      await completeApprovalCall(db, mitigationId, outcome.costUsd);
      gate = outcome.gate;
    }
  }
  const decision = decide(m.gates.detector, gate, m.automatic);
  const approve = decision.status === "approved";
  const updated = await transitionMitigation(db, mitigationId, {
    from: approve ? ["proposed"] : ["proposed", "approved", "active"],
    data: { gates: decision.gates as object, ...(approve ? { status: "approved", decidedAt: opts.now(), expiresAt: new Date(opts.now().getTime() + m.ttlMinutes * MINUTE) } : {}) },
    action: approve ? "mitigation.auto_approve" : "mitigation.ai_gate",
    actorId: null,
    detail: { ai: gate.outcome, aiReason: gate.reason },
  });
  return updated;
}

// ---- analysts' actions -------------------------------------------------------------------------

export const mitigationActionSchema = z.enum(["approve", "deny", "extend", "withdraw"]);
export type MitigationAction = z.infer<typeof mitigationActionSchema>;

export const denyInputSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();
export const approveInputSchema = z.object({}).strict();
export const withdrawInputSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();
export const extendInputSchema = (maxTtlMinutes: number) =>
  z.object({ minutes: z.number().int().min(1).max(maxTtlMinutes, `at most ${maxTtlMinutes} minutes (MITIGATION_MAX_TTL_MIN)`) }).strict();

export const mitigationListQuerySchema = z
  .object({
    alertId: z.coerce.number().int().positive().optional(),
    campaignId: z.coerce.number().int().positive().optional(),
    status: z.enum(["active", "open", "all"]).default("all"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** What the mitigation panels show: the list, and whether routes really reach the routers. */
export interface MitigationsResponse {
  mitigations: MitigationView[];
  /** Open mitigations now, whatever the filter. */
  open: { proposed: number; approved: number; active: number };
  /** MITIGATION_BGP: off (nothing announced), dry-run (recorded, never sent) or gobgp. */
  mode: Env["MITIGATION_BGP"];
}

export async function listMitigationsFor(db: DbClient, query: z.infer<typeof mitigationListQuerySchema>, mode: Env["MITIGATION_BGP"]): Promise<MitigationsResponse> {
  const statuses = query.status === "active" ? (["active"] as const) : query.status === "open" ? OPEN_MITIGATION_STATUSES : undefined;
  const mitigations = await listMitigations(db, { alertId: query.alertId, campaignId: query.campaignId, statuses, limit: query.limit });
  return { mitigations, open: await countOpenMitigations(db), mode };
}

const conflict = (m: MitigationView, what: string) =>
  new AppError(409, "conflict", `status: mitigation #${m.id} is ${m.status}; only ${what}`, "status");

/**
 * The monitored networks mitigations must stay inside: INTERNAL_SUBNETS, and the demo network when the
 * demo runs (its devices live on loopback). Web app and worker check with the same policy.
 */
export function mitigationSafetySettings<E extends Pick<Env, "INTERNAL_SUBNETS" | "MITIGATION_PROTECTED_PREFIXES" | "SIMULATE">>(e: E): E {
  return e.SIMULATE ? { ...e, INTERNAL_SUBNETS: [...e.INTERNAL_SUBNETS, DEMO_SUBNET] } : e;
}

export function mitigationSafety(e: Pick<Env, "INTERNAL_SUBNETS" | "MITIGATION_PROTECTED_PREFIXES" | "SIMULATE">): PrefixSafety {
  return createPrefixSafety(prefixSafetyPolicy(mitigationSafetySettings(e)));
}

export async function applyMitigationAction(
  db: DbClient,
  id: number,
  action: MitigationAction,
  body: unknown,
  ctx: { userId: number; userName: string; now: Date; maxTtlMinutes: number; safety: PrefixSafety },
): Promise<MitigationView> {
  const current = await getMitigationView(db, id);
  if (!current) throw notFound("mitigation");
  const now = ctx.now;
  let result: MitigationView | null;
  switch (action) {
    case "approve": {
      approveInputSchema.parse(body);
      // refused here already, so the analyst sees why at once (the controller checks again before announcing)
      const verdict = ctx.safety.checkRoute(current.route);
      if (!verdict.ok) {
        const refused = await transitionMitigation(db, id, {
          from: ["proposed"],
          data: { status: "refused", decidedById: ctx.userId, decidedAt: now, endedAt: now, reason: verdict.reason },
          action: "mitigation.refuse",
          actorId: ctx.userId,
          detail: { asked: "approve", code: verdict.code },
        });
        if (!refused) throw conflict(current, "a proposed mitigation can be approved");
        throw new AppError(422, "refused", `route: ${verdict.reason}`, "route");
      }
      const gates: GateOutcomes = { ...current.gates, human: { required: true, reason: `approved by ${ctx.userName}` } };
      result = await transitionMitigation(db, id, {
        from: ["proposed"],
        // the TTL runs again from the approval: an approval waiting behind the cap lapses after it
        data: { status: "approved", decidedById: ctx.userId, decidedAt: now, gates: gates as object, expiresAt: new Date(now.getTime() + current.ttlMinutes * MINUTE) },
        action: "mitigation.approve",
        actorId: ctx.userId,
      });
      if (!result) throw conflict(current, "a proposed mitigation can be approved");
      return result;
    }
    case "deny": {
      const { reason } = denyInputSchema.parse(body);
      const gates: GateOutcomes = { ...current.gates, human: { required: true, reason: `denied by ${ctx.userName}` } };
      result = await transitionMitigation(db, id, {
        from: ["proposed", "approved"],
        data: { status: "denied", decidedById: ctx.userId, decidedAt: now, gates: gates as object, ...(reason ? { reason: `denied: ${reason}` } : {}) },
        action: "mitigation.deny",
        actorId: ctx.userId,
      });
      if (!result) throw conflict(current, "a proposed or approved (not yet active) mitigation can be denied");
      return result;
    }
    case "extend": {
      const { minutes } = extendInputSchema(ctx.maxTtlMinutes).parse(body);
      // only once announced: its TTL starts then (the controller sets it from the playbook), so an
      // extension of a proposal would be overwritten at announcement
      result = await transitionMitigation(db, id, {
        from: ["active"],
        data: { expiresAt: new Date(now.getTime() + minutes * MINUTE) },
        action: "mitigation.extend",
        actorId: ctx.userId,
        detail: { minutes },
      });
      if (!result) throw conflict(current, "only an active mitigation can be extended (its TTL starts when it is announced)");
      return result;
    }
    case "withdraw": {
      const { reason } = withdrawInputSchema.parse(body);
      result = await transitionMitigation(db, id, {
        from: ["approved", "active"],
        data: { status: "withdrawn", endedById: ctx.userId, endedAt: now, ...(reason ? { reason: `withdrawn: ${reason}` } : {}) },
        action: "mitigation.withdraw",
        actorId: ctx.userId,
      });
      if (!result) throw conflict(current, "an approved or active mitigation can be withdrawn (deny a proposal instead)");
      return result;
    }
  }
}

// ---- playbook settings (admins) ----------------------------------------------------------------

export const playbookSettingsInputSchema = (maxTtlMinutes: number) =>
  z
    .object({
      enabled: z.boolean().optional(),
      automatic: z.boolean().optional(),
      ttlMinutes: z.number().int().min(1).max(maxTtlMinutes, `at most ${maxTtlMinutes} minutes (MITIGATION_MAX_TTL_MIN)`).optional(),
    })
    .strict();

export async function updatePlaybookSettings(db: DbClient, id: string, body: unknown, ctx: { userId: number; maxTtlMinutes: number }): Promise<PlaybookSettingsView> {
  if (!isPlaybookId(id)) throw notFound("playbook");
  const patch = playbookSettingsInputSchema(ctx.maxTtlMinutes).parse(body);
  const current = (await readPlaybookSettings(db)).find((p) => p.id === id)!;
  return savePlaybookSettings(db, id as PlaybookId, { enabled: patch.enabled ?? current.enabled, automatic: patch.automatic ?? current.automatic, ttlMinutes: patch.ttlMinutes ?? current.ttlMinutes }, ctx.userId);
}
