// Distributed mode: the collector processes' heartbeats arrive over the bus (they have no database);
// one worker of the cluster (a NATS queue group) writes each beside the workers' heartbeats, so the
// Overview lists every collector with its feeds and rates. A clean stop removes the row at once; a
// collector that vanished is shown down once its beat is stale, and forgotten after SILENT_COLLECTOR_MS.
import type { NatsConnection, Subscription } from "nats";
import type { PrismaClient } from "@prisma/client";
import { beat, clearHeartbeat, pruneSilentCollectors } from "@/lib/db/worker-heartbeat-queries";
import type { Logger } from "@/lib/log";
import { COLLECTOR_HEARTBEAT_QUEUE, COLLECTOR_HEARTBEAT_SUBJECT, decodeCollectorHeartbeat } from "@/lib/telemetry/bus/collector-heartbeat";
import { collectorDroppedTotal } from "../collectors/collector-metrics";

/** A collector silent this long is forgotten (its row deleted). */
export const SILENT_COLLECTOR_MS = 3_600_000;
const PRUNE_EVERY_MS = 60_000;
/** Refused heartbeats are logged at most this often (anything on the bus could send them). */
const REFUSED_LOG_EVERY_MS = 60_000;

/** `prunes`: whether this worker forgets silent collectors now (the cluster's leader does, once for all). */
export function writeCollectorHeartbeats(nc: NatsConnection, prisma: PrismaClient, log: Logger, prunes: () => boolean): { stop(): void } {
  const sub: Subscription = nc.subscribe(COLLECTOR_HEARTBEAT_SUBJECT, { queue: COLLECTOR_HEARTBEAT_QUEUE });
  let refusedLoggedAt = -Infinity;
  void (async () => {
    for await (const m of sub) {
      const decoded = decodeCollectorHeartbeat(m.data);
      if (!decoded.ok) {
        collectorDroppedTotal.inc({ collector: "bus", reason: "bad_heartbeat" });
        if (Date.now() - refusedLoggedAt >= REFUSED_LOG_EVERY_MS) {
          refusedLoggedAt = Date.now();
          log.warn("collector heartbeat refused", { error: decoded.error });
        }
        continue;
      }
      const { id, startedAt, stopped, info } = decoded.beat;
      try {
        if (stopped) await clearHeartbeat(prisma, id);
        else await beat(prisma, id, new Date(startedAt), { ...info, kind: "collector" });
      } catch (err) {
        // the next beat (5 s) writes it again
        log.warn("writing a collector's heartbeat failed", { collector: id, error: err instanceof Error ? err.message : String(err) });
      }
    }
  })();
  const prune = () => {
    if (!prunes()) return;
    void pruneSilentCollectors(prisma, new Date(), SILENT_COLLECTOR_MS).catch((err: unknown) =>
      log.warn("forgetting silent collectors failed", { error: err instanceof Error ? err.message : String(err) }),
    );
  };
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      sub.unsubscribe();
    },
  };
}
