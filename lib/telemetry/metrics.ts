// The per-device minute metrics every source (simulator, collectors) rolls up into, and every
// detector reads. Keys are the Prisma field names of MetricSample; `column` is the SQL column.

/** What a device reports about itself (SNMP, Prometheus, or flows rolled up): every source's core nine. */
export const DEVICE_METRICS = [
  "bandwidthInBps",
  "bandwidthOutBps",
  "packetsPerSec",
  "flowsPerSec",
  "connectionsPerSec",
  "cpuPct",
  "memoryPct",
  "latencyMs",
  "packetLossPct",
] as const;

/** Counts of distinct peers and ports, from the flow rollup. */
export const FLOW_COUNT_METRICS = ["distinctPeers", "distinctDstPorts"] as const;

/** Message counts per minute, from syslog. */
export const SYSLOG_METRICS = ["syslogMessages", "syslogErrors", "syslogFailures"] as const;

export const METRICS = [...DEVICE_METRICS, ...FLOW_COUNT_METRICS, ...SYSLOG_METRICS] as const;

export type MetricName = (typeof METRICS)[number];

export interface MetricInfo {
  label: string;
  unit: string;
  column: string;
  /** Hard upper bound where one exists (percentages). */
  max?: number;
}

export const METRIC_INFO: Record<MetricName, MetricInfo> = {
  bandwidthInBps: { label: "Bandwidth in", unit: "bps", column: "bandwidth_in_bps" },
  bandwidthOutBps: { label: "Bandwidth out", unit: "bps", column: "bandwidth_out_bps" },
  packetsPerSec: { label: "Packets/s", unit: "pps", column: "packets_per_sec" },
  flowsPerSec: { label: "Flows/s", unit: "flows/s", column: "flows_per_sec" },
  connectionsPerSec: { label: "Connections/s", unit: "conn/s", column: "connections_per_sec" },
  cpuPct: { label: "CPU", unit: "%", column: "cpu_pct", max: 100 },
  memoryPct: { label: "Memory", unit: "%", column: "memory_pct", max: 100 },
  latencyMs: { label: "Latency", unit: "ms", column: "latency_ms" },
  packetLossPct: { label: "Packet loss", unit: "%", column: "packet_loss_pct", max: 100 },
  distinctPeers: { label: "Distinct peers", unit: "peers/min", column: "distinct_peers" },
  distinctDstPorts: { label: "Distinct destination ports", unit: "ports/min", column: "distinct_dst_ports" },
  syslogMessages: { label: "Syslog messages", unit: "msgs/min", column: "syslog_messages" },
  syslogErrors: { label: "Syslog errors", unit: "msgs/min", column: "syslog_errors" },
  syslogFailures: { label: "Failure messages", unit: "msgs/min", column: "syslog_failures" },
};

/** Values of one device for one minute; null where the source did not report the metric. */
export type MetricValues = Record<MetricName, number | null>;

export interface MetricSample {
  deviceId: number;
  /** Start of the minute (UTC, seconds and milliseconds zero). */
  ts: Date;
  values: MetricValues;
}

export function isMetricName(value: string): value is MetricName {
  return (METRICS as readonly string[]).includes(value);
}

export function emptyMetricValues(): MetricValues {
  return Object.fromEntries(METRICS.map((m) => [m, null])) as MetricValues;
}
