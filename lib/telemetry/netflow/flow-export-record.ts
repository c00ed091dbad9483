// What the encoders (tests, benchmark, traffic simulator) export: a FlowRecord without the fields
// only a collector knows. Counts are written as given (already sampled, if the export announces a rate).
export interface FlowExportRecord {
  srcAddr: string;
  dstAddr: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  bytes: number;
  packets: number;
  /** Epoch ms. */
  startMs: number;
  endMs: number;
  tcpFlags?: number;
  inputIf?: number;
  outputIf?: number;
}

/** Datagrams produced by one encoder call. */
export interface EncodedExport {
  datagrams: Buffer[];
  /** Sequence number for the next call (records for v5/IPFIX, export packets for v9). */
  nextSequence: number;
  /** Records that could not be encoded (IPv6 in v5, unparseable addresses). */
  skipped: number;
}
