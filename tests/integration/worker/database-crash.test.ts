// The worker while its PostgreSQL really crashes: a server of its own (the embedded binaries, not the
// shared test server) is killed with SIGKILL, process group and all, mid-ingest, and started again
// on the same data directory and port (crash recovery). What the worker stored before the crash is
// there, once; what arrived while the server was gone is stored once it is back.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "../../../lib/db/client";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from "../../../lib/db/embedded-postgres";
import { createLogger } from "../../../lib/log";
import { pastMinute, sendFlows, startProcess, storedFlows, waitForWorker, workerEnv, type Proc } from "./worker-harness";

const log = createLogger("test:crash-postgres", { level: "warn" });
const PASSWORD = "crash-test-only";
const EXACT = { flows: 40, bytesOut: 40 * 15_000 };

let dir: string;
let cluster: EmbeddedCluster;
let url: string;
let prisma: PrismaClient;
let worker: Proc;
let port: number;

const start = (p?: number) => startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: PASSWORD, log, ...(p ? { port: p } : {}) });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-crash-"));
  fs.chmodSync(dir, 0o755);
  cluster = await start();
  await ensureDatabase(cluster, "crash");
  url = cluster.url("crash");
  // the checked-in migrations, in order (what `prisma migrate deploy` applies, without its start-up cost)
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const migrations = path.join(process.cwd(), "prisma", "migrations");
  for (const m of fs.readdirSync(migrations).filter((n) => fs.existsSync(path.join(migrations, n, "migration.sql"))).sort()) {
    await client.query(fs.readFileSync(path.join(migrations, m, "migration.sql"), "utf8"));
  }
  await client.end();
  prisma = createPrismaClient(url, 2);
  worker = startProcess(["--import", "tsx", "workers/main.ts"], workerEnv(url, { FLUSH_DEADLINE_SEC: "2", DB_CONNECT_TIMEOUT_SEC: "1" }));
  port = (await waitForWorker(prisma, worker.output)).netflowPort;
}, 60_000);

afterAll(async () => {
  worker?.proc.kill("SIGKILL");
  await prisma?.$disconnect().catch(() => undefined);
  await cluster?.stop().catch(() => undefined);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** SIGKILL for the postmaster's whole process group: no shutdown checkpoint, backends gone at once. */
function crashPostgres(): void {
  const pid = Number(fs.readFileSync(path.join(dir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  const pgid = Number(execFileSync("ps", ["-o", "pgid=", "-p", String(pid)]).toString().trim());
  process.kill(-pgid, "SIGKILL");
}

describe("worker while PostgreSQL crashes", () => {
  it("stores every minute once across a SIGKILL of the database and its recovery", { timeout: 60_000 }, async () => {
    const before = pastMinute(4);
    await sendFlows(port, "10.40.0.1", before);
    await expect.poll(() => storedFlows(prisma, "10.40.0.1", before), { timeout: 20_000 }).toEqual(EXACT);

    crashPostgres();
    await cluster.exited;
    const during = pastMinute(3);
    await sendFlows(port, "10.40.0.1", during); // a known device
    await sendFlows(port, "10.40.0.2", during); // a device the worker has never seen
    await expect
      .poll(() => /storing telemetry failed; will retry|could not resolve device; its telemetry waits/.test(worker.output()), { timeout: 20_000 })
      .toBe(true);

    cluster = await start(cluster.port);
    await prisma.$disconnect();
    prisma = createPrismaClient(url, 2);
    await expect.poll(() => storedFlows(prisma, "10.40.0.2", during), { timeout: 30_000 }).toEqual(EXACT);
    expect(await storedFlows(prisma, "10.40.0.1", during)).toEqual(EXACT);
    expect(await storedFlows(prisma, "10.40.0.1", before)).toEqual(EXACT);
    // the worker beats again
    await expect.poll(async () => Date.now() - (await prisma.workerHeartbeat.findFirstOrThrow()).beatAt.getTime(), { timeout: 15_000 }).toBeLessThan(6_000);
  });
});
