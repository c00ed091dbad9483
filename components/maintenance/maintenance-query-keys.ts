// Every react-query key of the maintenance page. Writes invalidate the list they changed.
export const maintenanceQueryKeys = {
  windows: ["maintenance-windows"] as const,
  rules: ["suppression-rules"] as const,
  calendar: ["calendar"] as const,
  devices: ["devices", "options"] as const,
};
