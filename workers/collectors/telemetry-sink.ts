// Where collectors hand what they decoded. The sink resolves sources to devices (discovering new
// ones), rolls everything up per device per minute and feeds the detection pipeline. Collectors
// never touch the database themselves.
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import type { MetricName } from "@/lib/telemetry/metrics";
import type { SyslogMessage } from "@/lib/telemetry/syslog-message";

/** How a collector names the device it observed. */
export interface DeviceRef {
  /** Management or exporter address. */
  address?: string;
  /** Hostname or configured device name. */
  name?: string;
}

export interface TelemetrySink {
  /** Decoded flows from one datagram. */
  flows(records: readonly FlowRecord[]): void;
  /** One syslog message and the address it came from (`receivedAt`: when, if not now: relayed over the bus). */
  syslog(message: SyslogMessage, sourceAddress: string, receivedAt?: number): void;
  /** Gauge-like metric values observed at `ts` (SNMP rates, Prometheus samples). */
  deviceMetrics(device: DeviceRef, ts: Date, values: Partial<Record<MetricName, number>>): void;
  /** A polled device stopped (or started again) answering. */
  deviceReachability(device: DeviceRef, reachable: boolean, at: Date): void;
  /**
   * Management-plane facts a poll observed (null: not observed), compared with the previous reading by
   * the unauthorized-change detector. Optional: sinks that do not route it drop it.
   */
  deviceFacts?(device: DeviceRef, ts: Date, facts: DeviceConfigFacts): void;
}
