import type pg from "pg";
import type { DbClient, DbTransaction } from "./client";

/** Runs `fn` in a transaction: a new one on a client, the caller's own when already inside one. */
export function inTransaction<T>(db: DbClient, fn: (tx: DbTransaction) => Promise<T>): Promise<T> {
  return "$transaction" in db ? db.$transaction(fn) : fn(db);
}

export class DeadlineExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms / 1000} s`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * Runs `work` in one transaction on a pooled pg connection, abandoned after `deadlineMs`: the
 * connection is then destroyed (the server rolls back whatever it had not committed) and the call
 * rejects with DeadlineExceeded, whatever the database is doing. Without this a hung server stalls
 * the caller for as long as TCP does. A deadline can fire after the server committed but before its
 * reply arrived, so `work` must be safe to repeat (see applied-write-queries).
 */
export async function transactionWithin<T>(
  pool: pg.Pool,
  deadlineMs: number,
  what: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient | undefined;
  let released = false;
  let timedOut = false;
  // a failed or abandoned connection is destroyed, never handed back to the pool
  const release = (destroy: boolean) => {
    if (!client || released) return;
    released = true;
    client.release(destroy ? new Error(`${what}: connection abandoned`) : undefined);
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      release(true);
      reject(new DeadlineExceeded(what, deadlineMs));
    }, deadlineMs);
  });
  const run = (async () => {
    client = await pool.connect();
    if (timedOut) throw new DeadlineExceeded(what, deadlineMs);
    await client.query("BEGIN");
    const out = await work(client);
    // a simple query (no parameters), so it is one protocol message
    await client.query("COMMIT");
    return out;
  })();
  // whatever happens, the connection goes back (or is destroyed) once the attempt is over
  run.then(
    () => release(false),
    () => release(true),
  );
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
