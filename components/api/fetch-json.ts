// fetch() for the JSON API: same-origin cookies, JSON in and out, ApiError on any non-2xx answer.
import { ApiError } from "./api-error";

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; field?: unknown };
}

export async function fetchJson<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, headers, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      ...rest,
      headers: {
        accept: "application/json",
        // every state-changing API request is JSON, even without a body (the API answers 415 otherwise)
        ...(json === undefined && !rest.method ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: json === undefined ? rest.body : JSON.stringify(json),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "network", "Could not reach the server. Check your connection and try again.");
  }
  if (response.ok) return (await response.json()) as T;
  throw await toApiError(response);
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: ErrorBody | undefined;
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    body = undefined;
  }
  const e = body?.error;
  const code = typeof e?.code === "string" ? e.code : `http_${response.status}`;
  const message =
    typeof e?.message === "string" && e.message ? e.message : `The server answered ${response.status} ${response.statusText}`.trim();
  const field = typeof e?.field === "string" ? e.field : undefined;
  return new ApiError(response.status, code, message, field);
}
