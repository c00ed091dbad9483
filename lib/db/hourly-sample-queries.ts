// Hourly aggregates of the minute samples (metric_samples_hourly): per device-hour and metric, how many
// minutes had a value, their sum, min and max. insertSamples keeps them in step in the same statement
// as the minutes it writes; charts over long ranges and the forecasts read them instead of the minutes
// (which are kept RETENTION_RAW_DAYS, the aggregates RETENTION_HOURLY_DAYS).
import type pg from "pg";
import { METRIC_INFO, METRICS, type MetricName } from "../telemetry/metrics";

/** The pool, or one of its connections inside a transaction. */
type Queryable = pg.Pool | pg.PoolClient;

const COLUMNS = METRICS.map((m) => METRIC_INFO[m].column);
const HOUR = "date_trunc('hour', ts, 'UTC')";

const aggregateColumns = COLUMNS.flatMap((c) => [`${c}_count`, `${c}_sum`, `${c}_min`, `${c}_max`]).join(", ");
const aggregatesOf = COLUMNS.map((c) => `count(${c}), sum(${c}), min(${c}), max(${c})`).join(", ");

/**
 * SQL of one statement that upserts the minutes in `input` (a CTE with device_id, ts and the metric
 * columns) and adds the minutes that did not exist before to their hours' aggregates. It returns the
 * (device_id, hour) pairs whose existing minutes were rewritten: their aggregates cannot be adjusted
 * by adding (a rewritten value may have been the minimum), so `recomputeHours` rebuilds them.
 * "Did not exist before" is judged on the statement's snapshot; the worker is the only writer of a
 * device's minutes, one batch at a time, so no other transaction adds the same minute meanwhile.
 */
export function upsertMinutesAndHoursSql(input: string): string {
  const merge = COLUMNS.map((c) =>
    [
      `${c}_count = h.${c}_count + EXCLUDED.${c}_count`,
      `${c}_sum = coalesce(h.${c}_sum + EXCLUDED.${c}_sum, h.${c}_sum, EXCLUDED.${c}_sum)`,
      `${c}_min = least(h.${c}_min, EXCLUDED.${c}_min)`,
      `${c}_max = greatest(h.${c}_max, EXCLUDED.${c}_max)`,
    ].join(", "),
  ).join(",\n       ");
  return `WITH input AS (${input}),
     prior AS (SELECT s.device_id, s.ts FROM metric_samples s JOIN input i ON s.device_id = i.device_id AND s.ts = i.ts),
     written AS (
       INSERT INTO metric_samples (device_id, ts, ${COLUMNS.join(", ")})
       SELECT device_id, ts, ${COLUMNS.join(", ")} FROM input
       ON CONFLICT (device_id, ts) DO UPDATE SET
       ${COLUMNS.map((c) => `${c} = coalesce(EXCLUDED.${c}, metric_samples.${c})`).join(", ")}
       RETURNING *
     ),
     added AS (
       INSERT INTO metric_samples_hourly AS h (device_id, hour, ${aggregateColumns})
       SELECT device_id, ${HOUR}, ${aggregatesOf}
       FROM written w WHERE NOT EXISTS (SELECT 1 FROM prior p WHERE p.device_id = w.device_id AND p.ts = w.ts)
       GROUP BY 1, 2
       ON CONFLICT (device_id, hour) DO UPDATE SET
       ${merge}
     )
     SELECT (SELECT count(*) FROM written)::int AS written,
       coalesce((SELECT array_agg(DISTINCT p.device_id || '@' || extract(epoch FROM date_trunc('hour', p.ts, 'UTC'))::bigint) FROM prior p), '{}') AS rewritten`;
}

/** Rebuilds the aggregates of some device-hours from their minutes (after minutes in them were rewritten). */
export async function recomputeHours(db: Queryable, hours: readonly { deviceId: number; hour: Date }[]): Promise<void> {
  if (hours.length === 0) return;
  const replace = COLUMNS.flatMap((c) => ["count", "sum", "min", "max"].map((k) => `${c}_${k} = EXCLUDED.${c}_${k}`)).join(", ");
  await db.query(
    `INSERT INTO metric_samples_hourly (device_id, hour, ${aggregateColumns})
     SELECT s.device_id, h.hour, ${COLUMNS.map((c) => `count(s.${c}), sum(s.${c}), min(s.${c}), max(s.${c})`).join(", ")}
     FROM unnest($1::int[], $2::timestamptz[]) AS h(device_id, hour)
     JOIN metric_samples s ON s.device_id = h.device_id AND s.ts >= h.hour AND s.ts < h.hour + interval '1 hour'
     GROUP BY 1, 2
     ON CONFLICT (device_id, hour) DO UPDATE SET ${replace}`,
    [hours.map((h) => h.deviceId), hours.map((h) => h.hour.toISOString())],
  );
}

/** Parses the `rewritten` keys of upsertMinutesAndHoursSql ("deviceId@epochSeconds"). */
export function parseRewrittenHours(keys: readonly string[]): { deviceId: number; hour: Date }[] {
  return keys.map((k) => {
    const [device, epoch] = k.split("@");
    return { deviceId: Number(device), hour: new Date(Number(epoch) * 1000) };
  });
}

/** Hourly means of some metrics for some devices over [from, to) (whole hours): device → metric → points, oldest first. */
export async function hourlyMetricMeans(
  pool: pg.Pool,
  deviceIds: readonly number[],
  metrics: readonly MetricName[],
  from: Date,
  to: Date,
): Promise<Map<number, Map<MetricName, { ts: Date; value: number }[]>>> {
  const out = new Map<number, Map<MetricName, { ts: Date; value: number }[]>>();
  if (deviceIds.length === 0 || metrics.length === 0) return out;
  const columns = metrics.map((m, i) => `${METRIC_INFO[m].column}_sum / nullif(${METRIC_INFO[m].column}_count, 0) AS m${i}`).join(", ");
  const res = await pool.query<Record<string, unknown> & { device_id: number; hour: Date }>(
    `SELECT device_id, hour, ${columns} FROM metric_samples_hourly
     WHERE device_id = ANY($1) AND hour >= $2 AND hour < $3 ORDER BY 1, 2`,
    [deviceIds, from, to],
  );
  for (const row of res.rows) {
    let byMetric = out.get(row.device_id);
    if (!byMetric) out.set(row.device_id, (byMetric = new Map()));
    metrics.forEach((m, i) => {
      const v = row[`m${i}`];
      if (v === null || v === undefined) return;
      let points = byMetric.get(m);
      if (!points) byMetric.set(m, (points = []));
      points.push({ ts: row.hour, value: Number(v) });
    });
  }
  return out;
}

/**
 * One device's metric means over [from, to) in bins of `binMinutes` (a whole number of hours, bins
 * aligned to the epoch) from the hourly aggregates: the mean of all minutes in the bin, as averaging
 * the minutes themselves would give.
 */
export async function binnedMeansFromHours(
  pool: pg.Pool,
  deviceId: number,
  from: Date,
  to: Date,
  binMinutes: number,
): Promise<(Record<string, number | null> & { bin: Date })[]> {
  const means = COLUMNS.map((c, i) => `sum(${c}_sum) / nullif(sum(${c}_count), 0) AS m${i}`).join(", ");
  const res = await pool.query<Record<string, number | null> & { bin: Date }>(
    `SELECT date_bin(make_interval(mins => $4::int), hour, TIMESTAMPTZ 'epoch') AS bin, ${means}
     FROM metric_samples_hourly WHERE device_id = $1 AND hour >= $2 AND hour < $3 GROUP BY 1 ORDER BY 1`,
    [deviceId, from, to, binMinutes],
  );
  return res.rows;
}

/** The start of the newest hour holding any of the device's minutes, or null (its minutes may be past retention). */
export async function latestHour(pool: pg.Pool, deviceId: number): Promise<Date | null> {
  const res = await pool.query<{ latest: Date | null }>("SELECT max(hour) AS latest FROM metric_samples_hourly WHERE device_id = $1", [deviceId]);
  return res.rows[0]?.latest ?? null;
}
