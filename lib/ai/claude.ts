// One analysis request to the Messages API. Structured outputs: output_config.format is the zod schema
// (zodOutputFormat), and the reply is parsed by that same format's parser (what messages.parse does),
// called here rather than through parse() so a malformed reply still reports the tokens it cost.
// Retries on 429/5xx/connection errors (honouring retry-after) and the per-attempt timeout are the SDK's.
import Anthropic, { APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import { aiAnalysisSchema, type AiAnalysis } from "./analysis-schema";
import { costUsd, type TokenUsage } from "./cost";

export const MAX_OUTPUT_TOKENS = 2048;

export interface ClaudeSettings {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
  maxRetries: number;
}

export function createClaudeClient(s: ClaudeSettings): Anthropic {
  return new Anthropic({ apiKey: s.apiKey, baseURL: s.baseURL ?? null, timeout: s.timeoutMs, maxRetries: s.maxRetries });
}

export type ClaudeOutcome =
  | { status: "ok"; analysis: AiAnalysis; usage: TokenUsage; costUsd: number; model: string }
  | { status: "failed" | "timeout"; reason: string; usage: TokenUsage; costUsd: number; model: string };

const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** The request body of one analysis (the same for a single call and a batch entry). */
export function analysisParams(model: string, instructions: string, userMessage: string) {
  return {
    model,
    max_tokens: MAX_OUTPUT_TOKENS,
    // the fixed instructions are the cached prefix; the alert's context follows, uncached
    system: [{ type: "text" as const, text: instructions, cache_control: { type: "ephemeral" as const } }],
    messages: [{ role: "user" as const, content: userMessage }],
    output_config: { format: zodOutputFormat(aiAnalysisSchema) },
  };
}

export async function requestAnalysis(client: Anthropic, model: string, instructions: string, userMessage: string): Promise<ClaudeOutcome> {
  let message: Anthropic.Message;
  try {
    message = await client.messages.create(analysisParams(model, instructions, userMessage));
  } catch (err) {
    const failed = (status: "failed" | "timeout", reason: string): ClaudeOutcome => ({ status, reason, usage: NO_USAGE, costUsd: 0, model });
    if (err instanceof APIConnectionTimeoutError) return failed("timeout", `no answer within the time limit (AI_TIMEOUT_SEC), after the retries`);
    if (err instanceof APIError) {
      const what = err.status === 429 ? "rate limited" : err.status === 401 ? "the API key was refused" : err.status && err.status >= 500 ? "the API failed" : "the API refused the request";
      return failed("failed", `${what} (HTTP ${err.status ?? "?"}${errorType(err)})${err.status === 429 || (err.status ?? 0) >= 500 ? ", after the retries" : ""}`);
    }
    return failed("failed", `the request failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return outcomeOf(message, model, 1);
}

/** Batch requests are billed at half the price of single calls. */
export const BATCH_PRICE_FACTOR = 0.5;

/** The outcome of a reply: the parsed analysis, or why there is none; priced at `priceFactor` of the list price. */
export function outcomeOf(message: Anthropic.Message, model: string, priceFactor: number): ClaudeOutcome {
  const usage: TokenUsage = {
    inputTokens: message.usage.input_tokens ?? 0,
    outputTokens: message.usage.output_tokens ?? 0,
    cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
  };
  const model_ = message.model || model;
  const cost = costUsd(model_, usage) * priceFactor;
  const failed = (reason: string): ClaudeOutcome => ({ status: "failed", reason, usage, costUsd: cost, model: model_ });
  if (message.stop_reason === "refusal") return failed("the model declined to analyse this alert (stop_reason refusal)");
  if (message.stop_reason === "max_tokens") return failed(`the reply was cut off at ${MAX_OUTPUT_TOKENS} tokens (stop_reason max_tokens)`);
  const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  if (!text) return failed("the reply held no text block");
  try {
    return { status: "ok", analysis: zodOutputFormat(aiAnalysisSchema).parse(text), usage, costUsd: cost, model: model_ };
  } catch (err) {
    return failed(`malformed output: ${parseFailure(err instanceof Error ? err.message : String(err))}`);
  }
}

/** Sends low-priority analyses as one Message Batch; its id. */
export async function submitBatch(client: Anthropic, entries: { customId: string; params: ReturnType<typeof analysisParams> }[]): Promise<string> {
  const batch = await client.messages.batches.create({ requests: entries.map((e) => ({ custom_id: e.customId, params: e.params })) });
  return batch.id;
}

/** A finished batch's outcomes by custom id; null while it is still processing. */
export async function batchOutcomes(client: Anthropic, batchId: string, model: string): Promise<Map<string, ClaudeOutcome> | null> {
  const batch = await client.messages.batches.retrieve(batchId);
  if (batch.processing_status !== "ended") return null;
  const out = new Map<string, ClaudeOutcome>();
  for await (const entry of await client.messages.batches.results(batchId)) {
    const r = entry.result;
    out.set(
      entry.custom_id,
      r.type === "succeeded"
        ? outcomeOf(r.message, model, BATCH_PRICE_FACTOR)
        : { status: "failed", reason: r.type === "errored" ? `the batch entry failed (${r.error.error.type})` : `the batch entry was ${r.type}`, usage: NO_USAGE, costUsd: 0, model },
    );
  }
  return out;
}

/** The SDK's parse error, short: the zod issues ("  - confidence: ...") when it lists them, else its first line. */
function parseFailure(message: string): string {
  const issues = message.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4));
  return (issues.length > 0 ? `not the analysis schema: ${issues.join("; ")}` : message.split("\n", 1).join("")).slice(0, 300);
}

function errorType(err: APIError): string {
  const body = err.error as { error?: { type?: unknown } } | undefined;
  return typeof body?.error?.type === "string" ? ` ${body.error.type}` : "";
}
