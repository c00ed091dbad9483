// react-query keys of the Forecasts dashboard. One device's views live under ["forecasts", "view", id]
// so a new alert on that device can refresh every metric of it.
export const forecastQueryKeys = {
  options: ["forecasts", "options"] as const,
  device: (deviceId: number) => ["forecasts", "view", deviceId] as const,
  view: (deviceId: number, metric: string) => ["forecasts", "view", deviceId, metric] as const,
};
