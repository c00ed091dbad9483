// Storage with a lifecycle on a real Postgres: day partitions are created ahead of the clock, a day
// past the retention goes as a whole partition (audited) while recent minutes stay, rows the DEFAULT
// partition holds are moved into their new partitions or expired, the hourly aggregates equal the
// minutes they summarise however often a batch is stored, and the device page's long ranges read the
// aggregates (so they still show days whose minutes are gone). The event log keeps EVENT_RETENTION_DAYS.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DeviceDetailResponse } from "../../lib/dashboards/device-detail";
import { emptyMetricValues, METRIC_INFO, METRICS, type MetricSample } from "../../lib/telemetry/metrics";
import { makeDevice, makeUser } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { GET } = await import("../../app/api/devices/[id]/route");
const { insertSamples, storeTelemetryOnce } = await import("../../lib/db/sample-queries");
const { hourlyMetricMeans } = await import("../../lib/db/hourly-sample-queries");
const { maintainPartitions, PARTITIONED_TABLES, partitionName } = await import("../../lib/db/partition-queries");
const { PartitionMaintainer } = await import("../../workers/partition-maintainer");
const { createLogger } = await import("../../lib/log");
const { pool } = await import("../../lib/db/pool");
const { pruneEvents, oldestEventId } = await import("../../lib/db/event-queries");

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-12-07T10:30:00.000Z");
const RAW_DAYS = 35;
const samplesSpec = PARTITIONED_TABLES.find((t) => t.table === "metric_samples")!;
const dayName = (t: number) => partitionName(samplesSpec, new Date(Math.floor(t / DAY) * DAY));

let t: TestDatabase;
let viewer: number;

beforeAll(async () => {
  t = await createTestDatabase();
  viewer = (await makeUser(t.prisma, "viewer")).id;
});

afterAll(async () => {
  await t?.drop();
});

/** `count` minutes of one device from `start`, CPU = f(i), bandwidth constant, every fifth minute without CPU. */
function minutes(deviceId: number, start: number, count: number, cpu: (i: number) => number): MetricSample[] {
  return Array.from({ length: count }, (_, i) => ({
    deviceId,
    ts: new Date(start + i * MINUTE),
    values: { ...emptyMetricValues(), cpuPct: i % 5 === 4 ? null : cpu(i), bandwidthInBps: 2e8 },
  }));
}

/** Where each of a device's minutes is stored: partition name → rows. */
async function placement(deviceId: number): Promise<Record<string, number>> {
  const res = await pool().query<{ part: string; n: number }>(
    "SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM metric_samples WHERE device_id = $1 GROUP BY 1",
    [deviceId],
  );
  return Object.fromEntries(res.rows.map((r) => [r.part, r.n]));
}

/** The hourly rows of a device next to the same aggregates computed from its stored minutes. */
async function hourlyVersusMinutes(deviceId: number) {
  const cols = METRICS.map((m) => METRIC_INFO[m].column);
  const agg = (prefix: string) => cols.map((c) => `${prefix}${c}_count AS ${c}_count, ${prefix}${c}_sum AS ${c}_sum, ${prefix}${c}_min AS ${c}_min, ${prefix}${c}_max AS ${c}_max`).join(", ");
  const stored = await pool().query(`SELECT hour, ${agg("")} FROM metric_samples_hourly WHERE device_id = $1 ORDER BY hour`, [deviceId]);
  const fromMinutes = await pool().query(
    `SELECT date_trunc('hour', ts, 'UTC') AS hour, ${cols.map((c) => `count(${c})::int AS ${c}_count, sum(${c}) AS ${c}_sum, min(${c}) AS ${c}_min, max(${c}) AS ${c}_max`).join(", ")}
     FROM metric_samples WHERE device_id = $1 GROUP BY 1 ORDER BY 1`,
    [deviceId],
  );
  return { stored: stored.rows, fromMinutes: fromMinutes.rows };
}

describe("time partitions and retention", () => {
  it("creates partitions ahead, drops a day past the retention as a whole, keeps recent minutes and moves or expires what the DEFAULT partition holds", async () => {
    const device = await makeDevice(t.prisma, "edge-lifecycle-1");
    const earlier = NOW - 10 * DAY;
    const first = await maintainPartitions(pool(), samplesSpec, new Date(earlier), RAW_DAYS);
    // the days ahead of the clock exist before any telemetry for them arrives
    expect(first.created.slice(-4)).toEqual([0, 1, 2, 3].map((d) => dayName(earlier + d * DAY)));
    expect(first.created[0]).toBe(dayName(earlier - RAW_DAYS * DAY));
    expect(first.dropped).toEqual([]);

    const oldDay = Date.UTC(2026, 9, 28, 12); // 40 days before NOW: past the retention at NOW, not at `earlier`
    const tooOld = NOW - 50 * DAY; // before any partition: lands in the DEFAULT partition
    const recent = NOW - HOUR; // after the days created ahead of `earlier`: DEFAULT partition too
    await insertSamples(pool(), [
      ...minutes(device.id, oldDay, 120, (i) => 10 + i),
      ...minutes(device.id, recent, 30, () => 50),
      ...minutes(device.id, tooOld, 10, () => 70),
    ]);
    expect(await placement(device.id)).toEqual({ [dayName(oldDay)]: 120, metric_samples_default: 40 });

    // a worker's maintainer an hour after NOW's maintenance would have run: drops, moves, expires, audits
    const maintainer = new PartitionMaintainer({
      pool: pool(),
      prisma: t.prisma,
      clock: { now: () => NOW, sleep: async () => undefined },
      log: createLogger("test", { level: "error" }),
      retentionDays: { raw: RAW_DAYS, hourly: 400 },
    });
    const done = await maintainer.runOnce();
    const samples = done.find((r) => r.table === "metric_samples")!;
    expect(samples.dropped).toContain(dayName(oldDay));
    expect(samples.dropped).not.toContain(dayName(NOW - 30 * DAY));
    expect(samples.created.slice(-4)).toEqual([0, 1, 2, 3].map((d) => dayName(NOW + d * DAY)));
    expect(samples.moved).toBe(30);
    expect(samples.expired).toBe(10);
    expect(await placement(device.id)).toEqual({ [dayName(recent)]: 30 });

    const audit = await t.prisma.auditLog.findMany({ where: { action: "partition.drop", entityId: dayName(oldDay) } });
    expect(audit).toHaveLength(1);
    const left = await pool().query("SELECT 1 FROM pg_class WHERE relname = $1", [dayName(oldDay)]);
    expect(left.rowCount).toBe(0);

    // the next pass has nothing to do
    const again = (await maintainer.runOnce()).find((r) => r.table === "metric_samples")!;
    expect(again).toMatchObject({ created: [], dropped: [], moved: 0, expired: 0 });

    // the minutes of the dropped day live on as hourly aggregates (kept 400 days), and charts over a
    // year read them: the old day's bin is the mean of its minutes' CPU although no minute of it is left
    const hours = await hourlyMetricMeans(pool(), [device.id], ["cpuPct"], new Date(oldDay), new Date(oldDay + 2 * HOUR));
    const cpuOf = (from: number, to: number) => {
      const xs = Array.from({ length: to - from }, (_, k) => from + k).filter((i) => i % 5 !== 4).map((i) => 10 + i);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(hours.get(device.id)!.get("cpuPct")!.map((p) => [p.ts.getTime(), p.value])).toEqual([
      [oldDay, cpuOf(0, 60)],
      [oldDay + HOUR, cpuOf(60, 120)],
    ]);

    session.userId = viewer;
    const res = await GET(new Request(`http://localhost:3000/api/devices/${device.id}?range=1y`, { headers: { host: "localhost:3000" } }), {
      params: Promise.resolve({ id: String(device.id) }),
    });
    expect(res.status).toBe(200);
    const { series } = (await res.json()) as DeviceDetailResponse;
    expect(series.binMinutes % 60).toBe(0);
    const cpu = series.metrics.find((m) => m.metric === "cpuPct")!;
    const points = series.timestamps.map((ts, i) => [Date.parse(ts), cpu.values[i]] as const).filter(([, v]) => v !== null);
    // three bins with data: the dropped day's, the expired minutes' (the aggregates outlive them too) and the recent one
    expect(points).toHaveLength(3);
    expect(points.find(([ts]) => ts <= oldDay && oldDay < ts + series.binMinutes * MINUTE)?.[1]).toBeCloseTo(cpuOf(0, 120), 9);
    expect(points.at(-1)?.[1]).toBe(50);
  });
});

describe("hourly aggregates", () => {
  it("equal the minutes they summarise, and storing a batch again (or rewriting a minute) never counts a minute twice", async () => {
    const device = await makeDevice(t.prisma, "core-hourly-1");
    await maintainPartitions(pool(), samplesSpec, new Date(NOW), RAW_DAYS);
    const start = NOW - 3 * HOUR - 17 * MINUTE; // two hours of minutes over three clock hours
    const batch = minutes(device.id, start, 120, (i) => (i * 37) % 91);
    const store = (key: string, samples: readonly MetricSample[]) => storeTelemetryOnce(pool(), key, { samples, flows: [], syslog: [] }, 30_000);

    expect(await store("flush-1", batch)).toEqual({ applied: true, stored: 120 });
    const once = await hourlyVersusMinutes(device.id);
    expect(once.stored).toHaveLength(3);
    expect(once.stored).toEqual(once.fromMinutes);
    expect(once.stored.map((h) => h.cpu_pct_count)).toEqual([38, 48, 10]);
    expect(once.stored.map((h) => h.bandwidth_in_bps_count)).toEqual([47, 60, 13]);

    // the same flush retried: its key is taken, nothing is added
    expect(await store("flush-1", batch)).toEqual({ applied: false, stored: 0 });
    // the same minutes stored again under another key (a batch redelivered after its worker died)
    expect(await store("flush-2", batch)).toEqual({ applied: true, stored: 120 });
    const twice = await hourlyVersusMinutes(device.id);
    expect(twice.stored).toEqual(once.stored);

    // a late source fills a metric of a stored minute and lowers another's CPU below the hour's minimum
    const late: MetricSample[] = [
      { deviceId: device.id, ts: new Date(start + 4 * MINUTE), values: { ...emptyMetricValues(), cpuPct: -5 } },
      { deviceId: device.id, ts: new Date(start + 50 * MINUTE), values: { ...emptyMetricValues(), memoryPct: 41 } },
    ];
    await store("flush-3", late);
    const rewritten = await hourlyVersusMinutes(device.id);
    expect(rewritten.stored).toEqual(rewritten.fromMinutes);
    expect(rewritten.stored[0]).toMatchObject({ cpu_pct_count: 39, cpu_pct_min: -5, memory_pct_count: 0 });
    expect(rewritten.stored[1]).toMatchObject({ cpu_pct_count: 48, memory_pct_count: 1, memory_pct_max: 41 });

    // the week chart (hour bins, from the aggregates) shows exactly the mean of each hour's minutes
    session.userId = viewer;
    const res = await GET(new Request(`http://localhost:3000/api/devices/${device.id}?range=7d`, { headers: { host: "localhost:3000" } }), {
      params: Promise.resolve({ id: String(device.id) }),
    });
    const { series } = (await res.json()) as DeviceDetailResponse;
    expect(series.binMinutes).toBe(60);
    const cpu = series.metrics.find((m) => m.metric === "cpuPct")!;
    const shown = series.timestamps.map((ts, i) => [Date.parse(ts), cpu.values[i]]).filter(([, v]) => v !== null);
    expect(shown).toEqual(rewritten.fromMinutes.map((h) => [h.hour.getTime(), h.cpu_pct_sum / h.cpu_pct_count]));
  });
});

describe("event log retention", () => {
  it("deletes, in batches, every event up to the newest one past the retention, so the kept log stays one unbroken run of ids", async () => {
    const retentionMs = 2 * DAY;
    // 12,000 events past the retention (more than two delete batches), then 50 recent ones; one event
    // whose transaction started before the cutoff committed among the recent ones (ids and times differ in order)
    const { rows } = await pool().query<{ first: string }>(
      `INSERT INTO events (type, payload, created_at)
       SELECT 'device.status', '{}'::jsonb, $1::timestamptz + make_interval(secs => g) FROM generate_series(1, 12000) g
       RETURNING id::text AS first`,
      [new Date(NOW - 5 * DAY)],
    );
    const first = BigInt(rows[0]!.first);
    await pool().query(
      `INSERT INTO events (type, payload, created_at)
       SELECT 'device.status', '{}'::jsonb, CASE WHEN g = 20 THEN $1::timestamptz - interval '1 hour' ELSE $1::timestamptz + make_interval(secs => g) END
       FROM generate_series(1, 50) g`,
      [new Date(NOW - retentionMs)],
    );
    expect(await pruneEvents(t.prisma, new Date(NOW), retentionMs)).toBe(12_000 + 20);
    const kept = await pool().query<{ n: number; lo: string; hi: string }>("SELECT count(*)::int AS n, min(id)::text AS lo, max(id)::text AS hi FROM events");
    expect(kept.rows[0]!.n).toBe(30);
    expect(BigInt(kept.rows[0]!.lo)).toBe(first + 12_020n);
    expect(BigInt(kept.rows[0]!.hi) - BigInt(kept.rows[0]!.lo)).toBe(29n);
    expect(await oldestEventId(t.prisma)).toBe(first + 12_020n);
    expect(await pruneEvents(t.prisma, new Date(NOW), retentionMs)).toBe(0);
  });
});
