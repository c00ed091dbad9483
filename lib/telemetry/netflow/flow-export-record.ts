// What the encoders (tests, benchmark, traffic simulator) export: a FlowRecord without the fields
// only a collector knows. Counts are written as given (already sampled, if the export announces a rate).
import type { FlowRecord } from "../flow-record";

export type FlowExportRecord = Omit<FlowRecord, "exporter" | "samplingRate" | "tcpFlags" | "inputIf" | "outputIf"> &
  Partial<Pick<FlowRecord, "tcpFlags" | "inputIf" | "outputIf">>;

/** Datagrams produced by one encoder call. */
export interface EncodedExport {
  datagrams: Buffer[];
  /** Sequence number for the next call (records for v5/IPFIX, export packets for v9). */
  nextSequence: number;
  /** Records that could not be encoded (IPv6 in v5, unparseable addresses). */
  skipped: number;
}
