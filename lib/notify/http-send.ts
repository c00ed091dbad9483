// POSTing to a receiver and reading its answer the same way for every HTTP channel: 2xx delivered;
// 408, 429 and 5xx retried (honouring Retry-After); other 4xx dead at once (retrying a bad token or
// a malformed request cannot help); network errors and timeouts retried.
import { describeError, type SendOutcome } from "./channel";

export const SEND_TIMEOUT_MS = 10_000;

/** Retry-After as delta-seconds or an HTTP date, in ms (capped at an hour); undefined when absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), 3_600_000);
}

export async function postToReceiver(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<SendOutcome> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      body,
      headers: { "user-agent": "Tidewatch-Notifier", ...headers },
      signal: AbortSignal.any([signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
      redirect: "error",
    });
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
  const text = await res.text().catch(() => "");
  if (res.ok) return { ok: true, status: res.status };
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  return {
    ok: false,
    status: res.status,
    // receivers' bodies can echo what they were sent; a short prefix is enough to see why
    error: `HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, " ").slice(0, 200)}` : ""}`,
    retryAfterMs: parseRetryAfter(res.headers.get("retry-after")),
    permanent: !retryable,
  };
}
