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

export async function requestAnalysis(client: Anthropic, model: string, instructions: string, userMessage: string): Promise<ClaudeOutcome> {
  const format = zodOutputFormat(aiAnalysisSchema);
  let message: Anthropic.Message;
  try {
    message = await client.messages.create({
      model,
      max_tokens: MAX_OUTPUT_TOKENS,
      // the fixed instructions are the cached prefix; the alert's context follows, uncached
      system: [{ type: "text", text: instructions, cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: userMessage }],
      output_config: { format },
    });
  } catch (err) {
    const failed = (status: "failed" | "timeout", reason: string): ClaudeOutcome => ({ status, reason, usage: NO_USAGE, costUsd: 0, model });
    if (err instanceof APIConnectionTimeoutError) return failed("timeout", `no answer within the time limit (AI_TIMEOUT_SEC), after the retries`);
    if (err instanceof APIError) {
      const what = err.status === 429 ? "rate limited" : err.status === 401 ? "the API key was refused" : err.status && err.status >= 500 ? "the API failed" : "the API refused the request";
      return failed("failed", `${what} (HTTP ${err.status ?? "?"}${errorType(err)})${err.status === 429 || (err.status ?? 0) >= 500 ? ", after the retries" : ""}`);
    }
    return failed("failed", `the request failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const usage: TokenUsage = {
    inputTokens: message.usage.input_tokens ?? 0,
    outputTokens: message.usage.output_tokens ?? 0,
    cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
  };
  const model_ = message.model || model;
  const cost = costUsd(model_, usage);
  const failed = (reason: string): ClaudeOutcome => ({ status: "failed", reason, usage, costUsd: cost, model: model_ });
  if (message.stop_reason === "refusal") return failed("the model declined to analyse this alert (stop_reason refusal)");
  if (message.stop_reason === "max_tokens") return failed(`the reply was cut off at ${MAX_OUTPUT_TOKENS} tokens (stop_reason max_tokens)`);
  const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  if (!text) return failed("the reply held no text block");
  try {
    return { status: "ok", analysis: format.parse(text), usage, costUsd: cost, model: model_ };
  } catch (err) {
    return failed(`malformed output: ${parseFailure(err instanceof Error ? err.message : String(err))}`);
  }
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
