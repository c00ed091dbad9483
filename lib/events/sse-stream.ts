// A server-sent-events stream over the event log. Each event goes out with its log id; a client
// that reconnects with Last-Event-ID first receives everything after that id, in order, then new
// events as they are committed. Every 15 s a heartbeat keeps proxies from closing the connection; it
// carries a "pulse" when the caller gives one: state that changes all the time and is not worth an
// event-log row (ingest rates), sent without an id so resuming is unaffected.
import type { StreamEvent } from "./event-types";

export interface EventLogReader {
  after(id: bigint, limit: number): Promise<StreamEvent[]>;
  latestId(): Promise<bigint>;
}

export interface SseStreamOptions {
  /** Resume point; null starts at the newest event (only new events are sent). */
  lastEventId: bigint | null;
  reader: EventLogReader;
  subscribe: (wake: () => void) => () => void;
  heartbeatMs?: number;
  /** Sent with each heartbeat as an id-less event; null sends a plain comment. */
  pulse?: () => Promise<{ type: string; payload: unknown } | null>;
  signal?: AbortSignal;
  onError?: (err: unknown) => void;
}

const BATCH = 500;

export function formatSseEvent(e: StreamEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.payload)}\n\n`;
}

/** Parses `Last-Event-ID`; anything but a non-negative integer is ignored (treated as absent). */
export function parseLastEventId(value: string | null | undefined): bigint | null {
  if (!value || !/^\d{1,19}$/.test(value.trim())) return null;
  return BigInt(value.trim());
}

export function createSseStream(options: SseStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: bigint | null = options.lastEventId;
  let running = false;
  let again = false;
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const cleanup = () => {
    closed = true;
    unsubscribe?.();
    if (heartbeat) clearInterval(heartbeat);
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };

      // Reads are serialised: a wake-up during a read schedules exactly one more read.
      const pump = async () => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            if (cursor === null) cursor = await options.reader.latestId();
            for (;;) {
              const batch = await options.reader.after(cursor, BATCH);
              for (const e of batch) {
                send(formatSseEvent(e));
                cursor = BigInt(e.id);
              }
              if (batch.length < BATCH || closed) break;
            }
          } while (again && !closed);
        } catch (err) {
          options.onError?.(err);
        } finally {
          running = false;
        }
      };

      send("retry: 3000\n\n");
      unsubscribe = options.subscribe(() => void pump());
      void pump();
      const beat = async () => {
        let pulse: { type: string; payload: unknown } | null = null;
        try {
          pulse = (await options.pulse?.()) ?? null;
        } catch (err) {
          options.onError?.(err);
        }
        send(pulse ? `event: ${pulse.type}\ndata: ${JSON.stringify(pulse.payload)}\n\n` : ": heartbeat\n\n");
      };
      if (options.pulse) void beat();
      heartbeat = setInterval(() => {
        void beat();
        void pump();
      }, options.heartbeatMs ?? 15_000);
      options.signal?.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
    },
    cancel() {
      cleanup();
    },
  });
}
