// What decoding one export datagram yields, whatever its version: the flows, what was dropped and
// why, and the header's sequence number for loss estimation (see sequence-tracker.ts).
import type { FlowDropReason, FlowRecord, FlowVersion } from "@/lib/telemetry/flow-record";

/** One drop reason and how many datagrams, sets, templates or records it applied to. */
export interface FlowDrop {
  reason: FlowDropReason;
  count: number;
}

/** The header's sequence number, as the exporter counts it. */
export interface FlowSequenceObservation {
  /** v5: engine type << 8 | engine id; v9: source id; IPFIX: observation domain id. */
  domain: number;
  /** Sequence number from the header (uint32). */
  value: number;
  /**
   * What this datagram adds to the exporter's counter: v5 the header's record count, IPFIX the data
   * records it carried (options data records included), v9 always 1 (it counts export packets).
   */
  count: number;
  /** False when `count` is unknown (IPFIX data sets held for a missing template): the next gap is not trusted. */
  exact: boolean;
  /** v5/v9 header sysUptime (ms): going backwards means the exporter restarted. */
  uptimeMs?: number;
}

export interface FlowDecodeResult {
  /** The header's version, or null when the datagram was too short or not NetFlow v5/v9/IPFIX. */
  version: FlowVersion | null;
  records: FlowRecord[];
  drops: FlowDrop[];
  sequence?: FlowSequenceObservation;
}
