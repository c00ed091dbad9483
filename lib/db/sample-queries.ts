// Per-device minute samples: bulk writes with unnest (one round trip for thousands of rows) and
// time-range reads. Several sources (SNMP, flows, syslog) may each report part of a device-minute,
// possibly at different times: a write fills in the metrics it carries and keeps the others, so
// retries and late partial data are both safe. Flow and syslog counts add up (late flows for a stored
// minute are more traffic), so the worker stores them through `storeTelemetryOnce`, which applies
// each batch once however often it is retried.
import type pg from "pg";
import type { DeviceFlowSummary } from "../detect/detector";
import { METRIC_INFO, METRICS, type MetricSample, type MetricValues } from "../telemetry/metrics";
import { claimWrite } from "./applied-write-queries";
import { commitPartitionProgress } from "./cluster-lease-queries";
import { transactionWithin } from "./in-transaction";
import { parseRewrittenHours, recomputeHours, upsertMinutesAndHoursSql } from "./hourly-sample-queries";
import type { SyslogSecurityMinute } from "../telemetry/syslog/security-rollup";

/** The pool, or one of its connections inside a transaction. */
type Queryable = pg.Pool | pg.PoolClient;

const COLUMNS = METRICS.map((m) => METRIC_INFO[m].column);
const BATCH = 5_000;
/** insertSamples called on the pool (tests, tools) runs its own transaction, abandoned after this. */
const STANDALONE_DEADLINE_MS = 5 * 60_000;

/**
 * Upserts minutes and keeps their hours' aggregates (metric_samples_hourly) in step, in one
 * transaction (the caller's, or its own on a pool): a new minute is added to its hour; an hour with a
 * rewritten minute is rebuilt from its minutes, so a retried or refilled minute never counts twice.
 */
export async function insertSamples(db: Queryable, samples: readonly MetricSample[]): Promise<number> {
  if (samples.length === 0) return 0;
  if (!("release" in db)) return transactionWithin(db, STANDALONE_DEADLINE_MS, "storing samples", (client) => insertSamples(client, samples));
  let inserted = 0;
  for (let i = 0; i < samples.length; i += BATCH) {
    const chunk = samples.slice(i, i + BATCH);
    const params: unknown[] = [chunk.map((s) => s.deviceId), chunk.map((s) => s.ts.toISOString())];
    for (const m of METRICS) params.push(chunk.map((s) => s.values[m]));
    const casts = ["$1::int[]", "$2::timestamptz[]", ...METRICS.map((_, j) => `$${j + 3}::float8[]`)];
    const res = await db.query<{ written: number; rewritten: string[] }>(
      upsertMinutesAndHoursSql(`SELECT * FROM unnest(${casts.join(", ")}) AS t(device_id, ts, ${COLUMNS.join(", ")})`),
      params,
    );
    const row = res.rows[0]!;
    inserted += row.written;
    await recomputeHours(db, parseRewrittenHours(row.rewritten));
  }
  return inserted;
}

type SampleRow = { device_id: number; ts: Date } & Record<string, number | null>;

function toSample(row: SampleRow): MetricSample {
  const values = {} as MetricValues;
  for (const m of METRICS) values[m] = row[METRIC_INFO[m].column] ?? null;
  return { deviceId: row.device_id, ts: row.ts, values };
}

/** Samples of one device in [from, to), oldest first. */
export async function readSamples(pool: pg.Pool, deviceId: number, from: Date, to: Date): Promise<MetricSample[]> {
  return readSamplesOfDevices(pool, [deviceId], from, to);
}

/** Samples of several devices in [from, to), by device then oldest first (one round trip). */
export async function readSamplesOfDevices(pool: pg.Pool, deviceIds: readonly number[], from: Date, to: Date): Promise<MetricSample[]> {
  const res = await pool.query<SampleRow>(
    `SELECT device_id, ts, ${COLUMNS.join(", ")} FROM metric_samples
     WHERE device_id = ANY($1::int[]) AND ts >= $2 AND ts < $3 ORDER BY device_id, ts`,
    [deviceIds, from, to],
  );
  return res.rows.map(toSample);
}

/** The newest sample time among the given devices, or null when they have none. */
export async function latestSampleTime(pool: pg.Pool, deviceIds: readonly number[]): Promise<Date | null> {
  const res = await pool.query<{ latest: Date | null }>(
    "SELECT max(ts) AS latest FROM metric_samples WHERE device_id = ANY($1::int[])",
    [deviceIds],
  );
  return res.rows[0]?.latest ?? null;
}

export async function markDevicesSeen(pool: Queryable, deviceIds: readonly number[], at: Date): Promise<void> {
  await pool.query(
    `UPDATE devices SET last_seen_at = GREATEST(coalesce(last_seen_at, $2), $2), updated_at = now()
     WHERE id = ANY($1::int[])`,
    [deviceIds, at],
  );
}

/** One device-minute of flow detail, keyed by device id instead of address. */
export type FlowRollupRow = DeviceFlowSummary & { deviceId: number; ts: Date };

/** Adds flow detail for device-minutes (late flows for a stored minute add to it). */
export async function upsertFlowRollups(pool: Queryable, rows: readonly FlowRollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO flow_rollups (device_id, ts, bytes_in, bytes_out, packets_in, packets_out, flows, tcp_syn_flows,
       distinct_peers, distinct_dst_ports, protocol_bytes, top_talkers)
     SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
       $7::int[], $8::int[], $9::int[], $10::int[], $11::jsonb[], $12::jsonb[])
     ON CONFLICT (device_id, ts) DO UPDATE SET
       bytes_in = flow_rollups.bytes_in + EXCLUDED.bytes_in,
       bytes_out = flow_rollups.bytes_out + EXCLUDED.bytes_out,
       packets_in = flow_rollups.packets_in + EXCLUDED.packets_in,
       packets_out = flow_rollups.packets_out + EXCLUDED.packets_out,
       flows = flow_rollups.flows + EXCLUDED.flows,
       tcp_syn_flows = flow_rollups.tcp_syn_flows + EXCLUDED.tcp_syn_flows,
       distinct_peers = greatest(flow_rollups.distinct_peers, EXCLUDED.distinct_peers),
       distinct_dst_ports = greatest(flow_rollups.distinct_dst_ports, EXCLUDED.distinct_dst_ports)`,
    [
      rows.map((r) => r.deviceId),
      rows.map((r) => r.ts.toISOString()),
      rows.map((r) => r.bytesIn),
      rows.map((r) => r.bytesOut),
      rows.map((r) => r.packetsIn),
      rows.map((r) => r.packetsOut),
      rows.map((r) => r.flows),
      rows.map((r) => r.tcpSynFlows),
      rows.map((r) => r.distinctPeers),
      rows.map((r) => r.distinctDstPorts),
      rows.map((r) => JSON.stringify(r.protocolBytes)),
      rows.map((r) => JSON.stringify(r.topTalkers)),
    ],
  );
}

export interface SyslogRollupRow {
  deviceId: number;
  ts: Date;
  total: number;
  bySeverity: Record<string, number>;
  keywords: Record<string, number>;
  /** The minute's parsed security events, for the detectors (not stored). */
  security?: SyslogSecurityMinute;
}

export async function upsertSyslogRollups(pool: Queryable, rows: readonly SyslogRollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO syslog_rollups (device_id, ts, total, by_severity, keywords)
     SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::int[], $4::jsonb[], $5::jsonb[])
     ON CONFLICT (device_id, ts) DO UPDATE SET total = syslog_rollups.total + EXCLUDED.total,
       by_severity = EXCLUDED.by_severity, keywords = EXCLUDED.keywords`,
    [
      rows.map((r) => r.deviceId),
      rows.map((r) => r.ts.toISOString()),
      rows.map((r) => r.total),
      rows.map((r) => JSON.stringify(r.bySeverity)),
      rows.map((r) => JSON.stringify(r.keywords)),
    ],
  );
}

/**
 * Distributed mode: the batch is a bus partition's minutes before `until`, stored only while `holder`
 * holds the partition's lease, which then records them as committed (cluster-lease-queries).
 */
export interface PartitionCommit {
  lease: string;
  holder: string;
  until: Date;
}

/**
 * Stores a batch of complete device-minutes (samples, flow and syslog rollups, devices' last-seen) in
 * one transaction, once per `key`: a retry after a failure or a lost COMMIT reply either finds the
 * key taken (returns `applied: false`, nothing added twice) or finds nothing of the first attempt.
 * Abandoned after `deadlineMs` (see transactionWithin).
 */
export async function storeTelemetryOnce(
  pool: pg.Pool,
  key: string,
  batch: { samples: readonly MetricSample[]; flows: readonly FlowRollupRow[]; syslog: readonly SyslogRollupRow[]; commit?: PartitionCommit },
  deadlineMs: number,
): Promise<{ applied: boolean; stored: number }> {
  return transactionWithin(pool, deadlineMs, "storing telemetry", async (client) => {
    if (!(await claimWrite(client, key))) return { applied: false, stored: 0 };
    if (batch.commit) await commitPartitionProgress(client, batch.commit.lease, batch.commit.holder, batch.commit.until);
    await upsertFlowRollups(client, batch.flows);
    await upsertSyslogRollups(client, batch.syslog);
    if (batch.samples.length === 0) return { applied: true, stored: 0 };
    const stored = await insertSamples(client, batch.samples);
    let newest = batch.samples[0]!.ts;
    for (const s of batch.samples) if (s.ts > newest) newest = s.ts;
    await markDevicesSeen(client, [...new Set(batch.samples.map((s) => s.deviceId))], newest);
    return { applied: true, stored };
  });
}
