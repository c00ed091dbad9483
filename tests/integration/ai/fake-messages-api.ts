// A local stand-in for Anthropic's Messages API, speaking its wire format: POST /v1/messages with
// an API key and anthropic-version, a message object with content blocks, stop_reason and usage
// (cache tokens included), and error bodies { type: "error", error: { type, message } }. Each request
// takes the next scripted behaviour (then the default): an answer, a 429 with retry-after, a 500, a
// response that never comes, or text that is not the schema's JSON.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Behaviour =
  | { kind: "answer"; json?: unknown; usage?: Partial<Usage>; stopReason?: string; delayMs?: number }
  | { kind: "malformed"; text: string }
  | { kind: "rate_limited"; retryAfterSec: number }
  | { kind: "server_error" }
  | { kind: "hang" };

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface SeenRequest {
  at: number;
  apiKey: string;
  headers: http.IncomingHttpHeaders;
  body: { model: string; max_tokens: number; system: { type: string; text: string; cache_control?: { type: string } }[]; messages: { role: string; content: string }[]; output_config?: { format?: { type: string; schema: unknown } } };
  raw: string;
}

export const DEFAULT_USAGE: Usage = { input_tokens: 1800, output_tokens: 420, cache_creation_input_tokens: 0, cache_read_input_tokens: 1200 };

export function validAnalysis(summary = "CPU on internal-host-1 is far above its Tuesday 14:00 baseline") {
  return {
    summary,
    whyItMatters: "A saturated CPU drops control-plane traffic.",
    likelyCauses: [
      { kind: "backup", description: "Nightly backup ran late", likelihood: 0.6, evidence: "Similar alerts were marked false positive" },
      { kind: "attack", description: "Control-plane flood", likelihood: 0.2, evidence: "No flow surge" },
    ],
    verdict: "likely_legitimate",
    confidence: 0.7,
    investigationCommands: [{ vendor: "Cisco IOS", command: "show processes cpu sorted", purpose: "Which process uses the CPU" }],
    recommendedActions: ["Check the backup schedule"],
  };
}

export class FakeMessagesApi {
  readonly requests: SeenRequest[] = [];
  /** Message Batches received: id, entries and how often its status was asked before it ended. */
  readonly batches: { id: string; requests: { custom_id: string; params: SeenRequest["body"] }[]; polls: number }[] = [];
  /** Status polls a batch answers "in_progress" to before it ends. */
  batchPollsBeforeEnd = 1;
  /** Requests being answered at once, and the most there were. */
  private open = 0;
  maxConcurrent = 0;
  private script: Behaviour[] = [];
  /** The answer's JSON for a request when no behaviour is queued (undefined: the default analysis). */
  answerFor: ((body: SeenRequest["body"]) => unknown) | undefined;
  private readonly hanging = new Set<http.ServerResponse>();
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = "";

  async start(port = 0): Promise<this> {
    await new Promise<void>((r) => this.server.listen(port, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next requests' behaviours, in order; after them every request is answered. */
  queue(...behaviours: Behaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  reset(): void {
    this.script = [];
    this.batches.length = 0;
    this.maxConcurrent = 0;
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const error = (status: number, type: string, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": `req_${this.requests.length}`, ...headers });
      res.end(JSON.stringify({ type: "error", error: { type, message } }));
    };
    // for a fake run as its own process (the AI end-to-end test): readiness and what it was sent
    if (req.method === "GET" && req.url === "/_fake/requests") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify(this.requests.map((r) => ({ at: r.at, model: r.body.model, raw: r.raw }))));
    }
    if (req.url?.startsWith("/v1/messages/batches")) return this.handleBatch(req, res, raw, error);
    if (req.method !== "POST" || req.url !== "/v1/messages") return error(404, "not_found_error", `${req.method} ${req.url} not found`);
    // the key comes as x-api-key or, as SDK 1.x sends it, Authorization: Bearer
    const key = req.headers["x-api-key"] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!key) return error(401, "authentication_error", "an API key is required (x-api-key or Authorization: Bearer)");
    if (!req.headers["anthropic-version"]) return error(400, "invalid_request_error", "anthropic-version header is required");
    let body: SeenRequest["body"];
    try {
      body = JSON.parse(raw);
    } catch {
      return error(400, "invalid_request_error", "body is not JSON");
    }
    if (typeof body.model !== "string" || typeof body.max_tokens !== "number" || !Array.isArray(body.messages)) {
      return error(400, "invalid_request_error", "model, max_tokens and messages are required");
    }
    this.requests.push({ at: Date.now(), apiKey: String(key), headers: req.headers, body, raw });
    const b = this.script.shift() ?? { kind: "answer" };
    switch (b.kind) {
      case "rate_limited":
        return error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", { "retry-after": String(b.retryAfterSec) });
      case "server_error":
        return error(500, "api_error", "Internal server error");
      case "hang":
        this.hanging.add(res);
        res.on("close", () => this.hanging.delete(res));
        return;
      case "malformed":
        return this.message(res, body.model, b.text, "end_turn", DEFAULT_USAGE);
      case "answer":
        if (b.delayMs) {
          this.open++;
          this.maxConcurrent = Math.max(this.maxConcurrent, this.open);
          await new Promise((r) => setTimeout(r, b.delayMs));
          this.open--;
        }
        return this.message(res, body.model, JSON.stringify(b.json ?? this.answerFor?.(body) ?? validAnalysis()), b.stopReason ?? "end_turn", { ...DEFAULT_USAGE, ...b.usage });
    }
  }

  // The Message Batches API: create, retrieve (in_progress, then ended with a results_url), results as JSONL.
  private handleBatch(req: http.IncomingMessage, res: http.ServerResponse, raw: string, error: (status: number, type: string, message: string) => void): void {
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const view = (b: (typeof this.batches)[number], ended: boolean) => ({
      id: b.id,
      type: "message_batch",
      processing_status: ended ? "ended" : "in_progress",
      request_counts: { processing: ended ? 0 : b.requests.length, succeeded: ended ? b.requests.length : 0, errored: 0, canceled: 0, expired: 0 },
      created_at: new Date().toISOString(),
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      ended_at: ended ? new Date().toISOString() : null,
      archived_at: null,
      cancel_initiated_at: null,
      results_url: ended ? `${this.url}/v1/messages/batches/${b.id}/results` : null,
    });
    if (req.method === "POST" && req.url === "/v1/messages/batches") {
      const body = JSON.parse(raw) as { requests?: { custom_id: string; params: SeenRequest["body"] }[] };
      if (!Array.isArray(body.requests) || body.requests.some((r) => typeof r.custom_id !== "string" || typeof r.params?.model !== "string")) {
        return error(400, "invalid_request_error", "requests[] with custom_id and params are required");
      }
      const b = { id: `msgbatch_fake_${this.batches.length + 1}`, requests: body.requests, polls: 0 };
      this.batches.push(b);
      return json(view(b, false));
    }
    const m = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/.exec(req.url ?? "");
    const b = m && this.batches.find((x) => x.id === m[1]);
    if (req.method !== "GET" || !m || !b) return error(404, "not_found_error", `${req.method} ${req.url} not found`);
    if (!m[2]) return json(view(b, b.polls++ >= this.batchPollsBeforeEnd));
    res.writeHead(200, { "content-type": "application/binary" });
    res.end(
      b.requests
        .map((r, i) =>
          JSON.stringify({
            custom_id: r.custom_id,
            result: {
              type: "succeeded",
              message: { id: `msg_batch_${i}`, type: "message", role: "assistant", model: r.params.model, content: [{ type: "text", text: JSON.stringify(validAnalysis()) }], stop_reason: "end_turn", stop_sequence: null, usage: DEFAULT_USAGE },
            },
          }),
        )
        .join("\n") + "\n",
    );
  }

  private message(res: http.ServerResponse, model: string, text: string, stopReason: string, usage: Usage): void {
    res.writeHead(200, { "content-type": "application/json", "request-id": `req_${this.requests.length}` });
    res.end(
      JSON.stringify({
        id: `msg_fake_${this.requests.length}`,
        type: "message",
        role: "assistant",
        model,
        content: [{ type: "text", text }],
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      }),
    );
  }
}
