// A plain pg pool for the few things Prisma does badly: bulk time-series writes (unnest arrays),
// large time-range reads and LISTEN connections. Everything else goes through Prisma.
import pg from "pg";
import { connectionTimeouts, databaseUrl } from "./client";

const globalForPool = globalThis as unknown as { tidewatchPool?: pg.Pool };

export function pool(): pg.Pool {
  if (!globalForPool.tidewatchPool) {
    const p = new pg.Pool({ connectionString: databaseUrl(), max: 4, ...connectionTimeouts() });
    // An idle client losing its connection (database restart) must not crash the process.
    p.on("error", () => undefined);
    globalForPool.tidewatchPool = p;
  }
  return globalForPool.tidewatchPool;
}

export async function closePool(): Promise<void> {
  await globalForPool.tidewatchPool?.end();
  globalForPool.tidewatchPool = undefined;
}

/** A dedicated connection (not from the pool), e.g. for LISTEN: no read timeout, it waits for notifications. */
export function newDbConnection(connectionString = databaseUrl()): pg.Client {
  const { query_timeout: _none, ...timeouts } = connectionTimeouts();
  return new pg.Client({ connectionString, ...timeouts });
}
