"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AlertPage } from "@/lib/alerts/alert-view";
import type { DeviceDetailResponse, DeviceSeriesRange } from "@/lib/dashboards/device-detail";
import { fetchJson } from "@/components/api/fetch-json";
import { DEVICE_ALERTS_LIMIT, deviceDetailQueryKeys } from "./device-detail-query-keys";

/** One device's page data for a chart range and heatmap metric; the previous answer stays on screen while another loads. */
export function useDeviceDetail(deviceId: number, range: DeviceSeriesRange, baselineMetric: string | null) {
  return useQuery({
    queryKey: deviceDetailQueryKeys.view(deviceId, range, baselineMetric),
    queryFn: ({ signal }) => {
      const search = new URLSearchParams({ range });
      if (baselineMetric) search.set("baselineMetric", baselineMetric);
      return fetchJson<DeviceDetailResponse>(`/api/devices/${deviceId}?${search.toString()}`, { signal });
    },
    placeholderData: keepPreviousData,
  });
}

/** The device's newest alerts, from the alert list API. */
export function useDeviceAlerts(deviceId: number) {
  return useQuery({
    queryKey: deviceDetailQueryKeys.alerts(deviceId),
    queryFn: ({ signal }) => fetchJson<AlertPage>(`/api/alerts?deviceId=${deviceId}&limit=${DEVICE_ALERTS_LIMIT}`, { signal }),
  });
}
