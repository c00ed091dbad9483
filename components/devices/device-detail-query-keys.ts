// react-query keys of the device page. Its views live under ["devices", "detail", id] so one
// invalidation refreshes every range and heatmap metric of a device; its alerts are an alert list
// (under alertQueryKeys.lists), so live alert updates land in it like in every other list.
import { alertQueryKeys } from "@/components/alerts/alert-query-keys";
import type { DeviceSeriesRange } from "@/lib/dashboards/device-detail";

/** Alerts the device page lists; the Anomalies page has the rest. */
export const DEVICE_ALERTS_LIMIT = 20;

export const deviceDetailQueryKeys = {
  all: ["devices", "detail"] as const,
  device: (deviceId: number) => ["devices", "detail", deviceId] as const,
  view: (deviceId: number, range: DeviceSeriesRange, baselineMetric: string | null) =>
    ["devices", "detail", deviceId, { range, baselineMetric }] as const,
  alerts: (deviceId: number) => [...alertQueryKeys.lists, { deviceId, limit: DEVICE_ALERTS_LIMIT }] as const,
};
