// The live path end to end below HTTP: events appended in transactions, NOTIFY through a real LISTEN
// connection, and the SSE stream resuming after Last-Event-ID in order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db/client";
import { appendEvent, eventsAfter, latestEventId, oldestEventId } from "../../lib/db/event-queries";
import { newDbConnection } from "../../lib/db/pool";
import { createEventListener, type EventListener } from "../../lib/events/event-listener";
import { createSseStream } from "../../lib/events/sse-stream";
import { createLogger } from "../../lib/log";
import { createTestDatabase, type TestDatabase } from "./test-database";

let t: TestDatabase;
let listener: EventListener;

beforeAll(async () => {
  t = await createTestDatabase();
  listener = createEventListener(() => newDbConnection(t.url), createLogger("test:listener", { level: "error" }));
});

afterAll(async () => {
  await listener?.close();
  await t?.drop();
});

const logReader = { after: (id: bigint, limit: number) => eventsAfter(db(), id, limit), latestId: () => latestEventId(db()), oldestId: () => oldestEventId(db()) };

const statusEvent = (n: number) => ({ deviceId: n, name: `d${n}`, status: "active", lastSeenAt: null });

/** Reads parsed SSE events from a stream until `count` have arrived (or the timeout). */
async function readEvents(stream: ReadableStream<Uint8Array>, count: number, timeoutMs = 5_000) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const events: { id: string; type: string; data: unknown }[] = [];
  let buffer = "";
  const deadline = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now()))),
    ]);
    if (!chunk || chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block.split("\n").filter((l) => !l.startsWith(":") && l.includes(": ")).map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)]),
      );
      if (fields.id && fields.event && fields.data) events.push({ id: fields.id, type: fields.event, data: JSON.parse(fields.data) });
    }
  }
  reader.releaseLock();
  return events;
}

function openStream(lastEventId: bigint | null, signal?: AbortSignal) {
  return createSseStream({
    lastEventId,
    reader: logReader,
    subscribe: (wake) => listener.subscribe(wake),
    heartbeatMs: 60_000,
    signal,
  });
}

describe("event retention", () => {
  it("prunes events older than seven days and keeps the rest", async () => {
    const { pruneEvents, EVENT_RETENTION_MS } = await import("../../lib/db/event-queries");
    const old = await appendEvent(t.prisma, "device.status", statusEvent(90));
    const kept = await appendEvent(t.prisma, "device.status", statusEvent(91));
    const now = new Date();
    await t.prisma.event.update({ where: { id: old }, data: { createdAt: new Date(now.getTime() - EVENT_RETENTION_MS - 60_000) } });
    expect(await pruneEvents(t.prisma, now)).toBe(1);
    expect(await t.prisma.event.findUnique({ where: { id: old } })).toBeNull();
    expect(await t.prisma.event.findUnique({ where: { id: kept } })).not.toBeNull();
  });
});

describe("event stream", () => {
  it("carries a pulse with each heartbeat as an id-less event, leaving the resume point alone", async () => {
    const abort = new AbortController();
    let pulses = 0;
    const stream = createSseStream({
      lastEventId: null,
      reader: logReader,
      subscribe: (wake) => listener.subscribe(wake),
      heartbeatMs: 50,
      pulse: async () => ({ type: "ingest.health", payload: { worker: "up", recordsPerSec: ++pulses } }),
      signal: abort.signal,
    });
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while ((text.match(/event: ingest\.health/g) ?? []).length < 2) text += decoder.decode((await reader.read()).value, { stream: true });
    reader.releaseLock();
    abort.abort();
    const blocks = text.split("\n\n").filter((b) => b.includes("event: ingest.health"));
    expect(blocks[0]).toBe('event: ingest.health\ndata: {"worker":"up","recordsPerSec":1}');
    expect(blocks.every((b) => !b.includes("id: "))).toBe(true);
  });

  it("resumes after Last-Event-ID with every missed event, in order, then delivers new ones live", async () => {
    const ids: bigint[] = [];
    for (let i = 1; i <= 3; i++) ids.push(await appendEvent(t.prisma, "device.status", statusEvent(i)));

    const abort = new AbortController();
    const stream = openStream(ids[0]!, abort.signal);
    const missed = await readEvents(stream, 2);
    expect(missed.map((e) => e.id)).toEqual([ids[1]!.toString(), ids[2]!.toString()]);
    expect(missed.map((e) => (e.data as { deviceId: number }).deviceId)).toEqual([2, 3]);

    // committed after the client connected: arrives through LISTEN/NOTIFY without polling
    const started = Date.now();
    const liveId = await t.prisma.$transaction((tx) => appendEvent(tx, "device.status", statusEvent(4)));
    const live = await readEvents(stream, 1);
    expect(live.map((e) => e.id)).toEqual([liveId.toString()]);
    expect(Date.now() - started).toBeLessThan(2_000);
    abort.abort();
  });

  it("starts at the newest event when the client gives no Last-Event-ID", async () => {
    await appendEvent(t.prisma, "device.status", statusEvent(10));
    const abort = new AbortController();
    const stream = openStream(null, abort.signal);
    // let the stream take its starting point before the next commit
    await new Promise((r) => setTimeout(r, 200));
    const fresh = await appendEvent(t.prisma, "device.status", statusEvent(11));
    const events = await readEvents(stream, 1);
    expect(events.map((e) => e.id)).toEqual([fresh.toString()]);
    abort.abort();
  });

  it("never delivers an event of a rolled-back change", async () => {
    const before = await latestEventId(t.prisma);
    await expect(
      t.prisma.$transaction(async (tx) => {
        await appendEvent(tx, "device.status", statusEvent(20));
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await latestEventId(t.prisma)).toBe(before);
  });

  it("delivers events from concurrent writers exactly once and in id order", async () => {
    const start = await latestEventId(t.prisma);
    const abort = new AbortController();
    const stream = openStream(start, abort.signal);
    const written = await Promise.all(
      Array.from({ length: 25 }, (_, i) => t.prisma.$transaction((tx) => appendEvent(tx, "device.status", statusEvent(100 + i)))),
    );
    const events = await readEvents(stream, 25, 10_000);
    const got = events.map((e) => BigInt(e.id));
    expect(got).toHaveLength(25);
    expect(new Set(got).size).toBe(25);
    expect([...got].sort((a, b) => (a < b ? -1 : 1))).toEqual(got);
    expect(new Set(got)).toEqual(new Set(written));
    abort.abort();
  });
});

describe("event stream under a slow or stale client", () => {
  it("replays a 50,000-event log at the client's pace: a client that stops reading holds at most two pages on the server", async () => {
    const first = (await latestEventId(t.prisma)) + 1n;
    const rows = Array.from({ length: 50_000 }, (_, i) => ({ type: "device.status", payload: statusEvent(1000 + i) }));
    for (let i = 0; i < rows.length; i += 10_000) await t.prisma.event.createMany({ data: rows.slice(i, i + 10_000) });

    let read = 0;
    const abort = new AbortController();
    const stream = createSseStream({
      lastEventId: first - 1n,
      reader: { ...logReader, after: async (id, limit) => {
        const page = await logReader.after(id, limit);
        read += page.length;
        return page;
      } },
      subscribe: (wake) => listener.subscribe(wake),
      heartbeatMs: 60_000,
      pageSize: 200,
      signal: abort.signal,
    });

    // takes the first events, then stops reading for a while
    const start = await readEvents(stream, 1);
    expect(start[0]!.id).toBe(first.toString());
    await new Promise((r) => setTimeout(r, 1_000));
    expect(read).toBeLessThanOrEqual(2 * 200);

    // ...then reads on: the whole log, once each, in order
    const rest = await readEvents(stream, 50_000 - 200, 25_000);
    const all = [...start.map((e) => e.id), ...rest.map((e) => e.id)];
    expect(all.length).toBeGreaterThanOrEqual(50_000);
    expect(new Set(all).size).toBe(all.length);
    expect(all[49_999]).toBe((first + 49_999n).toString());
    expect(read - all.length).toBeLessThanOrEqual(2 * 200);
    abort.abort();
  }, 30_000);

  it("answers a resume point older than the retained log with a reset to the newest event, and replays one that is still there", async () => {
    const { pruneEvents, EVENT_RETENTION_MS } = await import("../../lib/db/event-queries");
    const gone = await appendEvent(t.prisma, "device.status", statusEvent(70));
    const kept = await appendEvent(t.prisma, "device.status", statusEvent(71));
    const now = new Date();
    // everything up to and including `gone` is pruned
    await t.prisma.event.updateMany({ where: { id: { lte: gone } }, data: { createdAt: new Date(now.getTime() - EVENT_RETENTION_MS - 60_000) } });
    await pruneEvents(t.prisma, now);

    const stale = new AbortController();
    const reset = await readResetOrEvents(openStream(gone - 1n, stale.signal));
    stale.abort();
    expect(reset).toEqual({ type: "reset", id: kept.toString() });

    // the client resumes from the reset's id: nothing is replayed, new events arrive
    const resumed = new AbortController();
    const stream = openStream(kept, resumed.signal);
    const next = await appendEvent(t.prisma, "device.status", statusEvent(72));
    expect((await readEvents(stream, 1)).map((e) => e.id)).toEqual([next.toString()]);
    resumed.abort();

    // a client that has `gone` (the last pruned one) missed nothing: it gets the retained events
    const current = new AbortController();
    expect((await readEvents(openStream(gone, current.signal), 2)).map((e) => e.id)).toEqual([kept.toString(), next.toString()]);
    current.abort();
  });

  it("resets a resume point from the future (a restored database) instead of waiting for it forever", async () => {
    const latest = await latestEventId(t.prisma);
    const abort = new AbortController();
    expect(await readResetOrEvents(openStream(latest + 1000n, abort.signal))).toEqual({ type: "reset", id: latest.toString() });
    abort.abort();
  });
});

/** The first event block of a stream (reset or not), as { type, id }. */
async function readResetOrEvents(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!/event: [^\n]+\n/.test(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  reader.releaseLock();
  const block = text.split("\n\n").find((b) => b.includes("event: "))!;
  return { type: /event: (.+)/.exec(block)![1], id: /id: (.+)/.exec(block)?.[1] };
}
