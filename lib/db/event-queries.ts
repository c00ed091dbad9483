// The event log: append (with NOTIFY, inside the caller's transaction so the event exists exactly
// when the change it describes does) and read in id order for streaming and resume.
import type { Prisma } from "@prisma/client";
import { EVENTS_CHANNEL, type EventPayloads, type EventType, type StreamEvent } from "../events/event-types";
import type { DbClient } from "./client";
import { enqueueNotifications } from "./notification-outbox-queries";

// Serialises appenders until commit so that ids become visible in id order; otherwise a reader could
// see id 11 commit before id 10 and skip 10 for good.
const APPEND_LOCK = 0x7469_6465; // "tide"

export async function appendEvent<T extends EventType>(
  db: DbClient,
  type: T,
  payload: EventPayloads[T],
): Promise<bigint> {
  if ("$transaction" in db) return db.$transaction((tx) => appendEvent(tx, type, payload));
  await db.$executeRaw`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`;
  const row = await db.event.create({
    data: { type, payload: payload as unknown as Prisma.InputJsonValue },
    select: { id: true },
  });
  // Delivered on commit when called inside a transaction; never for a rolled-back change.
  await db.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${row.id.toString()})`;
  // alert and campaign changes also write their notifications, in this same transaction
  await enqueueNotifications(db, type, [payload]);
  return row.id;
}

/** Appends many events of one type in one statement (bulk changes), in the order given. */
export async function appendEvents<T extends EventType>(db: DbClient, type: T, payloads: readonly EventPayloads[T][]): Promise<void> {
  if (payloads.length === 0) return;
  if ("$transaction" in db) return db.$transaction((tx) => appendEvents(tx, type, payloads));
  await db.$executeRaw`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`;
  await db.event.createMany({ data: payloads.map((p) => ({ type, payload: p as unknown as Prisma.InputJsonValue })) });
  await db.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, 'batch')`;
  await enqueueNotifications(db, type, payloads);
}

export async function eventsAfter(db: DbClient, afterId: bigint, limit = 500): Promise<StreamEvent[]> {
  const rows = await db.event.findMany({
    where: { id: { gt: afterId } },
    orderBy: { id: "asc" },
    take: limit,
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    type: r.type as EventType,
    payload: r.payload as unknown as EventPayloads[EventType],
    createdAt: r.createdAt.toISOString(),
  }));
}

export async function latestEventId(db: DbClient): Promise<bigint> {
  const row = await db.event.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return row?.id ?? 0n;
}

/** The oldest retained event's id (null when the log is empty): a resume point before it was pruned. */
export async function oldestEventId(db: DbClient): Promise<bigint | null> {
  const row = await db.event.findFirst({ orderBy: { id: "asc" }, select: { id: true } });
  return row?.id ?? null;
}

/** How long the event log keeps events by default (EVENT_RETENTION_DAYS): enough for any browser to resume after a weekend offline. */
export const EVENT_RETENTION_MS = 7 * 86_400_000;
const PRUNE_BATCH = 5_000;

/**
 * Deletes events older than the retention, in batches of PRUNE_BATCH (short locks, small WAL bursts).
 * What goes is every id up to the newest expired event, so the kept log is always one unbroken run of
 * ids from oldestEventId: created_at is the transaction's start, so ids and times are not in the same
 * order, and deleting by time alone could leave a hole a resuming browser would not notice. A browser
 * resuming from a pruned id gets a `reset` event and refetches its pages (lib/events/sse-stream.ts,
 * components/live-events.tsx). The log is not partitioned: see README "Storage lifecycle". Returns the count.
 */
export async function pruneEvents(db: DbClient, now: Date, retentionMs = EVENT_RETENTION_MS): Promise<number> {
  const newestExpired = await db.event.aggregate({ _max: { id: true }, where: { createdAt: { lt: new Date(now.getTime() - retentionMs) } } });
  const upTo = newestExpired._max.id;
  if (upTo === null) return 0;
  let total = 0;
  for (;;) {
    const n = await db.$executeRaw`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id <= ${upTo} ORDER BY id LIMIT ${PRUNE_BATCH})`;
    total += n;
    if (n < PRUNE_BATCH) return total;
  }
}
