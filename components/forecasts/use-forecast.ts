"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ForecastOptionsResponse, ForecastResponse } from "@/lib/dashboards/forecast-view";
import { fetchJson } from "@/components/api/fetch-json";
import { forecastQueryKeys } from "./forecast-query-keys";

/** The devices and metrics that have forecasts, for the pickers. */
export function useForecastOptions() {
  return useQuery({
    queryKey: forecastQueryKeys.options,
    queryFn: ({ signal }) => fetchJson<ForecastOptionsResponse>("/api/forecasts/options", { signal }),
  });
}

/** One device-metric's forecast with its actual history and alerts; the previous chart stays while the next loads. */
export function useForecast(deviceId: number | null, metric: string | null) {
  return useQuery({
    queryKey: forecastQueryKeys.view(deviceId ?? 0, metric ?? ""),
    queryFn: ({ signal }) =>
      fetchJson<ForecastResponse>(
        `/api/forecasts?${new URLSearchParams({ deviceId: String(deviceId), metric: metric ?? "" }).toString()}`,
        { signal },
      ),
    enabled: deviceId !== null && metric !== null,
    placeholderData: keepPreviousData,
  });
}
