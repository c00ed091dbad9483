// The Prisma client (WebAssembly query compiler + pg driver adapter: no Rust engine binary is
// needed). One instance per process, kept on globalThis so Next.js dev reloads do not leak pools.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "@prisma/client";
import type pg from "pg";
import { env, parseEnv } from "../env";

const globalForDb = globalThis as unknown as { tidewatchPrisma?: PrismaClient };

export function databaseUrl(): string {
  // parsed afresh rather than from env()'s cache: tests point the process at their own database after start-up
  const url = parseEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (npm start sets it for the embedded database)");
  return url;
}

/**
 * Timeouts for every connection (Prisma's and the pg pool's), so a hung or unreachable database fails
 * calls instead of stalling them forever: the worker's outage path (retry queue, drop counters) and
 * /api/health depend on calls failing. The client-side read timeout catches a server that stopped
 * answering altogether (its own statement timeout cannot fire then); it comes a little after the
 * statement timeout so a live server's own error wins.
 */
export function connectionTimeouts(): Pick<
  pg.PoolConfig,
  "connectionTimeoutMillis" | "statement_timeout" | "idle_in_transaction_session_timeout" | "query_timeout" | "keepAlive"
> {
  const e = env();
  return {
    connectionTimeoutMillis: e.DB_CONNECT_TIMEOUT_SEC * 1000,
    statement_timeout: e.DB_STATEMENT_TIMEOUT_SEC * 1000,
    idle_in_transaction_session_timeout: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_SEC * 1000,
    query_timeout: e.DB_STATEMENT_TIMEOUT_SEC * 1000 + 5_000,
    keepAlive: true,
  };
}

export function createPrismaClient(connectionString = databaseUrl(), max = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max, ...connectionTimeouts() }) });
}

/** The process-wide Prisma client, created on first use. */
export function db(): PrismaClient {
  globalForDb.tidewatchPrisma ??= createPrismaClient();
  return globalForDb.tidewatchPrisma;
}

export async function disconnectDb(): Promise<void> {
  await globalForDb.tidewatchPrisma?.$disconnect();
  globalForDb.tidewatchPrisma = undefined;
}

export type { PrismaClient };
/** A client inside `$transaction(async (tx) => ...)`; query functions accept either. */
export type DbTransaction = Prisma.TransactionClient;
export type DbClient = PrismaClient | DbTransaction;
