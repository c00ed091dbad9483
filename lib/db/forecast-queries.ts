// The newest forecast per device and metric, for the Forecasts dashboard; the worker replaces it at
// every refit.
import type { Prisma } from "@prisma/client";
import type { ForecastPoint, MetricForecast } from "../detect/models/metric-forecast";
import type { DbClient } from "./client";

/** History fit kept before the horizon: enough for the chart to show the last week against its fit. */
const FIT_HOURS_KEPT = 7 * 24;

export interface StoredForecast {
  deviceId: number;
  metric: string;
  method: string;
  generatedAt: Date;
  points: ForecastPoint[];
  /** Index of the first true forecast point in `points`. */
  firstForecastIndex: number;
  capacity: number | null;
  capacityEta: Date | null;
}

export async function saveForecast(
  db: DbClient,
  args: { deviceId: number; metric: string; generatedAt: Date; forecast: MetricForecast; capacity?: number },
): Promise<void> {
  const { forecast } = args;
  const start = Math.max(0, forecast.firstForecastIndex - FIT_HOURS_KEPT);
  const points = forecast.points.slice(start).map((p) => ({ ts: p.ts.toISOString(), yhat: p.yhat, lower: p.lower, upper: p.upper }));
  const data = {
    method: forecast.method,
    generatedAt: args.generatedAt,
    points: { firstForecastIndex: forecast.firstForecastIndex - start, points } as unknown as Prisma.InputJsonValue,
    capacity: args.capacity ?? null,
    capacityEta: forecast.capacityEta,
  };
  await db.forecast.upsert({
    where: { deviceId_metric: { deviceId: args.deviceId, metric: args.metric } },
    create: { deviceId: args.deviceId, metric: args.metric, ...data },
    update: data,
  });
}

export async function getForecast(db: DbClient, deviceId: number, metric: string): Promise<StoredForecast | null> {
  const row = await db.forecast.findUnique({ where: { deviceId_metric: { deviceId, metric } } });
  if (!row) return null;
  const stored = row.points as unknown as { firstForecastIndex: number; points: { ts: string; yhat: number; lower: number; upper: number }[] };
  return {
    deviceId: row.deviceId,
    metric: row.metric,
    method: row.method,
    generatedAt: row.generatedAt,
    points: stored.points.map((p) => ({ ...p, ts: new Date(p.ts) })),
    firstForecastIndex: stored.firstForecastIndex,
    capacity: row.capacity,
    capacityEta: row.capacityEta,
  };
}
