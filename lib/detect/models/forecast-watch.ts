// Keeps each device's newest forecasts and checks every completed hour against them: the part of
// forecasting the worker and the evaluation harness share (where the hourly means come from differs:
// SQL in the worker, memory in the harness). Only deviations of high severity or worse become
// findings, and only when the hour is also far from the forecast itself (by default 50 % of it): a 95 %
// band is left by chance one hour in twenty, hourly means make bands narrow, and a fleet has thousands
// of series. Forecasts answer capacity questions first; the minute detectors catch sudden attacks.
import type { Detection } from "@/lib/detect/detector";
import type { Severity } from "@/lib/detect/severity";
import {
  detectForecastDeviation,
  forecastMetric,
  InsufficientHistoryError,
  type ForecastMethod,
  type HistoryPoint,
  type MetricForecast,
} from "@/lib/detect/models/metric-forecast";
import { MIN_STD_ABSOLUTE } from "@/lib/detect/baseline/std-floor";
import { METRIC_INFO, type MetricName, type MetricSample } from "@/lib/telemetry/metrics";
import type { DetectorDevice } from "@/lib/detect/detector";
import { memoryLeak } from "@/lib/detect/detectors/health/memory-leak";

/** Metrics forecast per device: traffic both ways (capacity planning) and CPU. */
export const FORECAST_METRICS = ["bandwidthInBps", "bandwidthOutBps", "cpuPct"] as const satisfies readonly MetricName[];
export type ForecastMetric = (typeof FORECAST_METRICS)[number];
/** Metrics forecast for their trend only (memory leaks: the ETA to exhaustion), never checked hour by hour. */
export const TREND_METRICS = ["memoryPct"] as const satisfies readonly MetricName[];
export type TrendMetric = (typeof TREND_METRICS)[number];
/** The capacity a memory forecast is fitted with: the leak detector's exhaustion level. */
export const MEMORY_CAPACITY_PCT = memoryLeak.defaultConfig.exhaustionPct;

const RAISED: ReadonlySet<Severity> = new Set(["high", "critical"]);
const HOUR = 3_600_000;

export interface ForecastTarget {
  deviceId: number;
  metric: ForecastMetric | TrendMetric;
  history: readonly HistoryPoint[];
  /** Capacity in the metric's unit (bandwidth: the interface speed), for the ETA. */
  capacity?: number;
}

export interface ForecastFailure {
  deviceId: number;
  metric: ForecastMetric | TrendMetric;
  error: string;
}

export class ForecastWatch {
  private readonly forecasts = new Map<string, MetricForecast>();

  constructor(private readonly options: { method?: ForecastMethod; horizonHours?: number; minDeviationShare?: number } = {}) {}

  /** Refits every target; a series with too little history keeps no forecast. */
  async refit(targets: readonly ForecastTarget[]): Promise<{ fitted: { target: ForecastTarget; forecast: MetricForecast }[]; failures: ForecastFailure[] }> {
    const fitted: { target: ForecastTarget; forecast: MetricForecast }[] = [];
    const failures: ForecastFailure[] = [];
    for (const target of targets) {
      const key = `${target.deviceId}:${target.metric}`;
      try {
        const forecast = await forecastMetric(target.history, {
          method: this.options.method ?? "mstl",
          horizonHours: this.options.horizonHours ?? 168,
          ...(target.capacity !== undefined ? { capacity: target.capacity } : {}),
          clamp: METRIC_INFO[target.metric].max !== undefined ? { min: 0, max: METRIC_INFO[target.metric].max } : { min: 0 },
        });
        this.forecasts.set(key, forecast);
        fitted.push({ target, forecast });
      } catch (err) {
        this.forecasts.delete(key);
        if (!(err instanceof InsufficientHistoryError)) {
          failures.push({ deviceId: target.deviceId, metric: target.metric, error: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    return { fitted, failures };
  }

  /** The finding for an hour's actual mean, when it leaves the forecast's band by a wide margin. */
  check(deviceId: number, metric: ForecastMetric, hourStart: Date, actualMean: number): Detection | null {
    const forecast = this.forecasts.get(`${deviceId}:${metric}`);
    if (!forecast) return null;
    const first = forecast.points[forecast.firstForecastIndex];
    if (!first) return null;
    const index = forecast.firstForecastIndex + Math.round((hourStart.getTime() - first.ts.getTime()) / HOUR);
    if (index < forecast.firstForecastIndex) return null;
    const point = forecast.points[index];
    if (!point || point.ts.getTime() !== hourStart.getTime()) return null;
    const floor = 2 * MIN_STD_ABSOLUTE[metric];
    const share = Math.abs(actualMean - point.yhat) / Math.max(Math.abs(point.yhat), floor);
    if (share < (this.options.minDeviationShare ?? 0.5)) return null;
    const detection = detectForecastDeviation(point, actualMean, metric);
    return detection && RAISED.has(detection.severity) ? detection : null;
  }
}

/** Hourly means of a metric from minute samples (oldest first), for the harness and tests. */
export function hourlyMeans(samples: readonly MetricSample[], metric: MetricName): HistoryPoint[] {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const s of samples) {
    const v = s.values[metric];
    if (v === null || !Number.isFinite(v)) continue;
    const hour = Math.floor(s.ts.getTime() / HOUR) * HOUR;
    const cell = sums.get(hour) ?? { sum: 0, n: 0 };
    cell.sum += v;
    cell.n += 1;
    sums.set(hour, cell);
  }
  return [...sums]
    .sort((a, b) => a[0] - b[0])
    .map(([hour, { sum, n }]) => ({ ts: new Date(hour), value: sum / n }));
}

/**
 * The memory-leak findings among freshly fitted forecasts (the memory ones, fitted with
 * MEMORY_CAPACITY_PCT), `at` being when they were made. A device's detector settings are not looked up
 * here: the defaults apply.
 */
export function memoryLeakFindings(
  fitted: readonly { target: ForecastTarget; forecast: MetricForecast }[],
  at: Date,
  deviceOf: (deviceId: number) => DetectorDevice | undefined = () => undefined,
  /** The detector's tuned settings for a device (the Tuning page's overrides); undefined: its defaults. */
  configFor: (device: DetectorDevice) => unknown = () => undefined,
): { deviceId: number; detection: Detection }[] {
  return fitted.flatMap(({ target, forecast }) => {
    if (target.metric !== "memoryPct") return [];
    const device = deviceOf(target.deviceId);
    return memoryLeak
      .run({ deviceId: target.deviceId, history: target.history, forecast, at, ...(device ? { device } : {}) }, device ? configFor(device) : undefined)
      .map((detection) => ({ deviceId: target.deviceId, detection }));
  });
}
