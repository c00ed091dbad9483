// The JSON shape of one device in the inventory (GET /api/devices). Client components import this type only.
export interface DeviceInventoryRow {
  id: number;
  name: string;
  role: string;
  site: string;
  tags: string[];
  status: string;
  managementIp: string | null;
  capacityBps?: number | null;
  /** Newest telemetry minute stored for the device (data time); null before any. */
  lastSeenAt: string | null;
  /** Open and acknowledged alerts. */
  openAlerts: number;
  /** Whether a maintenance window covers the device now (wall clock). */
  inMaintenance: boolean;
}
