// The heartbeat of a collector process (distributed mode). Collectors have no database, so they publish
// it on the bus, on a core NATS subject rather than the telemetry stream (a late heartbeat is worth
// nothing, so it is neither stored nor redelivered), and one worker of the cluster (a queue group) writes
// it beside the workers' heartbeats, where the Overview's ingest panel reads them. Anything on the bus
// may be hostile or from another version: a message is parsed with bounds, and refused whole when it
// does not fit.
import { z } from "zod";

export const COLLECTOR_HEARTBEAT_SUBJECT = "tidewatch.heartbeat.collector";
/** The workers' queue group: each heartbeat is written by one of them. */
export const COLLECTOR_HEARTBEAT_QUEUE = "tidewatch-heartbeat-writers";
/** Collector processes name themselves `collector-…`; worker heartbeats never start so. */
export const COLLECTOR_ID_PREFIX = "collector-";
/** Whether a heartbeat row is a collector process's (distributed mode) rather than a worker's. */
export function isCollectorHeartbeat(row: { id: string }): boolean {
  return row.id.startsWith(COLLECTOR_ID_PREFIX);
}

/** Larger messages are refused unread (a collector runs at most a few feeds). */
export const MAX_COLLECTOR_HEARTBEAT_BYTES = 16_384;

const count = z.number().finite().min(0);

const feedSchema = z.object({
  name: z.string().min(1).max(32),
  ports: z.object({ udp: z.number().int().min(0).max(65_535).optional(), tcp: z.number().int().min(0).max(65_535).optional() }).nullable().optional(),
  up: z.boolean().optional(),
  error: z.string().max(500).optional(),
  records: count.optional(),
  recordsPerSec: count.nullable().optional(),
  clockSkew: z
    .array(z.object({ exporter: z.string().max(64), skewSec: z.number().finite(), records: count, lastAt: z.string().max(40) }))
    .max(32)
    .optional(),
});

export const collectorHeartbeatSchema = z.object({
  id: z.string().regex(/^collector-[0-9a-z-]{1,40}$/, "a collector id is collector-<lowercase letters, digits, dashes>"),
  startedAt: z.iso.datetime(),
  /** Sent once by a collector shutting down cleanly: it is gone now, not when its heartbeat goes stale. */
  stopped: z.boolean().optional(),
  info: z.object({
    pid: z.number().int().positive().optional(),
    version: z.string().max(64).optional(),
    collectors: z.array(feedSchema).max(16),
    /** Telemetry batches the stream acknowledged, and items dropped beyond the publisher's buffer. */
    bus: z.object({ published: count, dropped: count }),
  }),
});

export type CollectorHeartbeat = z.infer<typeof collectorHeartbeatSchema>;

export function encodeCollectorHeartbeat(beat: CollectorHeartbeat): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(beat));
}

/** The heartbeat in a bus message, or an error naming what is wrong with it. */
export function decodeCollectorHeartbeat(data: Uint8Array): { ok: true; beat: CollectorHeartbeat } | { ok: false; error: string } {
  if (data.byteLength > MAX_COLLECTOR_HEARTBEAT_BYTES) return { ok: false, error: `${data.byteLength} bytes, more than ${MAX_COLLECTOR_HEARTBEAT_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { ok: false, error: "not JSON" };
  }
  const parsed = collectorHeartbeatSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `${issue.path.join(".") || "message"}: ${issue.message}` };
  }
  return { ok: true, beat: parsed.data };
}
