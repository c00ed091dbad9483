// One error class for everything a request can get wrong, and one mapper to JSON + status, so route
// handlers never hand-roll error responses and never leak internals.
import { ZodError } from "zod";
import type { Logger } from "../log";

export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly field?: string,
    /** Extra response headers, e.g. Retry-After on a 429/503. */
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const unauthorized = () => new AppError(401, "unauthorized", "Log in to use this endpoint");
export const forbidden = (what = "do this") => new AppError(403, "forbidden", `Your role may not ${what}`);
export const notFound = (what: string) => new AppError(404, "not_found", `${what} not found`);
export const badRequest = (message: string, field?: string) => new AppError(400, "invalid_request", message, field);

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function fromZod(err: ZodError): AppError {
  const issue = err.issues[0];
  // "severity.0" (an element of a list) is reported as the field the client sent: "severity".
  const path = issue?.path.filter((p) => typeof p !== "number").map(String) ?? [];
  const field = path.length > 0 ? path.join(".") : undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : "Invalid input";
  return badRequest(message, field);
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return fromZod(err);
  // Prisma "record not found" (update/delete of a missing row)
  if (typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2025") {
    return notFound("Record");
  }
  return undefined;
}

export function errorResponse(err: unknown, log?: Logger): Response {
  const known = toAppError(err);
  if (known) {
    const body: ErrorBody = { error: { code: known.code, message: known.message } };
    if (known.field) body.error.field = known.field;
    return jsonResponse(body, known.status, known.headers);
  }
  log?.error("unhandled error in request", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return jsonResponse({ error: { code: "internal", message: "Something went wrong on the server" } }, 500);
}

/** Reads a JSON body and validates it; a malformed body is a 400 naming the field. */
export async function parseJsonBody<T>(req: Request, schema: { parse: (v: unknown) => T }): Promise<T> {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    throw badRequest("Body must be valid JSON");
  }
  return schema.parse(raw);
}
