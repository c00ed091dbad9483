// GET /api/stream — server-sent events from the event log (resumes after Last-Event-ID; a resume point
// older than the retained log gets a `reset` event). At most STREAMS_PER_USER open per user (429 beyond).
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { eventsAfter, latestEventId, oldestEventId } from "@/lib/db/event-queries";
import { newDbConnection } from "@/lib/db/pool";
import { env } from "@/lib/env";
import { createEventListener, type EventListener } from "@/lib/events/event-listener";
import { createSseStream, parseLastEventId } from "@/lib/events/sse-stream";
import { createStreamSlots, type StreamSlots } from "@/lib/events/stream-slots";
import { ingestFeeds } from "@/lib/dashboards/overview-view";
import { HEARTBEAT_STALE_MS, listHeartbeats } from "@/lib/db/worker-heartbeat-queries";
import type { PulsePayloads } from "@/lib/events/event-types";
import { AppError } from "@/lib/http/app-error";
import { createLogger } from "@/lib/log";

export const dynamic = "force-dynamic";

const log = createLogger("web:stream");
const globalForStream = globalThis as unknown as { tidewatchListener?: EventListener; tidewatchStreamSlots?: StreamSlots };

function listener(): EventListener {
  globalForStream.tidewatchListener ??= createEventListener(() => newDbConnection(), log);
  return globalForStream.tidewatchListener;
}

function streamSlots(): StreamSlots {
  globalForStream.tidewatchStreamSlots ??= createStreamSlots(env().STREAMS_PER_USER);
  return globalForStream.tidewatchStreamSlots;
}

export const GET = withSession(
  async (req, { user }) => {
    const release = streamSlots().acquire(user.id);
    if (!release) {
      throw new AppError(429, "too_many_streams", `You already have ${env().STREAMS_PER_USER} live streams open; close a tab`, undefined, { "retry-after": "30" });
    }
    const url = new URL(req.url);
    const lastEventId = parseLastEventId(req.headers.get("last-event-id") ?? url.searchParams.get("lastEventId"));
    const stream = createSseStream({
      lastEventId,
      reader: { after: (id, limit) => eventsAfter(db(), id, limit), latestId: () => latestEventId(db()), oldestId: () => oldestEventId(db()) },
      subscribe: (wake) => listener().subscribe(wake),
      // the Overview's ingest rates stay live on a quiet network, without an event-log row every 15 s
      pulse: async () => {
        const payload: PulsePayloads["ingest.health"] = ingestFeeds(await listHeartbeats(db()), new Date(), HEARTBEAT_STALE_MS);
        return { type: "ingest.health", payload };
      },
      signal: req.signal,
      onError: (err) => log.warn("stream read failed; retrying on the next wake-up", { error: String(err) }),
      onClose: release,
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
