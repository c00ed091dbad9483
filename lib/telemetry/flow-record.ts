// One flow as every decoder (NetFlow v5, v9, IPFIX) produces it, whatever the wire format.
export interface FlowRecord {
  /** Address of the exporter the datagram came from (dotted IPv4 or IPv6 text). */
  exporter: string;
  srcAddr: string;
  dstAddr: string;
  srcPort: number;
  dstPort: number;
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, ...). */
  protocol: number;
  /** Already multiplied by the sampling rate, when the exporter reported one. */
  bytes: number;
  packets: number;
  /** Absolute times (epoch ms); uptime-relative wire times are converted with the packet header. */
  startMs: number;
  endMs: number;
  tcpFlags: number;
  inputIf: number;
  outputIf: number;
  /** 1 when unsampled. */
  samplingRate: number;
}

/** Why a datagram, set or record was dropped; the collector counts each by reason. */
export type FlowDropReason =
  | "truncated"
  | "bad_version"
  | "count_overrun"
  | "unknown_template"
  | "bad_template"
  | "bad_field_length"
  | "template_expired"
  | "pending_overflow"
  /** A new template id from an exporter that already holds as many templates as it may. */
  | "template_overflow"
  /** A record whose times fall outside the accepted window around its arrival (see FLOW_CLOCK_SKEW_*). */
  | "clock_skew";

export type FlowVersion = 5 | 9 | 10;
