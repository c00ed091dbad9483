// The collectors' side of the bus against Debian's nats-server: a restart of the broker (SIGKILL, then
// started again on its JetStream directory) while telemetry keeps coming costs nothing within the
// publisher's buffer — every record reaches the stream exactly once, in its device's partition — and
// beyond the buffer the oldest are dropped and counted.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AckPolicy, type NatsConnection } from "nats";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../lib/db/embedded-postgres";
import { createLogger } from "../../../lib/log";
import { decodeBusBatch, partitionOf, TELEMETRY_STREAM } from "../../../lib/telemetry/bus/bus-batch";
import { createSubnetMatcher } from "../../../lib/telemetry/cidr";
import type { FlowRecord } from "../../../lib/telemetry/flow-record";
import { startNats as startLocalNats } from "../../../scripts/lib/local-cluster";
import { connectBus } from "../../../workers/cluster/bus";
import { BusPublisher } from "../../../workers/cluster/bus-publisher";
import { waitFor } from "../wait-for";

const PARTITIONS = 4;
const log = createLogger("test-bus");
const dirs: string[] = [];
const servers: ChildProcess[] = [];
const connections: NatsConnection[] = [];

async function startNats(dir: string, port: number): Promise<ChildProcess> {
  const { proc } = await startLocalNats(dir, false, port);
  servers.push(proc);
  return proc;
}

function flow(i: number): FlowRecord {
  return {
    exporter: "192.0.2.1",
    srcAddr: `10.7.${(i >> 8) & 255}.${i & 255}`,
    dstAddr: "203.0.113.9",
    srcPort: 40000 + (i % 20000),
    dstPort: 443,
    protocol: 6,
    bytes: 100 + i,
    packets: 1,
    startMs: Date.now() - 1000,
    endMs: Date.now(),
    tcpFlags: 0,
    inputIf: 0,
    outputIf: 0,
    samplingRate: 1,
  };
}

/** Every flow in the stream, by the partition it was published to (read with a fresh consumer). */
async function streamContents(nc: NatsConnection): Promise<{ partition: number; bytes: number; srcAddr: string }[]> {
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.add(TELEMETRY_STREAM, { durable_name: "reader", ack_policy: AckPolicy.Explicit });
  const consumer = await nc.jetstream().consumers.get(TELEMETRY_STREAM, "reader");
  const out: { partition: number; bytes: number; srcAddr: string }[] = [];
  const total = (await jsm.streams.info(TELEMETRY_STREAM)).state.messages;
  const messages = await consumer.fetch({ max_messages: total, expires: 5_000 });
  for await (const m of messages) {
    const partition = Number(m.subject.split(".").pop());
    for (const f of decodeBusBatch(m.data)!.flows) out.push({ partition, bytes: f.bytes, srcAddr: f.srcAddr });
  }
  return out;
}

afterEach(async () => {
  for (const nc of connections.splice(0)) await nc.close().catch(() => undefined);
  for (const s of servers.splice(0)) s.kill("SIGKILL");
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("the collectors' bus publisher", () => {
  it("keeps publishing through a nats-server restart: every flow in the stream once, in its host's partition", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bus-"));
    dirs.push(dir);
    const port = await freePort();
    let server = await startNats(dir, port);
    const nc = await connectBus({ servers: [`nats://127.0.0.1:${port}`], partitions: PARTITIONS, streamMaxBytes: 64 * 1024 * 1024 }, "test", log);
    connections.push(nc);
    const publisher = new BusPublisher({ nc, partitions: PARTITIONS, isInternal: createSubnetMatcher(["10.0.0.0/8"]), now: Date.now, log, intervalMs: 50 });
    publisher.start();

    let sent = 0;
    const send = (n: number) => {
      publisher.flows(Array.from({ length: n }, () => flow(sent++)));
    };
    for (let i = 0; i < 20; i++) {
      send(50);
      await new Promise((r) => setTimeout(r, 20));
    }
    // each flow goes to its exporter's partition and its internal host's (2 items, or 1 when they coincide)
    const items = (i: number) => (partitionOf("192.0.2.1", PARTITIONS) === partitionOf(flow(i).srcAddr, PARTITIONS) ? 1 : 2);
    const itemsOf = (n: number) => Array.from({ length: n }, (_, i) => items(i)).reduce((a, b) => a + b, 0);
    await waitFor("the first flows published", () => publisher.published === itemsOf(sent), 10_000);
    // the broker dies; telemetry keeps coming and is buffered
    server.kill("SIGKILL");
    await new Promise((r) => server.once("exit", r));
    for (let i = 0; i < 20; i++) {
      send(50);
      await new Promise((r) => setTimeout(r, 50));
    }
    server = await startNats(dir, port);
    for (let i = 0; i < 10; i++) send(50);
    const expected = itemsOf(sent);
    await waitFor("everything published after the restart", () => publisher.published === expected, 30_000);
    await publisher.stop();
    expect(publisher.dropped).toBe(0);

    const stored = await streamContents(nc);
    expect(stored).toHaveLength(expected);
    const hostCopies = stored.filter((s) => s.srcAddr !== "192.0.2.1" && s.partition === partitionOf(s.srcAddr, PARTITIONS));
    const perFlow = new Map<number, number>();
    for (const s of hostCopies) perFlow.set(s.bytes, (perFlow.get(s.bytes) ?? 0) + 1);
    expect(perFlow.size).toBe(sent);
    expect([...perFlow.values()].every((n) => n === 1)).toBe(true);
  }, 60_000);

  it("drops the oldest batches beyond its buffer while the broker is away, and counts them", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bus-"));
    dirs.push(dir);
    const port = await freePort();
    const server = await startNats(dir, port);
    const nc = await connectBus({ servers: [`nats://127.0.0.1:${port}`], partitions: PARTITIONS, streamMaxBytes: 64 * 1024 * 1024 }, "test", log);
    connections.push(nc);
    const publisher = new BusPublisher({ nc, partitions: 1, isInternal: () => false, now: Date.now, log, intervalMs: 50, maxBufferedItems: 500 });
    publisher.start();
    server.kill("SIGKILL");
    await new Promise((r) => server.once("exit", r));
    for (let i = 0; i < 20; i++) {
      publisher.flows(Array.from({ length: 100 }, (_, j) => flow(i * 100 + j)));
      await new Promise((r) => setTimeout(r, 60));
    }
    await publisher.stop(500);
    expect(publisher.dropped).toBeGreaterThanOrEqual(1500);
    expect(publisher.dropped).toBeLessThanOrEqual(2000);
    expect(publisher.published).toBe(0);
  }, 30_000);
});
