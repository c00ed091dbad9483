// Seeds a database at the scale the dashboards must hold: 1,000 devices over 20 sites and 1,000,000
// alerts over 90 days (mostly resolved, with open, acknowledged and suppressed ones, every alert type
// and detector the worker raises), analysts' verdicts on 3% of them, campaigns and maintenance windows.
// Rows are generated inside Postgres (generate_series), which takes about a minute instead of the
// hour a million client-side inserts would. Usage (against an existing, migrated database):
//   DATABASE_URL=postgres://… node --import tsx scripts/seed-scale.ts [--alerts 1000000] [--devices 1000]
// The scale benchmark (scripts/bench-scale.ts) calls seedScale itself on a throwaway embedded Postgres.
import { parseArgs } from "node:util";
import pg from "pg";
import { ALL_DETECTORS, type DetectorId } from "@/lib/detect/registry";
import type { MetricName } from "@/lib/telemetry/metrics";

export interface ScaleSeedOptions {
  devices: number;
  alerts: number;
  /** The newest alert's time; the rest spread over the 90 days before it. */
  now: Date;
  /** Users whose verdicts are seeded (ids). */
  judgeIds: number[];
}

const SITES = 20;
const ROLES = ["core-router", "edge-router", "access-switch", "firewall", "server", "load-balancer"];
/** Registered but never raised by the worker: the evaluation's reference. */
const NOT_RAISED: ReadonlySet<DetectorId> = new Set<DetectorId>(["static-threshold"]);
/** Anomaly types about one metric, which the seeded alert names (the others leave it null). */
const METRIC_SHAPED: ReadonlySet<string> = new Set(["metric_spike", "metric_drop", "multivariate_outlier", "forecast_deviation"]);
const SEEDED_METRICS: readonly MetricName[] = ["bandwidthInBps", "cpuPct", "packetsPerSec", "latencyMs", "connectionsPerSec", "bandwidthOutBps"];
// [alert_type, detector, anomaly_type, metric or null]: every anomaly type of every detector the worker raises,
// from the registry (the alert type is the anomaly type, as before alertTypeOf relabels metric-shaped ones)
const KINDS: [string, string, string, string | null][] = ALL_DETECTORS.filter((d) => !NOT_RAISED.has(d.id as DetectorId))
  .flatMap((d) => d.alertTypes.map((type) => ({ detector: d.id, type })))
  .map(({ detector, type }, i) => [type, detector, type, METRIC_SHAPED.has(type) ? SEEDED_METRICS[i % SEEDED_METRICS.length]! : null]);

export async function seedScale(pool: pg.Pool, opts: ScaleSeedOptions): Promise<{ devices: number; alerts: number; feedback: number; ms: number }> {
  const t0 = performance.now();
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO devices (name, management_ip, role, site, tags, status, discovered_via, capacity_bps, last_seen_at, created_at, updated_at)
       SELECT format('%s-%s-%s', split_part(($3::text[])[1 + (g % array_length($3::text[], 1))], '-', 1), 'site' || lpad((g % $2)::text, 2, '0'), g),
              format('10.%s.%s.%s', g / 65536, (g / 256) % 256, g % 256),
              ($3::text[])[1 + (g % array_length($3::text[], 1))],
              'site' || lpad((g % $2)::text, 2, '0'),
              ARRAY['scale'], 'active', 'seed', 1e9, $4::timestamptz, now(), now()
       FROM generate_series(1, $1) g`,
      [opts.devices, SITES, ROLES, opts.now],
    );
    const { rows: ids } = await client.query<{ min: number; max: number }>("SELECT min(id) AS min, max(id) AS max FROM devices WHERE 'scale' = ANY(tags)");
    const minId = ids[0]!.min;
    const span = ids[0]!.max - minId + 1;
    const kinds = KINDS.map((k) => k.join("|"));
    // created_at runs back from `now` by g/N of 90 days, with jitter; statuses by age: most old alerts
    // were resolved, the newest are open or acknowledged; 5% suppressed throughout.
    await client.query(
      `INSERT INTO alerts (device_id, detector, anomaly_type, severity, score, status, metric, observed_at, observed, expected,
                           explanation, alert_type, dedup_key, occurrences, last_seen_at, created_at, updated_at,
                           acknowledged_at, resolved_at)
       SELECT $2 + (hashint % $3),
              split_part(kind, '|', 2), split_part(kind, '|', 3),
              (ARRAY['critical','high','medium','low','low','medium','high','medium'])[1 + (hashint % 8)]::"Severity",
              3 + (hashint % 1000) / 100.0,
              (CASE WHEN hashint % 20 = 0 THEN 'suppressed'
                    WHEN age < 0.02 THEN (ARRAY['open','open','acknowledged'])[1 + (hashint % 3)]
                    WHEN age < 0.1 THEN (ARRAY['open','acknowledged','resolved','resolved'])[1 + (hashint % 4)]
                    ELSE 'resolved' END)::"AlertStatus",
              NULLIF(split_part(kind, '|', 4), ''),
              ts - interval '1 minute',
              jsonb_build_object('value', 100 + hashint % 900, 'ts', ts - interval '1 minute'),
              jsonb_build_object('low', 10, 'high', 90, 'mean', 50, 'std', 10, 'median', 50, 'p95', 85, 'p99', 89),
              format('Seeded %s on device %s: %s above the usual range for this hour of the week (z = %s).',
                     split_part(kind, '|', 1), $2 + (hashint % $3), 100 + hashint % 900, round((3 + (hashint % 1000) / 100.0)::numeric, 1)),
              split_part(kind, '|', 1),
              format('scale:%s', g),
              1 + hashint % 4, ts, ts, ts,
              CASE WHEN age >= 0.02 THEN ts + interval '10 minutes' END,
              CASE WHEN age >= 0.1 THEN ts + interval '2 hours' END
       FROM (
         SELECT g, (g::double precision / $1) AS age,
                abs(hashint4(g)) AS hashint,
                ($5::text[])[1 + abs(hashint4(g * 7)) % array_length($5::text[], 1)] AS kind,
                $4::timestamptz - (g::double precision / $1) * interval '90 days' - (abs(hashint4(g * 13)) % 60) * interval '1 second' AS ts
         FROM generate_series(1, $1) g
       ) s`,
      [opts.alerts, minId, span, opts.now, kinds],
    );
    // verdicts on 3% of alerts, mostly agreeing, from each judge
    let feedback = 0;
    for (const [i, userId] of opts.judgeIds.entries()) {
      const res = await client.query(
        `INSERT INTO feedback (alert_id, user_id, verdict, created_at, updated_at)
         SELECT id, $1, (CASE WHEN abs(hashint4(id + $2)) % 10 < 7 THEN 'true_positive' ELSE 'false_positive' END)::"Verdict", created_at + interval '20 minutes', created_at + interval '20 minutes'
         FROM alerts WHERE abs(hashint4(id)) % 100 < 3 AND dedup_key LIKE 'scale:%'`,
        [userId, i],
      );
      feedback += res.rowCount ?? 0;
    }
    await client.query(
      `INSERT INTO maintenance_windows (scope, scope_value, starts_at, ends_at, recurrence, timezone, reason, created_at, updated_at)
       SELECT 'site', 'site' || lpad(g::text, 2, '0'), $1::timestamptz + g * interval '1 day', $1::timestamptz + g * interval '1 day' + interval '2 hours',
              (ARRAY['none','daily','weekly'])[1 + g % 3]::"Recurrence", 'UTC', format('Scale seed window %s', g), now(), now()
       FROM generate_series(0, 29) g`,
      [opts.now],
    );
    await client.query("COMMIT");
    await client.query("ANALYZE");
    return { devices: opts.devices, alerts: opts.alerts, feedback, ms: performance.now() - t0 };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { alerts: { type: "string", default: "1000000" }, devices: { type: "string", default: "1000" } } });
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("Set DATABASE_URL to a migrated Tidewatch database (or run npm run bench:scale, which makes its own).");
    process.exit(2);
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const judges = (await pool.query<{ id: number }>("SELECT id FROM users ORDER BY id LIMIT 3")).rows.map((r) => r.id);
  const result = await seedScale(pool, { devices: Number(values.devices), alerts: Number(values.alerts), now: new Date(), judgeIds: judges });
  console.log(`seeded ${result.devices} devices, ${result.alerts} alerts, ${result.feedback} verdicts in ${(result.ms / 1000).toFixed(1)} s`);
  await pool.end();
}
