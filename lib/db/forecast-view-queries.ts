// The Forecasts dashboard's reads: a stored forecast with what actually happened over its span (hourly
// means from the samples) and the alerts on that device and metric, and which device-metrics have one.
import type pg from "pg";
import { alertTypeTitle } from "../alerts/alert-type";
import {
  FORECAST_LEVEL,
  type ForecastAlertMark,
  type ForecastMetricView,
  type ForecastOptionsResponse,
  type ForecastResponse,
} from "../dashboards/forecast-view";
import { METRIC_INFO, METRICS, type MetricName } from "../telemetry/metrics";
import type { DbClient } from "./client";
import { getForecast } from "./forecast-queries";
import { hourlyMetricMeans } from "./hourly-sample-queries";

const HOUR = 3_600_000;
/** Alerts marked on one chart at most (two weeks of one device-metric never come near it). */
const MAX_ALERT_MARKS = 500;

function metricView(metric: MetricName): ForecastMetricView {
  return { metric, label: METRIC_INFO[metric].label, unit: METRIC_INFO[metric].unit };
}

/** Null when the device does not exist; `forecast: null` when it has none for the metric yet. */
export async function getForecastView(
  db: DbClient,
  pool: pg.Pool,
  deviceId: number,
  metric: MetricName,
): Promise<ForecastResponse | null> {
  const device = await db.device.findUnique({ where: { id: deviceId }, select: { id: true, name: true, role: true, site: true } });
  if (!device) return null;
  const stored = await getForecast(db, deviceId, metric);
  const first = stored?.points[0];
  const last = stored?.points[stored.points.length - 1];
  if (!stored || !first || !last) return { device, metric: metricView(metric), forecast: null, actual: [], alerts: [] };

  // The span the chart covers: the kept in-sample week and the horizon. Hours not reached yet have no
  // samples, so the actual line stops at the newest data.
  const from = first.ts;
  const to = new Date(last.ts.getTime() + HOUR);
  const [means, alerts] = await Promise.all([
    hourlyMetricMeans(pool, [deviceId], [metric], from, to),
    db.alert.findMany({
      where: { deviceId, metric, observedAt: { gte: from, lt: to } },
      orderBy: [{ observedAt: "asc" }, { id: "asc" }],
      take: MAX_ALERT_MARKS,
      select: { id: true, observedAt: true, severity: true, alertType: true, status: true, observed: true },
    }),
  ]);

  return {
    device,
    metric: metricView(metric),
    forecast: {
      method: stored.method,
      generatedAt: stored.generatedAt.toISOString(),
      level: FORECAST_LEVEL,
      points: stored.points.map((p) => ({ ts: p.ts.toISOString(), yhat: p.yhat, lower: p.lower, upper: p.upper })),
      firstForecastIndex: stored.firstForecastIndex,
      capacity: stored.capacity,
      capacityEta: stored.capacityEta?.toISOString() ?? null,
    },
    actual: (means.get(deviceId)?.get(metric) ?? []).map((p) => ({ ts: p.ts.toISOString(), value: p.value })),
    alerts: alerts.map(
      (a): ForecastAlertMark => ({
        id: a.id,
        ts: a.observedAt.toISOString(),
        severity: a.severity,
        type: a.alertType,
        title: alertTypeTitle(a.alertType),
        status: a.status,
        value: observedValue(a.observed),
      }),
    ),
  };
}

function observedValue(observed: unknown): number | null {
  const value = (observed as { value?: unknown } | null)?.value;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Every device with a forecast (by name) and the metrics it has one for. */
export async function listForecastOptions(db: DbClient): Promise<ForecastOptionsResponse> {
  const rows = await db.forecast.findMany({
    select: { metric: true, device: { select: { id: true, name: true, role: true, site: true } } },
  });
  const order = (m: string) => {
    const i = (METRICS as readonly string[]).indexOf(m);
    return i < 0 ? METRICS.length : i;
  };
  const byDevice = new Map<number, ForecastOptionsResponse["devices"][number]>();
  const metrics = new Set<MetricName>();
  for (const row of rows) {
    if (!(METRICS as readonly string[]).includes(row.metric)) continue;
    metrics.add(row.metric as MetricName);
    let entry = byDevice.get(row.device.id);
    if (!entry) byDevice.set(row.device.id, (entry = { ...row.device, metrics: [] }));
    entry.metrics.push(row.metric);
  }
  const devices = [...byDevice.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
  for (const d of devices) d.metrics.sort((a, b) => order(a) - order(b));
  return {
    devices,
    metrics: [...metrics].sort((a, b) => order(a) - order(b)).map(metricView),
  };
}
