// Keys of writes that must take effect once although they may be retried: a telemetry batch whose
// COMMIT reply was lost, an alert recording that timed out after committing. The key is claimed in
// the write's own transaction, so either both commit or neither does, and a replay finds it taken.
import type pg from "pg";
import type { DbClient, DbTransaction } from "./client";

/** Retries happen within minutes; a day of keys is plenty. */
export const APPLIED_WRITE_RETENTION_MS = 86_400_000;

/** Claims `key` inside the caller's pg transaction; false when an earlier attempt already committed it. */
export async function claimWrite(client: pg.PoolClient, key: string): Promise<boolean> {
  // A concurrent attempt still in flight holds the key's index entry: this waits for it to commit or
  // roll back, so two attempts never both apply.
  const res = await client.query("INSERT INTO applied_writes (key) VALUES ($1) ON CONFLICT DO NOTHING", [key]);
  return res.rowCount === 1;
}

/** The same inside a Prisma transaction. */
export async function claimWriteTx(tx: DbTransaction, key: string): Promise<boolean> {
  const { count } = await tx.appliedWrite.createMany({ data: [{ key }], skipDuplicates: true });
  return count === 1;
}

export async function pruneAppliedWrites(db: DbClient, now: Date): Promise<number> {
  const { count } = await db.appliedWrite.deleteMany({ where: { appliedAt: { lt: new Date(now.getTime() - APPLIED_WRITE_RETENTION_MS) } } });
  return count;
}
