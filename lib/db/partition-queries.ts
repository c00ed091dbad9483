// Time partitions of the telemetry tables (native Postgres RANGE partitioning, set up by the hand-written
// migration 20261207070945_partitioned_telemetry). Each table is partitioned on its time column by UTC
// day or month, partitions named <table>_pYYYYMMDD / <table>_pYYYYMM, plus a DEFAULT partition that
// holds any row no other partition covers (so a row from a skewed clock is never refused). Keeping
// them is `maintainPartitions`: create the partitions the retention window and the days ahead need,
// move rows the DEFAULT partition holds for them, drop partitions wholly past the retention.
import type pg from "pg";

export type PartitionPeriod = "day" | "month";

export interface PartitionedTable {
  table: string;
  /** The partition key, a timestamptz column. */
  column: string;
  period: PartitionPeriod;
  /** Which retention setting applies (RETENTION_RAW_DAYS or RETENTION_HOURLY_DAYS). */
  retention: "raw" | "hourly";
  /**
   * Page fill of new partitions (percent). Rows updated in place many times (an hourly aggregate gets
   * a new version for each of its 60 minutes) need room on their page, so each update is a HOT update
   * whose old versions the page itself reclaims; at 100 they spread over new pages until vacuum.
   */
  fillfactor?: number;
}

/** Every time-partitioned table: the partition maintainer keeps exactly these. */
export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: "metric_samples", column: "ts", period: "day", retention: "raw" },
  { table: "flow_rollups", column: "ts", period: "day", retention: "raw" },
  { table: "syslog_rollups", column: "ts", period: "day", retention: "raw" },
  { table: "metric_samples_hourly", column: "hour", period: "month", retention: "hourly", fillfactor: 50 },
];

/** Partitions created ahead of now: a maintainer that stops for this long still leaves rows well placed. */
export const AHEAD: Record<PartitionPeriod, number> = { day: 3, month: 2 };

const DAY_MS = 86_400_000;
/** Waits this long at most for the table lock (DDL queues behind readers and blocks writers meanwhile); the next run retries. */
const LOCK_TIMEOUT = "5s";
/** Moving rows out of the DEFAULT partition (first start after the upgrade) may take long. */
const MOVE_TIMEOUT_MS = 30 * 60_000;

export function periodStart(period: PartitionPeriod, t: Date): Date {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), period === "day" ? t.getUTCDate() : 1));
  return d;
}

export function nextPeriod(period: PartitionPeriod, start: Date): Date {
  return period === "day"
    ? new Date(start.getTime() + DAY_MS)
    : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

export function partitionName(spec: PartitionedTable, start: Date): string {
  const ymd = start.toISOString().slice(0, 10).replaceAll("-", "");
  return `${spec.table}_p${spec.period === "day" ? ymd : ymd.slice(0, 6)}`;
}

/** The start of the period a partition of `spec` named `name` covers, or null for any other table (the DEFAULT one). */
export function partitionStart(spec: PartitionedTable, name: string): Date | null {
  const m = new RegExp(`^${spec.table}_p(\\d{4})(\\d{2})(\\d{2})?$`).exec(name);
  if (!m || (spec.period === "day") !== (m[3] !== undefined)) return null;
  const start = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1));
  return partitionName(spec, start) === name ? start : null;
}

/** The periods a table should have partitions for: from the one holding the retention cutoff to AHEAD past now's. */
export function wantedPeriods(spec: PartitionedTable, now: Date, retentionDays: number): Date[] {
  const out: Date[] = [];
  let p = periodStart(spec.period, new Date(now.getTime() - retentionDays * DAY_MS));
  let last = periodStart(spec.period, now);
  for (let i = 0; i < AHEAD[spec.period]; i++) last = nextPeriod(spec.period, last);
  for (; p <= last; p = nextPeriod(spec.period, p)) out.push(p);
  return out;
}

export interface PartitionMaintenance {
  table: string;
  created: string[];
  dropped: string[];
  /** Rows moved from the DEFAULT partition into the partitions just created. */
  moved: number;
  /** Rows in the DEFAULT partition older than the retention, deleted. */
  expired: number;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (d: Date) => `'${d.toISOString()}'`;

/**
 * Brings one table's partitions in line with the retention as of `now`, in one transaction under an
 * advisory lock (several workers may run it). Partitions are dropped only once their whole period is
 * older than the retention, so data is kept at least `retentionDays` and at most one period more.
 */
export async function maintainPartitions(pool: pg.Pool, spec: PartitionedTable, now: Date, retentionDays: number): Promise<PartitionMaintenance> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const parent = ident(spec.table);
  const col = ident(spec.column);
  const defaultName = `${spec.table}_default`;
  const out: PartitionMaintenance = { table: spec.table, created: [], dropped: [], moved: 0, expired: 0 };
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    await client.query(`SET LOCAL statement_timeout = ${MOVE_TIMEOUT_MS}`);
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`partitions:${spec.table}`]);
    const existing = (
      await client.query<{ name: string }>(
        "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass",
        [spec.table],
      )
    ).rows.map((r) => r.name);

    for (const name of existing) {
      const start = partitionStart(spec, name);
      if (start && nextPeriod(spec.period, start) <= cutoff) {
        await client.query(`DROP TABLE ${ident(name)}`);
        out.dropped.push(name);
      }
    }

    // the pool's client-side read timeout is the short one of every query; pg honours a per-query one (absent from @types/pg)
    const query = (text: string, values?: unknown[]): Promise<pg.QueryResult> =>
      client.query({ text, values, query_timeout: MOVE_TIMEOUT_MS + 5_000 } as pg.QueryConfig & { query_timeout: number });
    out.expired = (await query(`DELETE FROM ${ident(defaultName)} WHERE ${col} < $1`, [cutoff])).rowCount ?? 0;

    const have = new Set(existing);
    const missing = wantedPeriods(spec, now, retentionDays).filter((p) => !have.has(partitionName(spec, p)));
    if (missing.length > 0) {
      const from = missing[0]!;
      const to = nextPeriod(spec.period, missing[missing.length - 1]!);
      const stranded = await query(`SELECT 1 FROM ${ident(defaultName)} WHERE ${col} >= $1 AND ${col} < $2 LIMIT 1`, [from, to]);
      // A partition cannot be created while the DEFAULT one holds rows of its range: the DEFAULT
      // partition is swapped for an empty one and its rows re-inserted through the parent, which routes
      // each into its new partition (or the new DEFAULT one). Rare: the first start after the upgrade, or
      // after rows came in beyond the days ahead.
      const moving = stranded.rowCount ? `${defaultName}_moving` : null;
      if (moving) {
        await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${ident(defaultName)}`);
        await client.query(`ALTER TABLE ${ident(defaultName)} RENAME TO ${ident(moving)}`);
        await client.query(`CREATE TABLE ${ident(defaultName)} PARTITION OF ${parent} DEFAULT`);
      }
      for (const start of missing) {
        const name = partitionName(spec, start);
        await client.query(
          `CREATE TABLE ${ident(name)} PARTITION OF ${parent} FOR VALUES FROM (${literal(start)}) TO (${literal(nextPeriod(spec.period, start))})${spec.fillfactor ? ` WITH (fillfactor = ${spec.fillfactor})` : ""}`,
        );
        out.created.push(name);
      }
      if (moving) {
        out.moved = (await query(`INSERT INTO ${parent} SELECT * FROM ${ident(moving)}`)).rowCount ?? 0;
        await client.query(`DROP TABLE ${ident(moving)}`);
      }
    }
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export interface PartitionSize {
  table: string;
  partition: string;
  rows: number;
  bytes: number;
}

/** Every partition of the partitioned tables with its row estimate and total size (table, indexes, TOAST). */
export async function partitionSizes(pool: pg.Pool): Promise<PartitionSize[]> {
  const res = await pool.query<{ table: string; partition: string; rows: string; bytes: string }>(
    `SELECT p.relname AS table, c.relname AS partition, greatest(c.reltuples, 0)::bigint AS rows, pg_total_relation_size(c.oid) AS bytes
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = ANY($1) ORDER BY 1, 2`,
    [PARTITIONED_TABLES.map((t) => t.table)],
  );
  return res.rows.map((r) => ({ table: r.table, partition: r.partition, rows: Number(r.rows), bytes: Number(r.bytes) }));
}
