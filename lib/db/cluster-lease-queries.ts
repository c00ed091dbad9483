// Leases of distributed mode (table cluster_leases). Expiry is judged on the database's clock, the
// one clock every process shares. A lease is taken when free, expired or already ours, so the first
// live claimant after an expiry wins and exactly one holder exists at a time; its writes re-check it
// in their own transaction (`commitPartitionProgress`) so a holder that stalled past its TTL cannot
// overwrite what its successor stored.
import type pg from "pg";

type Queryable = pg.Pool | pg.PoolClient;

/** Takes or renews `name` for `holder` for `ttlMs`; true when `holder` now holds it. */
export async function acquireLease(db: Queryable, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const res = await db.query<{ holder: string }>(
    `INSERT INTO cluster_leases (name, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE cluster_leases.holder = EXCLUDED.holder OR cluster_leases.expires_at < now()
     RETURNING holder`,
    [name, holder, ttlMs],
  );
  return res.rows[0]?.holder === holder;
}

/** Gives `name` up at once (only if `holder` still holds it), so a successor need not wait out the TTL. */
export async function releaseLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query("UPDATE cluster_leases SET expires_at = now() - interval '1 millisecond' WHERE name = $1 AND holder = $2", [name, holder]);
}

/** Holders of the unexpired leases whose names start with `prefix` (e.g. the live members). */
export async function liveHolders(db: Queryable, prefix: string): Promise<string[]> {
  const res = await db.query<{ holder: string }>(
    "SELECT DISTINCT holder FROM cluster_leases WHERE name LIKE $1 || '%' AND expires_at >= now() ORDER BY holder",
    [prefix],
  );
  return res.rows.map((r) => r.holder);
}

/** The minute before which the lease's telemetry is committed (null: nothing committed yet). */
export async function committedUntil(db: Queryable, name: string): Promise<Date | null> {
  const res = await db.query<{ committed_until: Date | null }>("SELECT committed_until FROM cluster_leases WHERE name = $1", [name]);
  return res.rows[0]?.committed_until ?? null;
}

export class LeaseLostError extends Error {
  constructor(name: string) {
    super(`lease ${name} is no longer held`);
    this.name = "LeaseLostError";
  }
}

/**
 * Inside the transaction that stores a partition's minutes: checks that `holder` still holds the
 * lease (locking its row until commit, so no takeover can interleave) and moves its committed-until
 * minute forward. Throws LeaseLostError otherwise, which rolls the write back.
 */
export async function commitPartitionProgress(client: pg.PoolClient, name: string, holder: string, until: Date): Promise<void> {
  const res = await client.query(
    `UPDATE cluster_leases SET committed_until = GREATEST(coalesce(committed_until, $3), $3)
     WHERE name = $1 AND holder = $2 AND expires_at >= now()`,
    [name, holder, until],
  );
  if (res.rowCount !== 1) throw new LeaseLostError(name);
}
