// The worker while its PostgreSQL really crashes: a server of its own (the embedded binaries, not the
// shared test server) is killed with SIGKILL, process group and all, mid-ingest, and started again
// on the same data directory and port (crash recovery). What the worker stored before the crash is
// there, once; what arrived while the server was gone is stored once it is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDedicatedDatabase, type DedicatedDatabase } from "../dedicated-postgres";
import { pastMinute, sendFlows, startProcess, storedFlows, waitForWorker, workerEnv, type Proc } from "./worker-harness";

const EXACT = { flows: 40, bytesOut: 40 * 15_000 };

let db: DedicatedDatabase;
let worker: Proc;
let port: number;

beforeAll(async () => {
  db = await createDedicatedDatabase();
  worker = startProcess(["--import", "tsx", "workers/main.ts"], workerEnv(db.url, { FLUSH_DEADLINE_SEC: "2", DB_CONNECT_TIMEOUT_SEC: "1" }));
  port = (await waitForWorker(db.prisma, worker.output)).netflowPort;
}, 60_000);

afterAll(async () => {
  worker?.proc.kill("SIGKILL");
  await db?.drop();
});

describe("worker while PostgreSQL crashes", () => {
  it("stores every minute once across a SIGKILL of the database and its recovery", { timeout: 60_000 }, async () => {
    const before = pastMinute(4);
    await sendFlows(port, "10.40.0.1", before);
    await expect.poll(() => storedFlows(db.prisma, "10.40.0.1", before), { timeout: 20_000 }).toEqual(EXACT);

    await db.crash();
    const during = pastMinute(3);
    await sendFlows(port, "10.40.0.1", during); // a known device
    await sendFlows(port, "10.40.0.2", during); // a device the worker has never seen
    await expect
      .poll(() => /storing telemetry failed; will retry|could not resolve device; its telemetry waits/.test(worker.output()), { timeout: 20_000 })
      .toBe(true);

    await db.restart();
    await expect.poll(() => storedFlows(db.prisma, "10.40.0.2", during), { timeout: 30_000 }).toEqual(EXACT);
    expect(await storedFlows(db.prisma, "10.40.0.1", during)).toEqual(EXACT);
    expect(await storedFlows(db.prisma, "10.40.0.1", before)).toEqual(EXACT);
    // the worker beats again
    await expect.poll(async () => Date.now() - (await db.prisma.workerHeartbeat.findFirstOrThrow()).beatAt.getTime(), { timeout: 15_000 }).toBeLessThan(6_000);
  });
});
