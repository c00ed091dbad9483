// The device page's JSON (GET /api/devices/:id): the device with whether a maintenance window covers it
// now, its recent metrics downsampled for small charts, its baselines by hour of week for one metric,
// and the maintenance windows that apply to it. Client components import this module (types and the
// pure helpers below only).
import type { MaintenanceWindowView } from "../alerts/settings-views";

/** The time ranges the metric charts offer, newest sample backwards. */
export const DEVICE_SERIES_RANGES = ["6h", "24h", "7d", "30d", "1y"] as const;
export type DeviceSeriesRange = (typeof DEVICE_SERIES_RANGES)[number];
export const DEFAULT_SERIES_RANGE: DeviceSeriesRange = "24h";

// ranges read in whole-hour bins (7d and longer) come from the hourly aggregates (lib/db/hourly-sample-queries.ts)
export const SERIES_RANGE_MINUTES: Record<DeviceSeriesRange, number> = { "6h": 6 * 60, "24h": 24 * 60, "7d": 7 * 24 * 60, "30d": 30 * 24 * 60, "1y": 365 * 24 * 60 };
export const SERIES_RANGE_LABELS: Record<DeviceSeriesRange, string> = { "6h": "6 hours", "24h": "24 hours", "7d": "7 days", "30d": "30 days", "1y": "year" };

/** Points per metric the charts get at most; a small chart is a few hundred pixels wide. */
export const MAX_SERIES_POINTS = 300;

// Bin widths a reader recognises (a 34-minute bin would make the tooltip times look random).
const NICE_BIN_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440] as const;

/** The narrowest recognisable bin (minutes) that keeps `rangeMinutes` within `maxPoints` bins. */
export function seriesBinMinutes(rangeMinutes: number, maxPoints = MAX_SERIES_POINTS): number {
  if (!(rangeMinutes > 0) || !(maxPoints >= 1)) throw new RangeError("range and point budget must be positive");
  for (const bin of NICE_BIN_MINUTES) if (Math.ceil(rangeMinutes / bin) <= maxPoints) return bin;
  return Math.ceil(rangeMinutes / maxPoints / 1440) * 1440;
}

export interface DeviceDetailDevice {
  id: number;
  name: string;
  role: string;
  site: string;
  tags: string[];
  status: string;
  managementIp: string | null;
  /** Interface capacity in bps; null when unknown. */
  capacityBps: number | null;
  /** Newest telemetry minute stored for the device (data time); null before any. */
  lastSeenAt: string | null;
  /** Whether a maintenance window covers the device now (wall clock), as on the Devices page. */
  inMaintenance: boolean;
}

export interface DeviceMetricSeries {
  metric: string;
  label: string;
  unit: string;
  /** Mean of each bin, aligned with `DeviceSeries.timestamps`; null where the metric was not reported. */
  values: (number | null)[];
}

export interface DeviceSeries {
  range: DeviceSeriesRange;
  binMinutes: number;
  /** Newest sample of the device (data time, which a replaying simulator can put away from now); null without samples. */
  newestSampleAt: string | null;
  /** The span charted, [from, to): whole bins ending just after the newest sample; null without samples. */
  from: string | null;
  to: string | null;
  /** Start of each bin that holds samples, oldest first. */
  timestamps: string[];
  /** Metrics with at least one value in the span, in METRICS order. */
  metrics: DeviceMetricSeries[];
}

/** One hour-of-week bucket of the active baseline (0 = Monday 00:00 UTC). */
export interface BaselineCellView {
  hourOfWeek: number;
  mean: number;
  median: number;
  /** Null on rows trained before p05 was kept. */
  p05: number | null;
  p95: number;
  sampleCount: number;
}

export interface DeviceBaselines {
  /** Metrics with an active baseline in the newest training, in METRICS order (the picker's choices). */
  metrics: string[];
  /** The metric shown; null when the device has no baseline yet. */
  metric: string | null;
  version: number | null;
  trainedAt: string | null;
  cells: BaselineCellView[];
}

export interface DeviceMaintenanceWindow extends MaintenanceWindowView {
  /** Whether an occurrence covers the device now. */
  activeNow: boolean;
  /** The occurrence going on now, else the next one; null when none is left. */
  nextOccurrence: { start: string; end: string } | null;
}

export interface DeviceDetailResponse {
  device: DeviceDetailDevice;
  series: DeviceSeries;
  baselines: DeviceBaselines;
  /** Current and upcoming windows that cover the device (all, its site, its role or it by id), active and soonest first. */
  maintenanceWindows: DeviceMaintenanceWindow[];
}
