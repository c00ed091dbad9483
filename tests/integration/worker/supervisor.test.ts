// The `tidewatch` entry point (bin/tidewatch.mjs, the supervisor run by node directly) with only the
// worker (TIDEWATCH_SERVICES=worker, so no web build is needed): a worker killed with SIGKILL is
// reported down by /api/health at once, restarted after the backoff, and reported up again with its
// restart counted; the minutes it had stored are all there, once; SIGTERM stops the worker before
// the supervisor itself exits.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { pastMinute, sendFlows, startProcess, storedFlows, waitForWorker, workerEnv, type Proc } from "./worker-harness";

let t: TestDatabase;
let dataDir: string;
let supervisor: Proc;
let health: () => Promise<{ worker: string; workerRestarts: number; workerLastExit: string | null }>;
let first: { pid: number; netflowPort: number; restarts: number };
let second: { pid: number; netflowPort: number };

const EXACT = { flows: 40, bytesOut: 40 * 15_000 };

beforeAll(async () => {
  t = await createTestDatabase();
  const { GET } = await import("../../../app/api/health/route");
  health = async () => (await GET()).json();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-sup-"));
  supervisor = startProcess(
    ["bin/tidewatch.mjs"],
    workerEnv(t.url, { TIDEWATCH_SERVICES: "worker", RESTART_BACKOFF_MAX_SEC: "1", DATA_DIR: dataDir, ADMIN_PASSWORD: "supervisor-test-pw" }),
  );
  // migrations and seeding first, then the worker
  first = await waitForWorker(t.prisma, supervisor.output, undefined, 55_000);
}, 60_000);

afterAll(async () => {
  if (supervisor && supervisor.proc.exitCode === null) supervisor.proc.kill("SIGKILL");
  if (second) {
    try {
      process.kill(second.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await t?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("tidewatch supervisor", () => {
  it("restarts a worker killed with SIGKILL: health shows it down, then up with the restart counted; stored minutes are kept, once", { timeout: 60_000 }, async () => {
    expect(first.restarts).toBe(0);
    const minute = pastMinute(3);
    await sendFlows(first.netflowPort, "10.30.0.1", minute);
    await expect.poll(() => storedFlows(t.prisma, "10.30.0.1", minute), { timeout: 20_000 }).toEqual(EXACT);
    expect(await health()).toMatchObject({ worker: "up", workerRestarts: 0 });

    process.kill(first.pid, "SIGKILL");
    // down at once: the supervisor clears the dead worker's heartbeat (it would look alive for 20 s)
    await expect.poll(async () => (await health()).worker, { timeout: 5_000, interval: 100 }).toBe("down");
    second = await waitForWorker(t.prisma, supervisor.output, first.pid, 30_000);
    expect(await health()).toMatchObject({ worker: "up", workerRestarts: 1, workerLastExit: "signal SIGKILL" });
    expect(supervisor.output()).toContain("worker exited unexpectedly (signal SIGKILL); restarting in 1 s");

    // the new worker takes telemetry; the old one's minute is there, counted once
    const next = pastMinute(2);
    await sendFlows(second.netflowPort, "10.30.0.1", next);
    await expect.poll(() => storedFlows(t.prisma, "10.30.0.1", next), { timeout: 20_000 }).toEqual(EXACT);
    expect(await storedFlows(t.prisma, "10.30.0.1", minute)).toEqual(EXACT);
  });

  it("on SIGTERM exits only after its worker has drained and stopped", { timeout: 60_000 }, async () => {
    supervisor.proc.kill("SIGTERM");
    expect(await supervisor.exited).toBe(0);
    expect(() => process.kill(second.pid, 0)).toThrow();
    expect(await t.prisma.workerHeartbeat.count()).toBe(0);
    expect(supervisor.output()).toMatch(/\[worker\] stopped[\s\S]*\[supervisor\] stopped/);
  });
});
