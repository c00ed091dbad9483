// NetFlow v5 datagram decoder: a 24-byte header (version, count, sysUptime, unix secs/nsecs, flow
// sequence, engine type/id, sampling) and `count` fixed 48-byte records. Uptime-relative first/last
// times become epoch ms through the header; the low 14 bits of the sampling field multiply bytes and
// packets. Never throws: a header count that overruns the datagram drops the whole datagram as
// `count_overrun` (as nfcapd does): its records cannot be trusted, and it must not move the sequence.
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { DropTally } from "./drop-tally";
import type { FlowDecodeResult } from "./flow-decode-result";
import { formatIpv4 } from "./ip-address";

export const V5_HEADER_LENGTH = 24;
export const V5_RECORD_LENGTH = 48;

export function decodeNetflowV5(bytes: Uint8Array, exporter: string): FlowDecodeResult {
  const records: FlowRecord[] = [];
  if (bytes.length < V5_HEADER_LENGTH) {
    const tally = new DropTally();
    const v = bytes.length >= 2 ? (bytes[0]! << 8) | bytes[1]! : -1;
    tally.add(v === -1 || v === 5 ? "truncated" : "bad_version");
    return { version: v === 5 ? 5 : null, records, drops: tally.toArray() };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 5) {
    const tally = new DropTally();
    tally.add("bad_version");
    return { version: null, records, drops: tally.toArray() };
  }
  const declared = view.getUint16(2);
  const sysUptime = view.getUint32(4);
  const exportMs = view.getUint32(8) * 1000 + Math.floor(view.getUint32(12) / 1_000_000);
  const sequence = view.getUint32(16);
  const engine = view.getUint16(20); // engine type << 8 | engine id
  const interval = view.getUint16(22) & 0x3fff;
  const rate = interval > 1 ? interval : 1;

  const fit = Math.floor((bytes.length - V5_HEADER_LENGTH) / V5_RECORD_LENGTH);
  if (declared > fit) {
    const tally = new DropTally();
    tally.add("count_overrun");
    return { version: 5, records, drops: tally.toArray() };
  }
  for (let i = 0, off = V5_HEADER_LENGTH; i < declared; i++, off += V5_RECORD_LENGTH) {
    let packets = view.getUint32(off + 16);
    let octets = view.getUint32(off + 20);
    if (rate !== 1) {
      packets *= rate;
      octets *= rate;
    }
    records.push({
      exporter,
      srcAddr: formatIpv4(view.getUint32(off)),
      dstAddr: formatIpv4(view.getUint32(off + 4)),
      srcPort: view.getUint16(off + 32),
      dstPort: view.getUint16(off + 34),
      protocol: view.getUint8(off + 38),
      bytes: octets,
      packets,
      // uptime differences as signed 32-bit: survives the 49.7-day sysUptime wrap
      startMs: exportMs - ((sysUptime - view.getUint32(off + 24)) | 0),
      endMs: exportMs - ((sysUptime - view.getUint32(off + 28)) | 0),
      tcpFlags: view.getUint8(off + 37),
      inputIf: view.getUint16(off + 12),
      outputIf: view.getUint16(off + 14),
      samplingRate: rate,
    });
  }
  return {
    version: 5,
    records,
    drops: [],
    sequence: { domain: engine, value: sequence, count: declared, exact: true, uptimeMs: sysUptime },
  };
}
