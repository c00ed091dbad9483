// Builds real NetFlow v5 datagrams (up to 30 records each) from flow records, for tests, the ingest
// benchmark and the traffic simulator. IPv6 flows cannot be expressed in v5 and are skipped.
import { clampU32, DatagramWriter } from "./datagram-writer";
import type { EncodedExport, FlowExportRecord } from "./flow-export-record";
import { parseIpAddress } from "./ip-address";

export interface NetflowV5EncodeOptions {
  /** Header export time (epoch ms). */
  exportMs: number;
  /** When the exporter booted (epoch ms); sysUptime = exportMs - bootMs. Default one hour before exportMs. */
  bootMs?: number;
  /** Flow sequence number of the first record (counts records). Default 0. */
  sequence?: number;
  engineType?: number;
  engineId?: number;
  /** 1-in-N packet sampling announced in the header (low 14 bits, mode 01). Default unsampled. */
  samplingInterval?: number;
  /** Default 30 (the v5 maximum). */
  recordsPerDatagram?: number;
}

export function encodeNetflowV5(records: readonly FlowExportRecord[], options: NetflowV5EncodeOptions): EncodedExport {
  const perDatagram = Math.max(1, Math.min(30, options.recordsPerDatagram ?? 30));
  const exportMs = options.exportMs;
  const bootMs = options.bootMs ?? exportMs - 3_600_000;
  const uptime = (t: number) => (Math.floor(t) - Math.floor(bootMs)) >>> 0;
  const sampling = options.samplingInterval && options.samplingInterval > 1 ? 0x4000 | (options.samplingInterval & 0x3fff) : 0;
  let sequence = (options.sequence ?? 0) >>> 0;
  let skipped = 0;
  const usable: { r: FlowExportRecord; src: Uint8Array; dst: Uint8Array }[] = [];
  for (const r of records) {
    const src = parseIpAddress(r.srcAddr);
    const dst = parseIpAddress(r.dstAddr);
    if (!src || !dst || src.length !== 4 || dst.length !== 4) skipped++;
    else usable.push({ r, src, dst });
  }
  const datagrams: Buffer[] = [];
  for (let i = 0; i < usable.length; i += perDatagram) {
    const chunk = usable.slice(i, i + perDatagram);
    const w = new DatagramWriter(24 + 48 * chunk.length);
    w.u16(5);
    w.u16(chunk.length);
    w.u32(uptime(exportMs));
    w.u32(Math.floor(exportMs / 1000));
    w.u32((Math.floor(exportMs) % 1000) * 1_000_000);
    w.u32(sequence);
    w.u8(options.engineType ?? 0);
    w.u8(options.engineId ?? 0);
    w.u16(sampling);
    for (const { r, src, dst } of chunk) {
      w.bytes(src);
      w.bytes(dst);
      w.u32(0); // next hop
      w.u16(r.inputIf ?? 0);
      w.u16(r.outputIf ?? 0);
      w.u32(clampU32(r.packets));
      w.u32(clampU32(r.bytes));
      w.u32(uptime(r.startMs));
      w.u32(uptime(r.endMs));
      w.u16(r.srcPort);
      w.u16(r.dstPort);
      w.u8(0); // pad1
      w.u8(r.tcpFlags ?? 0);
      w.u8(r.protocol);
      w.u8(0); // tos
      w.u16(0); // src as
      w.u16(0); // dst as
      w.u8(0); // src mask
      w.u8(0); // dst mask
      w.u16(0); // pad2
    }
    datagrams.push(w.finish());
    sequence = (sequence + chunk.length) >>> 0;
  }
  return { datagrams, nextSequence: sequence, skipped };
}
