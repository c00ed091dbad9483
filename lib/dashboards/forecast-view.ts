// The Forecasts dashboard's JSON: one device-metric's stored forecast with the actual hourly history
// over the same span and the alerts raised on that device and metric in it (GET /api/forecasts), and the
// device-metrics that have forecasts (GET /api/forecasts/options). Client components import types only.
import type { AlertStatus, Severity } from "@prisma/client";

/** Coverage of the stored band: the worker fits with forecastMetric's default level. */
export const FORECAST_LEVEL = 0.95;

export interface ForecastDeviceView {
  id: number;
  name: string;
  role: string;
  site: string;
}

export interface ForecastMetricView {
  metric: string;
  label: string;
  unit: string;
}

export interface ForecastPointView {
  ts: string;
  yhat: number;
  lower: number;
  upper: number;
}

export interface StoredForecastView {
  /** "mstl", "prophet" or "constant" (a flat series, not fitted). */
  method: string;
  /** Data time of the fit: the start of the hour it was made in. */
  generatedAt: string;
  level: number;
  /** The last week's in-sample fit, then the forecast proper from `firstForecastIndex` on; hourly, oldest first. */
  points: ForecastPointView[];
  firstForecastIndex: number;
  /** In the metric's unit; null when none is configured. */
  capacity: number | null;
  /** First forecast hour whose yhat reaches the capacity; null when none does within the horizon. */
  capacityEta: string | null;
}

export interface ForecastAlertMark {
  id: number;
  /** observedAt: the time of the telemetry that raised it. */
  ts: string;
  severity: Severity;
  type: string;
  title: string;
  status: AlertStatus;
  /** The observed value the alert reported, in the metric's unit; null when it carried none. */
  value: number | null;
}

export interface ForecastResponse {
  device: ForecastDeviceView;
  metric: ForecastMetricView;
  /** Null until the worker has fitted this device-metric (it needs two days of hourly history). */
  forecast: StoredForecastView | null;
  /** Hourly means over the forecast's span, as far as data exists; oldest first. */
  actual: { ts: string; value: number }[];
  /** Oldest first. */
  alerts: ForecastAlertMark[];
}

export interface ForecastOptionsResponse {
  /** Devices with at least one forecast, by name, each with the metrics it has forecasts for. */
  devices: (ForecastDeviceView & { metrics: string[] })[];
  /** Every metric some device has a forecast for, in the fixed metric order. */
  metrics: ForecastMetricView[];
}
