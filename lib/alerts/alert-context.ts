// The metric around an alert, for the detail chart: what was observed minute by minute, the band the
// baseline expected for each hour of the week (p5–p95), the forecast interval where one was stored,
// and when the alert fired. Pure: the query module gathers rows, this lines them up.
import type { Baseline } from "@prisma/client";
import { hourOfWeek } from "../detect/baseline/hour-of-week";

export interface AlertContextPoint {
  /** ms since the epoch (data time) */
  t: number;
  observed: number | null;
  bandLow: number | null;
  bandHigh: number | null;
  forecastLow: number | null;
  forecastHigh: number | null;
}

export interface AlertContextView {
  metric: string | null;
  /** When the alert's telemetry was observed (ms, data time): the marked point. */
  alertAt: number;
  from: number;
  to: number;
  points: AlertContextPoint[];
  hasBand: boolean;
  hasForecast: boolean;
}

export const CONTEXT_BEFORE_MS = 3 * 3_600_000;
export const CONTEXT_AFTER_MS = 1 * 3_600_000;

/** A baseline row's expected band: p5–p95 where stored, else mean ± 2 std. */
export function baselineBand(row: Pick<Baseline, "p05" | "p95" | "mean" | "std">): { low: number; high: number } {
  const low = row.p05 ?? Math.max(0, row.mean - 2 * row.std);
  return { low, high: row.p95 };
}

export function buildAlertContext(args: {
  metric: string | null;
  alertAt: Date;
  samples: readonly { ts: Date; value: number | null }[];
  baselines: readonly Baseline[];
  forecast: readonly { ts: Date; lower: number; upper: number }[];
}): AlertContextView {
  const alertAt = args.alertAt.getTime();
  const from = alertAt - CONTEXT_BEFORE_MS;
  const to = alertAt + CONTEXT_AFTER_MS;
  const byHour = new Map(args.baselines.map((b) => [b.hourOfWeek, baselineBand(b)]));
  // Forecast points are hourly; each minute takes the interval of the hour it falls in.
  const forecastByHour = new Map(args.forecast.map((f) => [Math.floor(f.ts.getTime() / 3_600_000), f]));
  const points: AlertContextPoint[] = [];
  for (const s of args.samples) {
    const t = s.ts.getTime();
    if (t < from || t > to) continue;
    const band = byHour.get(hourOfWeek(s.ts));
    const f = forecastByHour.get(Math.floor(t / 3_600_000));
    points.push({
      t,
      observed: s.value,
      bandLow: band?.low ?? null,
      bandHigh: band?.high ?? null,
      forecastLow: f?.lower ?? null,
      forecastHigh: f?.upper ?? null,
    });
  }
  return {
    metric: args.metric,
    alertAt,
    from,
    to,
    points,
    hasBand: points.some((p) => p.bandLow !== null),
    hasForecast: points.some((p) => p.forecastLow !== null),
  };
}
