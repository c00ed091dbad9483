// Gate 2: Claude is asked whether to carry out a proposed mitigation (the seeds' V4 "AI approval"),
// with structured output (a zod schema through the SDK's output format, as lib/ai/claude.ts does).
// Fail secure: anything but a well-formed answer (no key, budget spent, timeout, an API error, output
// outside the schema, a refusal) is "ask a human", never "approve".
import type Anthropic from "@anthropic-ai/sdk";
import { APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import { z } from "zod";
import { costUsd, type TokenUsage } from "../ai/cost";
import type { Masker } from "../ai/masking";
import type { AiGate } from "./gates";

export const aiApprovalSchema = z.object({
  /** Whether to carry out the mitigation now. */
  approve: z.boolean(),
  /** How sure the model is of that answer, 0..1. */
  confidence: z.number().min(0).max(1),
  /** Why, in two or three sentences (shown to the analyst). */
  reasoning: z.string().min(1),
  /** What could go wrong if it is carried out (collateral damage), or "none seen". */
  risks: z.string(),
});
export type AiApproval = z.infer<typeof aiApprovalSchema>;

export const APPROVAL_MAX_OUTPUT_TOKENS = 512;

export const APPROVAL_INSTRUCTIONS = `You approve or reject automated network mitigations proposed by Tidewatch, a network anomaly detector.

You receive one proposal as JSON: the alert that triggered it (type, severity, confidence, the detector's explanation and evidence), the device it protects (role, site), and the exact BGP route Tidewatch would announce: a remote-triggered blackhole (RFC 7999: all traffic to the prefix is dropped upstream) or a FlowSpec rule (RFC 8955: matching traffic is discarded or rate-limited), with its time to live.

Approve only when the evidence shows an attack (not a backup, release, marketing surge or misconfiguration) and the route's collateral damage is proportionate: a blackhole takes the host off the network for the TTL. When in doubt, do not approve: a human analyst then decides. Addresses shown as internal-host-N are internal hosts masked for privacy.`;

export interface ApprovalContext {
  alert: { type: string; title: string; severity: string; confidence: number; explanation: string; evidence: unknown; observedAt: string };
  device: { role: string; site: string };
  route: unknown;
  routeDescription: string;
  ttlMinutes: number;
  playbook: string;
}

export function approvalUserMessage(ctx: ApprovalContext, masker: Masker): string {
  return JSON.stringify(masker.mask(ctx));
}

export type ApprovalOutcome = { gate: AiGate; usage: TokenUsage; costUsd: number };

const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** A gate that needs a human, for every way of not getting an answer. */
export function askHuman(reason: string, model: string | null = null): AiGate {
  return { outcome: "ask_human", reason, confidence: null, model };
}

export async function requestApproval(client: Anthropic, model: string, userMessage: string, masker: Masker): Promise<ApprovalOutcome> {
  let message: Anthropic.Message;
  try {
    message = await client.messages.create({
      model,
      max_tokens: APPROVAL_MAX_OUTPUT_TOKENS,
      system: [{ type: "text", text: APPROVAL_INSTRUCTIONS, cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: userMessage }],
      output_config: { format: zodOutputFormat(aiApprovalSchema) },
    });
  } catch (err) {
    const why =
      err instanceof APIConnectionTimeoutError
        ? "no answer within AI_TIMEOUT_SEC"
        : err instanceof APIError
          ? `the API answered HTTP ${err.status ?? "?"}`
          : `the request failed (${err instanceof Error ? err.message : String(err)})`;
    return { gate: askHuman(`AI approval unavailable: ${why}`, model), usage: NO_USAGE, costUsd: 0 };
  }
  const usage: TokenUsage = {
    inputTokens: message.usage.input_tokens ?? 0,
    outputTokens: message.usage.output_tokens ?? 0,
    cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
  };
  const used = message.model || model;
  const cost = costUsd(used, usage);
  if (message.stop_reason === "refusal" || message.stop_reason === "max_tokens") {
    return { gate: askHuman(`AI approval unusable (stop_reason ${message.stop_reason})`, used), usage, costUsd: cost };
  }
  const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  let answer: AiApproval;
  try {
    answer = zodOutputFormat(aiApprovalSchema).parse(text);
  } catch {
    return { gate: askHuman("AI approval unusable: the reply was not the approval schema", used), usage, costUsd: cost };
  }
  const plain = masker.unmask(answer);
  const reason = `${plain.reasoning}${plain.risks ? ` Risks: ${plain.risks}` : ""}`;
  return { gate: { outcome: plain.approve ? "approve" : "reject", reason, confidence: plain.confidence, model: used }, usage, costUsd: cost };
}
