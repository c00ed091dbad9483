// One definition per channel kind: its config schema, whether it needs a secret, how many messages
// one request may carry, and how to send them. Adding a kind is one new definition in registry.ts.
import type { z } from "zod";
import type { NotificationMessage } from "./message";

export type SendOutcome =
  | { ok: true; status?: number }
  | {
      ok: false;
      status?: number;
      error: string;
      /** The receiver asked to wait this long (429/503 Retry-After). */
      retryAfterMs?: number;
      /** Retrying cannot help (a 4xx other than 408/429, a bad address): dead at once. */
      permanent?: boolean;
    };

export interface SendContext<C> {
  config: C;
  secret: string | null;
  messages: NotificationMessage[];
  signal: AbortSignal;
}

export interface ChannelDefinition<C = unknown> {
  kind: string;
  label: string;
  configSchema: z.ZodType<C>;
  /** What the channel's secret is (shown next to the secret field); required ones refuse a channel without. */
  secret: { required: boolean; label: string };
  /** Messages one send may carry (Splunk HEC and syslog batch; the chat channels take one). */
  batchSize: number;
  /** It renders an alert.digest message (several alerts in one); otherwise a digest's alerts go one by one. */
  digest?: boolean;
  send(ctx: SendContext<C>): Promise<SendOutcome>;
}

export function defineChannel<C>(definition: ChannelDefinition<C>): ChannelDefinition<C> {
  return definition;
}

/** Node's errors say little ("fetch failed"); the cause says which (ECONNREFUSED, a TLS error, ...). */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const c = cause instanceof Error ? `: ${(cause as NodeJS.ErrnoException).code ?? cause.message}` : "";
  return `${err.name === "TimeoutError" ? "timed out" : err.message}${c}`.slice(0, 300);
}
