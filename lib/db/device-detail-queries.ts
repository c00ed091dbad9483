// The device page's reads (GET /api/devices/:id): the device, its recent metrics averaged into bins in
// SQL, its newest active baselines for one metric, and the maintenance windows that apply to it.
import type pg from "pg";
import { activeMaintenanceWindow, type DeviceScope, type WindowSpec } from "../alerts/maintenance-window";
import { affectedDeviceIds, occurrencesBetween } from "../alerts/maintenance-occurrences";
import type { MaintenanceWindowView } from "../alerts/settings-views";
import {
  SERIES_RANGE_MINUTES,
  seriesBinMinutes,
  type DeviceBaselines,
  type DeviceDetailResponse,
  type DeviceMaintenanceWindow,
  type DeviceSeries,
  type DeviceSeriesRange,
} from "../dashboards/device-detail";
import { METRIC_INFO, METRICS, type MetricName } from "../telemetry/metrics";
import { latestBaselineVersion } from "./baseline-queries";
import type { DbClient } from "./client";
import { listMaintenanceWindows } from "./maintenance-queries";
import { binnedMeansFromHours, latestHour } from "./hourly-sample-queries";
import { latestSampleTime } from "./sample-queries";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The metric the heatmap opens on when the device has a baseline for it. */
const DEFAULT_BASELINE_METRIC: MetricName = "bandwidthInBps";

export interface DeviceDetailOptions {
  range: DeviceSeriesRange;
  /** Heatmap metric; when absent or without a baseline, the default (or the first one that has one). */
  baselineMetric?: MetricName;
  /** Wall clock, for maintenance windows (they are scheduled in real time, unlike the telemetry). */
  now: Date;
}

/** Null when there is no such device. */
export async function getDeviceDetail(
  db: DbClient,
  pool: pg.Pool,
  deviceId: number,
  options: DeviceDetailOptions,
): Promise<DeviceDetailResponse | null> {
  const device = await db.device.findUnique({
    where: { id: deviceId },
    select: { id: true, name: true, role: true, site: true, tags: true, status: true, managementIp: true, capacityBps: true, lastSeenAt: true },
  });
  if (!device) return null;
  const [series, baselines, maintenanceWindows] = await Promise.all([
    readDeviceSeries(pool, deviceId, options.range),
    readDeviceBaselines(db, deviceId, options.baselineMetric),
    deviceMaintenanceWindows(db, device, options.now),
  ]);
  return {
    device: {
      ...device,
      lastSeenAt: device.lastSeenAt?.toISOString() ?? null,
      inMaintenance: maintenanceWindows.some((w) => w.activeNow),
    },
    series,
    baselines,
    maintenanceWindows,
  };
}

/**
 * The device's metrics over `range`, as means of whole bins (at most MAX_SERIES_POINTS per metric).
 * The range ends at the device's newest sample, not at now(): the demo simulator replays a catch-up on
 * a virtual clock, and a device that stopped reporting should still show its last data.
 */
export async function readDeviceSeries(pool: pg.Pool, deviceId: number, range: DeviceSeriesRange): Promise<DeviceSeries> {
  const rangeMinutes = SERIES_RANGE_MINUTES[range];
  const binMinutes = seriesBinMinutes(rangeMinutes);
  // hour-wide bins (ranges of days and more) come from the hourly aggregates, which outlive the minutes
  const fromHours = binMinutes % 60 === 0;
  const newestMinute = await latestSampleTime(pool, [deviceId]);
  const newestHour = !newestMinute && fromHours ? await latestHour(pool, deviceId) : null;
  const newest = newestMinute ?? (newestHour ? new Date(newestHour.getTime() + 59 * MINUTE) : null);
  if (!newest) return { range, binMinutes, newestSampleAt: null, from: null, to: null, timestamps: [], metrics: [] };

  // Bins are aligned to the epoch (so they stay put as new minutes arrive) and the span is whole bins
  // ending with the one that holds the newest minute.
  const binMs = binMinutes * MINUTE;
  const to = new Date(Math.ceil((newest.getTime() + MINUTE) / binMs) * binMs);
  const from = new Date(to.getTime() - Math.ceil(rangeMinutes / binMinutes) * binMs);
  const averages = METRICS.map((m, i) => `avg(${METRIC_INFO[m].column}) AS m${i}`).join(", ");
  const rows = fromHours
    ? await binnedMeansFromHours(pool, deviceId, from, to, binMinutes)
    : (
        await pool.query<Record<string, number | null> & { bin: Date }>(
          `SELECT date_bin(make_interval(mins => $4::int), ts, TIMESTAMPTZ 'epoch') AS bin, ${averages}
           FROM metric_samples WHERE device_id = $1 AND ts >= $2 AND ts < $3 GROUP BY 1 ORDER BY 1`,
          [deviceId, from, to, binMinutes],
        )
      ).rows;
  const metrics = METRICS.flatMap((metric, i) => {
    const values = rows.map((row) => {
      const v = row[`m${i}`];
      return v === null || v === undefined ? null : Number(v);
    });
    if (values.every((v) => v === null)) return [];
    const { label, unit } = METRIC_INFO[metric];
    return [{ metric, label, unit, values }];
  });
  return {
    range,
    binMinutes,
    newestSampleAt: newest.toISOString(),
    from: from.toISOString(),
    to: to.toISOString(),
    timestamps: rows.map((row) => row.bin.toISOString()),
    metrics,
  };
}

/** The active buckets of the device's newest baseline version for one metric (held proposals are not in use, so not shown). */
export async function readDeviceBaselines(db: DbClient, deviceId: number, requested?: MetricName): Promise<DeviceBaselines> {
  const version = await latestBaselineVersion(db, deviceId);
  const none: DeviceBaselines = { metrics: [], metric: null, version: null, trainedAt: null, cells: [] };
  if (version === null) return none;
  const trained = await db.baseline.groupBy({ by: ["metric"], where: { deviceId, version, status: "active" } });
  const available = new Set(trained.map((t) => t.metric));
  const metrics = METRICS.filter((m) => available.has(m));
  const metric =
    requested && available.has(requested) ? requested : available.has(DEFAULT_BASELINE_METRIC) ? DEFAULT_BASELINE_METRIC : metrics[0];
  if (!metric) return { ...none, version };
  const rows = await db.baseline.findMany({
    where: { deviceId, version, status: "active", metric },
    orderBy: { hourOfWeek: "asc" },
    select: { hourOfWeek: true, mean: true, median: true, p05: true, p95: true, sampleCount: true, trainedAt: true },
  });
  return {
    metrics,
    metric,
    version,
    trainedAt: rows[0]?.trainedAt.toISOString() ?? null,
    cells: rows.map((r) => ({ hourOfWeek: r.hourOfWeek, mean: r.mean, median: r.median, p05: r.p05, p95: r.p95, sampleCount: r.sampleCount })),
  };
}

/**
 * Current and upcoming windows that cover the device, each with the occurrence going on now or the next
 * one. "Covers now" is `activeMaintenanceWindow`, the rule the Devices page and the worker use.
 */
export async function deviceMaintenanceWindows(db: DbClient, device: DeviceScope, now: Date): Promise<DeviceMaintenanceWindow[]> {
  const windows = await listMaintenanceWindows(db, { from: now });
  const applying = windows.filter((w) => {
    const covered = affectedDeviceIds(w, [device]);
    return covered === "all" || covered.has(device.id);
  });
  return applying
    .map((w): DeviceMaintenanceWindow => {
      const spec = toWindowSpec(w);
      const activeNow = activeMaintenanceWindow([spec], device, now) !== undefined;
      // A weekly window occurs within 7 days of now or of its first start; a day more covers long occurrences.
      const horizon = new Date(Math.max(now.getTime(), spec.startsAt.getTime()) + 8 * DAY);
      const next = occurrencesBetween(spec, now, horizon)[0];
      return {
        ...w,
        activeNow,
        nextOccurrence: next ? { start: next.start.toISOString(), end: next.end.toISOString() } : null,
      };
    })
    .sort((a, b) => Number(b.activeNow) - Number(a.activeNow) || startOf(a) - startOf(b) || a.id - b.id);
}

function toWindowSpec(w: MaintenanceWindowView): WindowSpec {
  return { ...w, startsAt: new Date(w.startsAt), endsAt: new Date(w.endsAt) };
}

function startOf(w: DeviceMaintenanceWindow): number {
  return w.nextOccurrence ? Date.parse(w.nextOccurrence.start) : Number.POSITIVE_INFINITY;
}
