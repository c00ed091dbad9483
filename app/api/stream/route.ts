// GET /api/stream — server-sent events from the event log (resumes after Last-Event-ID).
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { eventsAfter, latestEventId } from "@/lib/db/event-queries";
import { newDbConnection } from "@/lib/db/pool";
import { createEventListener, type EventListener } from "@/lib/events/event-listener";
import { createSseStream, parseLastEventId } from "@/lib/events/sse-stream";
import { ingestFeeds } from "@/lib/dashboards/overview-view";
import { HEARTBEAT_STALE_MS, listHeartbeats } from "@/lib/db/worker-heartbeat-queries";
import type { PulsePayloads } from "@/lib/events/event-types";
import { createLogger } from "@/lib/log";

export const dynamic = "force-dynamic";

const log = createLogger("web:stream");
const globalForListener = globalThis as unknown as { tidewatchListener?: EventListener };

function listener(): EventListener {
  globalForListener.tidewatchListener ??= createEventListener(() => newDbConnection(), log);
  return globalForListener.tidewatchListener;
}

export const GET = withSession(
  async (req) => {
    const url = new URL(req.url);
    const lastEventId = parseLastEventId(req.headers.get("last-event-id") ?? url.searchParams.get("lastEventId"));
    const stream = createSseStream({
      lastEventId,
      reader: { after: (id, limit) => eventsAfter(db(), id, limit), latestId: () => latestEventId(db()) },
      subscribe: (wake) => listener().subscribe(wake),
      // the Overview's ingest rates stay live on a quiet network, without an event-log row every 15 s
      pulse: async () => {
        const payload: PulsePayloads["ingest.health"] = ingestFeeds(await listHeartbeats(db()), new Date(), HEARTBEAT_STALE_MS);
        return { type: "ingest.health", payload };
      },
      signal: req.signal,
      onError: (err) => log.warn("stream read failed; retrying on the next wake-up", { error: String(err) }),
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        // no-transform keeps compression from buffering the stream
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  },
  { permission: "alerts:read" },
);
