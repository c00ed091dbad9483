// Builds real NetFlow v9 export packets: an IPv4 (256) and an IPv6 (257) template, optionally a
// sampling options template (258, scope System) with its data record, then data flowsets padded to
// 4 bytes. Counters are 4 bytes and times uptime-relative (FIRST/LAST_SWITCHED), as most exporters
// (softflowd, Cisco IOS) send them.
import { clampU32, DatagramWriter } from "./datagram-writer";
import type { EncodedExport, FlowExportRecord } from "./flow-export-record";
import { IE } from "./information-elements";
import { parseIpAddress } from "./ip-address";

export interface NetflowV9EncodeOptions {
  /** Header export time (epoch ms; the header carries whole seconds). */
  exportMs: number;
  /** When the exporter booted (epoch ms). Default one hour before exportMs. */
  bootMs?: number;
  /** Packet sequence number of the first datagram. Default 0. */
  sequence?: number;
  sourceId?: number;
  /** Which datagrams carry the templates (and sampling options): default "first". */
  templates?: "first" | "every" | "none";
  /** Announce 1-in-N sampling in an options record (SAMPLING_INTERVAL). */
  samplingInterval?: number;
  /** Default 1400. */
  maxDatagramBytes?: number;
}

export const V9_TEMPLATE_IPV4 = 256;
export const V9_TEMPLATE_IPV6 = 257;
export const V9_TEMPLATE_SAMPLING = 258;

const COMMON: readonly (readonly [number, number])[] = [
  [IE.sourceTransportPort, 2],
  [IE.destinationTransportPort, 2],
  [IE.protocolIdentifier, 1],
  [IE.tcpControlBits, 1],
  [IE.ingressInterface, 4],
  [IE.egressInterface, 4],
  [IE.octetDeltaCount, 4],
  [IE.packetDeltaCount, 4],
  [IE.flowStartSysUpTime, 4],
  [IE.flowEndSysUpTime, 4],
];
const V4_FIELDS = [[IE.sourceIPv4Address, 4] as const, [IE.destinationIPv4Address, 4] as const, ...COMMON];
const V6_FIELDS = [[IE.sourceIPv6Address, 16] as const, [IE.destinationIPv6Address, 16] as const, ...COMMON];
const recordLength = (fields: readonly (readonly [number, number])[]) => fields.reduce((n, [, len]) => n + len, 0);
const V4_LEN = recordLength(V4_FIELDS);
const V6_LEN = recordLength(V6_FIELDS);

export function encodeNetflowV9(records: readonly FlowExportRecord[], options: NetflowV9EncodeOptions): EncodedExport {
  const maxBytes = options.maxDatagramBytes ?? 1400;
  const exportSecs = Math.floor(options.exportMs / 1000);
  const bootMs = Math.floor(options.bootMs ?? options.exportMs - 3_600_000);
  const uptime = (t: number) => (Math.floor(t) - bootMs) >>> 0;
  const sysUptime = uptime(exportSecs * 1000);
  const templatesIn = options.templates ?? "first";
  const sampling = options.samplingInterval && options.samplingInterval > 1 ? Math.floor(options.samplingInterval) : 0;
  let sequence = (options.sequence ?? 0) >>> 0;
  let skipped = 0;
  const datagrams: Buffer[] = [];

  let w: DatagramWriter | null = null;
  let count = 0;
  let setStart = -1;
  let setTemplate = -1;

  const closeSet = () => {
    if (!w || setStart < 0) return;
    w.pad(4);
    w.patch16(setStart + 2, w.off - setStart);
    setStart = -1;
    setTemplate = -1;
  };
  const openSet = (id: number) => {
    closeSet();
    setStart = w!.off;
    setTemplate = id;
    w!.u16(id);
    w!.u16(0);
  };
  const finishDatagram = () => {
    if (!w) return;
    closeSet();
    w.patch16(2, count);
    datagrams.push(w.finish());
    sequence = (sequence + 1) >>> 0;
    w = null;
  };
  const startDatagram = (withTemplates: boolean) => {
    w = new DatagramWriter(maxBytes);
    count = 0;
    w.u16(9);
    w.u16(0);
    w.u32(sysUptime);
    w.u32(exportSecs);
    w.u32(sequence);
    w.u32(options.sourceId ?? 0);
    if (!withTemplates) return;
    openSet(0);
    for (const [id, fields] of [
      [V9_TEMPLATE_IPV4, V4_FIELDS],
      [V9_TEMPLATE_IPV6, V6_FIELDS],
    ] as const) {
      w.u16(id);
      w.u16(fields.length);
      for (const [type, len] of fields) {
        w.u16(type);
        w.u16(len);
      }
      count++;
    }
    if (sampling) {
      openSet(1);
      w.u16(V9_TEMPLATE_SAMPLING);
      w.u16(4); // scope length
      w.u16(8); // option length
      w.u16(1); // scope: System
      w.u16(4);
      w.u16(IE.samplingInterval);
      w.u16(4);
      w.u16(IE.samplingAlgorithm);
      w.u16(1);
      count++;
      openSet(V9_TEMPLATE_SAMPLING);
      w.u32(0); // system scope value
      w.u32(sampling);
      w.u8(1); // deterministic
      count++;
    }
    closeSet();
  };

  let first = true;
  const ensureDatagram = () => {
    if (w) return;
    startDatagram(templatesIn === "every" || (templatesIn === "first" && first));
    first = false;
  };

  for (const r of records) {
    const src = parseIpAddress(r.srcAddr);
    const dst = parseIpAddress(r.dstAddr);
    if (!src || !dst || src.length !== dst.length) {
      skipped++;
      continue;
    }
    const v6 = src.length === 16;
    const tid = v6 ? V9_TEMPLATE_IPV6 : V9_TEMPLATE_IPV4;
    const len = v6 ? V6_LEN : V4_LEN;
    ensureDatagram();
    if (w!.remaining < len + (setTemplate === tid ? 0 : 4) + 3) {
      finishDatagram();
      ensureDatagram();
    }
    if (setTemplate !== tid) openSet(tid);
    const out: DatagramWriter = w!;
    out.bytes(src);
    out.bytes(dst);
    out.u16(r.srcPort);
    out.u16(r.dstPort);
    out.u8(r.protocol);
    out.u8(r.tcpFlags ?? 0);
    out.u32(r.inputIf ?? 0);
    out.u32(r.outputIf ?? 0);
    out.u32(clampU32(r.bytes));
    out.u32(clampU32(r.packets));
    out.u32(uptime(r.startMs));
    out.u32(uptime(r.endMs));
    count++;
  }
  if (!w && templatesIn !== "none" && first) ensureDatagram(); // templates only
  finishDatagram();
  return { datagrams, nextSequence: sequence, skipped };
}
