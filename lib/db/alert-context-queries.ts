// Reads for the alert detail chart: the device's samples of the alert's metric around it, its
// baseline buckets and its stored forecast.
import type pg from "pg";
import { buildAlertContext, CONTEXT_AFTER_MS, CONTEXT_BEFORE_MS, type AlertContextView } from "../alerts/alert-context";
import { isMetricName } from "../telemetry/metrics";
import { latestDeviceMetricBaselines } from "./baseline-queries";
import type { DbClient } from "./client";
import { getForecast } from "./forecast-queries";
import { readSamples } from "./sample-queries";

/** Null when the alert does not exist. Alerts without a single metric (flow threats) get no points. */
export async function getAlertContext(db: DbClient, pool: pg.Pool, alertId: number): Promise<AlertContextView | null> {
  const alert = await db.alert.findUnique({ where: { id: alertId }, select: { deviceId: true, metric: true, observedAt: true } });
  if (!alert) return null;
  const { metric, deviceId, observedAt } = alert;
  if (!metric || !isMetricName(metric)) {
    return buildAlertContext({ metric, alertAt: observedAt, samples: [], baselines: [], forecast: [] });
  }
  const from = new Date(observedAt.getTime() - CONTEXT_BEFORE_MS);
  const to = new Date(observedAt.getTime() + CONTEXT_AFTER_MS + 1);
  const [samples, baselines, forecast] = await Promise.all([
    readSamples(pool, deviceId, from, to),
    latestDeviceMetricBaselines(db, deviceId, metric),
    getForecast(db, deviceId, metric),
  ]);
  return buildAlertContext({
    metric,
    alertAt: observedAt,
    samples: samples.map((s) => ({ ts: s.ts, value: s.values[metric] })),
    baselines,
    forecast: (forecast?.points ?? []).filter((p) => p.ts >= from && p.ts < to),
  });
}
