// A server-sent-events stream over the event log. Each event goes out with its log id; a client that
// reconnects with Last-Event-ID first receives everything after that id, in order, then new events as
// they are committed. Every 15 s a heartbeat keeps proxies from closing the connection; it carries a
// "pulse" when the caller gives one: state that changes all the time and is not worth an event-log row
// (ingest rates), sent without an id so resuming is unaffected.
//
// The stream is pull-based: the next page of the log is read only when the consumer has taken the
// previous one (ReadableStream `pull`, high-water mark of one page), so a slow client, or one replaying
// a week of events, holds at most a page or two in this process instead of the whole log. A resume
// point older than the retained log (events are pruned after 7 days) cannot be replayed: the client
// gets a `reset` event (carrying the newest id, so it resumes from there) and refetches its pages.
import type { StreamEvent } from "./event-types";

export interface EventLogReader {
  after(id: bigint, limit: number): Promise<StreamEvent[]>;
  latestId(): Promise<bigint>;
  /** The oldest retained event's id, null when the log is empty. */
  oldestId(): Promise<bigint | null>;
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
  /** Called once when the stream ends, however it ends (client gone, aborted, cancelled). */
  onClose?: () => void;
  /** Events read per page (and so at most buffered per stream). */
  pageSize?: number;
}

const PAGE = 200;

export function formatSseEvent(e: StreamEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.payload)}\n\n`;
}

/** What a client resuming from a pruned point receives: start again from `latestId`. */
export function formatResetEvent(latestId: bigint, reason: string): string {
  return `id: ${latestId}\nevent: reset\ndata: ${JSON.stringify({ reason })}\n\n`;
}

/** Parses `Last-Event-ID`; anything but a non-negative integer is ignored (treated as absent). */
export function parseLastEventId(value: string | null | undefined): bigint | null {
  if (!value || !/^\d{1,19}$/.test(value.trim())) return null;
  return BigInt(value.trim());
}

/**
 * Whether events after `lastEventId` may have been pruned: the oldest retained event is not the next
 * one. (A rolled-back append leaves a gap in the ids, so this can say yes when nothing was lost; the
 * cost is one refetch by the client, never a missed event.)
 */
export function resumeIsPruned(lastEventId: bigint, oldestId: bigint | null): boolean {
  return oldestId !== null && lastEventId < oldestId - 1n;
}

export function createSseStream(options: SseStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const pageSize = options.pageSize ?? PAGE;
  let cursor: bigint | null = options.lastEventId;
  let started = false;
  let closed = false;
  let lastPulseAt = 0;
  let woken = false;
  let wakeWaiter: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const wake = () => {
    woken = true;
    wakeWaiter?.();
  };
  /** Resolves true on a wake-up (new events committed), false after `ms`. */
  const waitForWake = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (woken || closed) {
        woken = false;
        resolve(!closed);
        return;
      }
      const timer = setTimeout(() => {
        wakeWaiter = undefined;
        resolve(false);
      }, Math.max(1, ms));
      wakeWaiter = () => {
        clearTimeout(timer);
        wakeWaiter = undefined;
        woken = false;
        resolve(true);
      };
    });

  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    wakeWaiter?.();
    options.onClose?.();
  };

  const pulseText = async (): Promise<string> => {
    lastPulseAt = Date.now();
    let pulse: { type: string; payload: unknown } | null = null;
    try {
      pulse = (await options.pulse?.()) ?? null;
    } catch (err) {
      options.onError?.(err);
    }
    return pulse ? `event: ${pulse.type}\ndata: ${JSON.stringify(pulse.payload)}\n\n` : ": heartbeat\n\n";
  };

  const enqueue = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    if (closed) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };

  return new ReadableStream<Uint8Array>(
    {
      // The starting point is taken when the client connects, not when it first reads.
      async start(controller) {
        controllerRef = controller;
        unsubscribe = options.subscribe(wake);
        options.signal?.addEventListener("abort", () => {
          close();
          try {
            controllerRef?.close();
          } catch {
            // already closed
          }
        });
        controller.enqueue(encoder.encode("retry: 3000\n\n"));
        try {
          if (cursor === null) cursor = await options.reader.latestId();
          else {
            const [oldest, latest] = await Promise.all([options.reader.oldestId(), options.reader.latestId()]);
            // also a resume point from the future (another database, a restore): nothing would ever come
            if (resumeIsPruned(cursor, oldest) || cursor > latest) {
              cursor = latest;
              enqueue(controller, formatResetEvent(latest, "the events after your last one are no longer in the log"));
            }
          }
        } catch (err) {
          // read again on the first pull
          options.onError?.(err);
        }
      },
      // Called only when the consumer has room for more: one page (or a heartbeat) per call.
      async pull(controller) {
        try {
          if (cursor === null) cursor = await options.reader.latestId();
          if (!started) {
            started = true;
            if (options.pulse) {
              enqueue(controller, await pulseText());
              return;
            }
          }
          for (;;) {
            if (closed) return;
            if (options.pulse && Date.now() - lastPulseAt >= heartbeatMs) {
              enqueue(controller, await pulseText());
              return;
            }
            let batch: StreamEvent[] = [];
            try {
              batch = await options.reader.after(cursor!, pageSize);
            } catch (err) {
              // a failed read is retried on the next wake-up or heartbeat
              options.onError?.(err);
            }
            if (batch.length > 0) {
              cursor = BigInt(batch[batch.length - 1]!.id);
              enqueue(controller, batch.map(formatSseEvent).join(""));
              return;
            }
            const sinceBeat = Date.now() - lastPulseAt;
            if (!(await waitForWake(heartbeatMs - sinceBeat)) && !closed) {
              enqueue(controller, await pulseText());
              return;
            }
          }
        } catch (err) {
          // every pull must end with something queued, or the stream would not pull again
          options.onError?.(err);
          await waitForWake(heartbeatMs);
          enqueue(controller, ": heartbeat\n\n");
        }
      },
      cancel() {
        close();
      },
    },
    // one page queued at most; the next is read when the consumer has taken it
    { highWaterMark: 1 },
  );
}
