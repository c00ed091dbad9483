// One LISTEN connection per web process, shared by every open stream. Notifications only wake
// streams up; streams then read the event log from their own cursor, so a notification lost while
// the connection was down costs nothing but a little latency (every stream also re-reads on its
// heartbeat, and all are woken when the connection comes back).
import type pg from "pg";
import type { Logger } from "../log";
import { EVENTS_CHANNEL } from "./event-types";

export interface EventListener {
  subscribe(wake: () => void): () => void;
  close(): Promise<void>;
}

export function createEventListener(connect: () => pg.Client, log: Logger): EventListener {
  const subscribers = new Set<() => void>();
  let client: pg.Client | undefined;
  let connecting = false;
  let closed = false;
  let retryMs = 500;

  const wakeAll = () => subscribers.forEach((s) => s());

  const start = async () => {
    if (connecting || client || closed) return;
    connecting = true;
    const c = connect();
    try {
      c.on("notification", () => wakeAll());
      c.on("error", (err) => {
        log.warn("event listener connection failed; reconnecting", { error: err.message });
        drop(c);
      });
      c.on("end", () => drop(c));
      await c.connect();
      await c.query(`LISTEN ${EVENTS_CHANNEL}`);
      client = c;
      retryMs = 500;
      wakeAll(); // catch up on anything committed while we were not listening
    } catch (err) {
      log.warn("event listener could not connect", { error: err instanceof Error ? err.message : String(err) });
      drop(c);
    } finally {
      connecting = false;
    }
  };

  const drop = (c: pg.Client) => {
    if (client === c) client = undefined;
    c.removeAllListeners("notification");
    void c.end().catch(() => undefined);
    if (!closed && subscribers.size > 0) {
      setTimeout(() => void start(), retryMs).unref();
      retryMs = Math.min(retryMs * 2, 15_000);
    }
  };

  return {
    subscribe(wake) {
      subscribers.add(wake);
      void start();
      return () => subscribers.delete(wake);
    },
    async close() {
      closed = true;
      subscribers.clear();
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
