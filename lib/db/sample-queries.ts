// Per-device minute samples: bulk writes with unnest (one round trip for thousands of rows; a
// repeated write of the same device-minute is ignored, so retries are safe) and time-range reads.
import type pg from "pg";
import { METRIC_INFO, METRICS, type MetricSample, type MetricValues } from "../telemetry/metrics";

const COLUMNS = METRICS.map((m) => METRIC_INFO[m].column);
const BATCH = 5_000;

export async function insertSamples(pool: pg.Pool, samples: readonly MetricSample[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < samples.length; i += BATCH) {
    const chunk = samples.slice(i, i + BATCH);
    const params: unknown[] = [chunk.map((s) => s.deviceId), chunk.map((s) => s.ts.toISOString())];
    for (const m of METRICS) params.push(chunk.map((s) => s.values[m]));
    const casts = ["$1::int[]", "$2::timestamptz[]", ...METRICS.map((_, j) => `$${j + 3}::float8[]`)];
    const res = await pool.query(
      `INSERT INTO metric_samples (device_id, ts, ${COLUMNS.join(", ")})
       SELECT * FROM unnest(${casts.join(", ")})
       ON CONFLICT (device_id, ts) DO NOTHING`,
      params,
    );
    inserted += res.rowCount ?? 0;
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
  const res = await pool.query<SampleRow>(
    `SELECT device_id, ts, ${COLUMNS.join(", ")} FROM metric_samples
     WHERE device_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts`,
    [deviceId, from, to],
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

export async function markDevicesSeen(pool: pg.Pool, deviceIds: readonly number[], at: Date): Promise<void> {
  await pool.query(
    `UPDATE devices SET last_seen_at = GREATEST(coalesce(last_seen_at, $2), $2), updated_at = now()
     WHERE id = ANY($1::int[])`,
    [deviceIds, at],
  );
}
