// The worker against a database that fails mid-ingest, through a proxy that fails on cue
// (pg-fault-proxy.ts): a COMMIT whose reply is lost, a database that hangs, a database that goes
// away. Each time the flush gives up at its deadline, the minutes wait in the retry queue, and once
// the database answers again every minute is stored exactly once: flows, bytes and syslog counts
// are never added twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { PgFaultProxy } from "./pg-fault-proxy";
import { pastMinute, sendFlows, startProcess, storedFlows, waitForWorker, workerEnv, type Proc } from "./worker-harness";

let t: TestDatabase;
let proxy: PgFaultProxy;
let worker: Proc;
let port: number;

const FLOWS = 40;
const BYTES_OUT = FLOWS * 15_000;

beforeAll(async () => {
  t = await createTestDatabase();
  const target = new URL(t.url);
  proxy = new PgFaultProxy({ host: target.hostname, port: Number(target.port) });
  const proxyPort = await proxy.listen();
  const viaProxy = new URL(t.url);
  viaProxy.port = String(proxyPort);
  worker = startProcess(
    ["--import", "tsx", "workers/main.ts"],
    workerEnv(viaProxy.toString(), {
      // short limits so each fault is noticed within seconds
      FLUSH_DEADLINE_SEC: "2",
      DB_CONNECT_TIMEOUT_SEC: "1",
      DB_STATEMENT_TIMEOUT_SEC: "2",
    }),
  );
  port = (await waitForWorker(t.prisma, worker.output)).netflowPort;
}, 60_000);

afterAll(async () => {
  worker?.proc.kill("SIGKILL");
  await proxy?.close();
  await t?.drop();
});

const count = (text: string) => () => worker.output().split(text).length - 1;
const retries = count("storing telemetry failed; will retry");
const unresolved = count("could not resolve device; its telemetry waits for the next flush");

describe("worker with a failing database", () => {
  it("stores a batch once when the reply to its COMMIT is lost and the batch is retried", { timeout: 60_000 }, async () => {
    const minute = pastMinute(3);
    const lost = proxy.loseCommitReplyAfter(/flow_rollups/);
    await sendFlows(port, "10.20.0.1", minute);
    await lost;
    // the COMMIT went through: the rows are there although the worker never heard so
    await expect.poll(() => storedFlows(t.prisma, "10.20.0.1", minute), { timeout: 10_000 }).toEqual({ flows: FLOWS, bytesOut: BYTES_OUT });
    // the flush gives up at its deadline and the same batch goes again at the next flush
    await expect.poll(retries, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    // a later minute is stored only after the retried batch (the queue is in order): then it is done
    const later = pastMinute(2);
    await sendFlows(port, "10.20.0.2", later);
    await expect.poll(() => storedFlows(t.prisma, "10.20.0.2", later), { timeout: 20_000 }).toEqual({ flows: FLOWS, bytesOut: BYTES_OUT });
    expect(proxy.swallowedCommits).toBe(1);
    expect(await storedFlows(t.prisma, "10.20.0.1", minute)).toEqual({ flows: FLOWS, bytesOut: BYTES_OUT });
  });

  it("keeps minutes queued while the database hangs, and drains them in order once it answers", { timeout: 60_000 }, async () => {
    // a device the worker knows: its minutes go straight to the store, which gives up at the deadline
    // the minute fixed once: a poll that recomputed it would look at the next minute once the clock turns
    const m0 = pastMinute(5);
    await sendFlows(port, "10.21.0.1", m0);
    await expect.poll(() => storedFlows(t.prisma, "10.21.0.1", m0), { timeout: 20_000 }).not.toBeNull();
    const before = retries();
    proxy.hang();
    const [m1, m2] = [pastMinute(4), pastMinute(3)];
    await sendFlows(port, "10.21.0.1", m1);
    // the flush is abandoned at its deadline instead of waiting for the hung server...
    await expect.poll(retries, { timeout: 20_000 }).toBeGreaterThan(before);
    // ...so later flushes still run: a new device's minute waits to be looked up, the queue holds the rest
    await sendFlows(port, "10.21.0.2", m2);
    await expect.poll(unresolved, { timeout: 20_000 }).toBeGreaterThan(0);
    proxy.forward();
    await expect.poll(() => storedFlows(t.prisma, "10.21.0.2", m2), { timeout: 30_000 }).toEqual({ flows: FLOWS, bytesOut: BYTES_OUT });
    expect(await storedFlows(t.prisma, "10.21.0.1", m1)).toEqual({ flows: FLOWS, bytesOut: BYTES_OUT });
  });

  it("stores what arrived while the database was gone once it is back, each minute once", { timeout: 60_000 }, async () => {
    const before = retries() + unresolved();
    proxy.down();
    const minute = pastMinute(3);
    await sendFlows(port, "10.22.0.1", minute);
    await expect.poll(() => retries() + unresolved(), { timeout: 20_000 }).toBeGreaterThan(before);
    proxy.forward();
    await expect.poll(() => storedFlows(t.prisma, "10.22.0.1", minute), { timeout: 30_000 }).toEqual({ flows: FLOWS, bytesOut: BYTES_OUT });
    // more flushes come and go: nothing is added again
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await storedFlows(t.prisma, "10.22.0.1", minute)).toEqual({ flows: FLOWS, bytesOut: BYTES_OUT });
    // and the worker says it is alive again
    const beat = await t.prisma.workerHeartbeat.findFirstOrThrow();
    expect(Date.now() - beat.beatAt.getTime()).toBeLessThan(10_000);
  });
});
