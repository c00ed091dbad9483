// A PostgreSQL server of a test's own (the embedded binaries, not the shared test server), for tests
// that crash the database under the product and start it again: the shared server serves every other
// test file at once. The checked-in migrations are applied in order, what `prisma migrate deploy`
// applies, without its start-up cost.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createPrismaClient, type PrismaClient } from "../../lib/db/client";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from "../../lib/db/embedded-postgres";
import { createLogger } from "../../lib/log";

const log = createLogger("test:dedicated-postgres", { level: "warn" });
const PASSWORD = "dedicated-test-server-only";
const DATABASE = "tidewatch";

export interface DedicatedDatabase {
  url: string;
  /** A client of the running server (a new one after each restart: the old one's connections died with it). */
  readonly prisma: PrismaClient;
  /** SIGKILL for the postmaster's whole process group: no shutdown checkpoint, backends gone at once. */
  crash(): Promise<void>;
  /** Starts the server again on the same data directory and port (crash recovery when it crashed). */
  restart(): Promise<void>;
  drop(): Promise<void>;
}

export async function createDedicatedDatabase(): Promise<DedicatedDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-dedicated-pg-"));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, "pg");
  const start = (port?: number) => startEmbeddedPostgres({ dataDir, password: PASSWORD, log, ...(port ? { port } : {}) });
  let server: EmbeddedCluster = await start();
  await ensureDatabase(server, DATABASE);
  const url = server.url(DATABASE);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const migrations = path.join(process.cwd(), "prisma", "migrations");
  for (const m of fs.readdirSync(migrations).filter((n) => fs.existsSync(path.join(migrations, n, "migration.sql"))).sort()) {
    await client.query(fs.readFileSync(path.join(migrations, m, "migration.sql"), "utf8"));
  }
  await client.end();
  let prisma = createPrismaClient(url, 2);
  return {
    url,
    get prisma() {
      return prisma;
    },
    async crash() {
      const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      const pgid = Number(execFileSync("ps", ["-o", "pgid=", "-p", String(pid)]).toString().trim());
      process.kill(-pgid, "SIGKILL");
      await server.exited;
    },
    async restart() {
      server = await start(server.port);
      await prisma.$disconnect().catch(() => undefined);
      prisma = createPrismaClient(url, 2);
    },
    async drop() {
      await prisma.$disconnect().catch(() => undefined);
      await server.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
