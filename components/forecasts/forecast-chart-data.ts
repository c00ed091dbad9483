// Turns a forecast response into what the chart draws: one row per hour (actual, in-sample fit,
// forecast and its band), the alert marks placed on the line at their hour, and the value range.
import type { ForecastAlertMark, ForecastResponse } from "@/lib/dashboards/forecast-view";

const HOUR = 3_600_000;

export interface ForecastChartRow {
  /** Epoch ms of the hour's start. */
  ts: number;
  actual: number | null;
  /** The model's in-sample fit (hours before the forecast starts). */
  fit: number | null;
  /** The forecast proper (from the forecast's first hour on). */
  yhat: number | null;
  band: [number, number] | null;
}

export interface AlertMarkPoint {
  ts: number;
  /** Where the dot sits: the actual hourly mean of its hour, else the model's value there, else the alert's own value. */
  y: number;
  alert: ForecastAlertMark;
}

export interface ForecastChartData {
  rows: ForecastChartRow[];
  marks: AlertMarkPoint[];
  /** Epoch ms of the first forecast hour; null when there is no forecast. */
  forecastStart: number | null;
  xDomain: [number, number];
  /** Largest value drawn without the capacity line. */
  maxValue: number;
  minValue: number;
}

export function buildForecastChartData(view: ForecastResponse): ForecastChartData {
  const byTs = new Map<number, ForecastChartRow>();
  const row = (ts: number) => {
    let r = byTs.get(ts);
    if (!r) byTs.set(ts, (r = { ts, actual: null, fit: null, yhat: null, band: null }));
    return r;
  };
  const forecast = view.forecast;
  forecast?.points.forEach((p, i) => {
    const r = row(Date.parse(p.ts));
    if (i < forecast.firstForecastIndex) {
      r.fit = p.yhat;
    } else {
      r.yhat = p.yhat;
      r.band = [p.lower, p.upper];
    }
  });
  for (const a of view.actual) row(Date.parse(a.ts)).actual = a.value;
  const rows = [...byTs.values()].sort((a, b) => a.ts - b.ts);

  const marks: AlertMarkPoint[] = [];
  for (const alert of view.alerts) {
    const ts = Date.parse(alert.ts);
    const hour = byTs.get(Math.floor(ts / HOUR) * HOUR);
    const y = hour?.actual ?? hour?.fit ?? hour?.yhat ?? alert.value;
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    marks.push({ ts, y, alert });
  }

  const values: number[] = [];
  for (const r of rows) {
    if (r.actual !== null) values.push(r.actual);
    if (r.fit !== null) values.push(r.fit);
    if (r.yhat !== null) values.push(r.yhat);
    if (r.band) values.push(r.band[0], r.band[1]);
  }
  for (const m of marks) values.push(m.y);
  const finite = values.filter(Number.isFinite);
  const first = rows[0]?.ts ?? 0;
  const last = rows[rows.length - 1]?.ts ?? first + HOUR;
  const start = forecast ? forecast.points[forecast.firstForecastIndex]?.ts : undefined;

  return {
    rows,
    marks,
    forecastStart: start ? Date.parse(start) : null,
    xDomain: [first, Math.max(last, first + HOUR)],
    maxValue: finite.length > 0 ? Math.max(...finite) : 1,
    minValue: finite.length > 0 ? Math.min(...finite) : 0,
  };
}

/** A y range holding every value (and the capacity when shown), from 0 for non-negative data, padded above. */
export function forecastYDomain(data: ForecastChartData, capacity: number | null, hardMax?: number): [number, number] {
  const top = Math.max(data.maxValue, capacity ?? Number.NEGATIVE_INFINITY);
  const bottom = data.minValue >= 0 ? 0 : data.minValue;
  const span = top - bottom || Math.abs(top) || 1;
  let upper = top + span * 0.08;
  if (hardMax !== undefined && top <= hardMax) upper = Math.min(hardMax, upper);
  return [bottom, upper];
}

/** Local midnights within [from, to], for day ticks. */
export function dayTicks(from: number, to: number): number[] {
  const ticks: number[] = [];
  const d = new Date(from);
  d.setHours(0, 0, 0, 0);
  if (d.getTime() < from) d.setDate(d.getDate() + 1);
  while (d.getTime() <= to) {
    ticks.push(d.getTime());
    d.setDate(d.getDate() + 1);
  }
  return ticks;
}
