import type { DbClient, DbTransaction } from "./client";

/** Runs `fn` in a transaction: a new one on a client, the caller's own when already inside one. */
export function inTransaction<T>(db: DbClient, fn: (tx: DbTransaction) => Promise<T>): Promise<T> {
  return "$transaction" in db ? db.$transaction(fn) : fn(db);
}
