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

/** A source discovery refused to add because the hourly cap was reached ("seen but not added"). */
export interface NotAddedDevice {
  name: string;
  address: string | null;
  via: string;
  firstSeen: string;
  lastSeen: string;
  /** Device-minutes of telemetry seen from it without adding it. */
  sightings: number;
}

/** Auto-discovery's cap and what it refused, as the worker reports it in its heartbeat. */
export interface DiscoveryReport {
  maxNewPerHour: number;
  addedLastHour: number;
  /** Sightings refused by the cap since the worker started. */
  notAddedTotal: number;
  /** Syslog hostnames not trusted (another device's name claimed from a different address). */
  untrustedHostnames: number;
  /** The most recently seen sources not added (at most 100), newest first. */
  notAdded: NotAddedDevice[];
}
