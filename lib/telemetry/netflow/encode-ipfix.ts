// Builds real IPFIX messages (RFC 7011): an IPv4 (256) and an IPv6 (257) template with 8-byte
// counters and absolute millisecond times (flowStart/EndMilliseconds), optionally a sampling options
// template (258, scope observationDomainId, samplingPacketInterval/Space) with its data record, then
// data sets. The header sequence counts data records (options data records included) sent before.
import { DatagramWriter } from "./datagram-writer";
import type { EncodedExport, FlowExportRecord } from "./flow-export-record";
import { IE } from "./information-elements";
import { parseIpAddress } from "./ip-address";

export interface IpfixEncodeOptions {
  /** Header export time (epoch ms; the header carries whole seconds). */
  exportMs: number;
  /** Data records sent before the first message. Default 0. */
  sequence?: number;
  observationDomainId?: number;
  /** Which messages carry the templates (and sampling options): default "first". */
  templates?: "first" | "every" | "none";
  /** Announce 1-in-N sampling in an options record (samplingPacketInterval 1, samplingPacketSpace N-1). */
  samplingInterval?: number;
  /** Default 1400. */
  maxDatagramBytes?: number;
}

export const IPFIX_TEMPLATE_IPV4 = 256;
export const IPFIX_TEMPLATE_IPV6 = 257;
export const IPFIX_TEMPLATE_SAMPLING = 258;

const COMMON: readonly (readonly [number, number])[] = [
  [IE.sourceTransportPort, 2],
  [IE.destinationTransportPort, 2],
  [IE.protocolIdentifier, 1],
  [IE.tcpControlBits, 2],
  [IE.ingressInterface, 4],
  [IE.egressInterface, 4],
  [IE.octetDeltaCount, 8],
  [IE.packetDeltaCount, 8],
  [IE.flowStartMilliseconds, 8],
  [IE.flowEndMilliseconds, 8],
];
const V4_FIELDS = [[IE.sourceIPv4Address, 4] as const, [IE.destinationIPv4Address, 4] as const, ...COMMON];
const V6_FIELDS = [[IE.sourceIPv6Address, 16] as const, [IE.destinationIPv6Address, 16] as const, ...COMMON];
const recordLength = (fields: readonly (readonly [number, number])[]) => fields.reduce((n, [, len]) => n + len, 0);
const V4_LEN = recordLength(V4_FIELDS);
const V6_LEN = recordLength(V6_FIELDS);

interface State {
  w: DatagramWriter | null;
  setStart: number;
  setTemplate: number;
  /** Data records in the current message. */
  dataRecords: number;
}

export function encodeIpfix(records: readonly FlowExportRecord[], options: IpfixEncodeOptions): EncodedExport {
  const maxBytes = options.maxDatagramBytes ?? 1400;
  const exportSecs = Math.floor(options.exportMs / 1000);
  const templatesIn = options.templates ?? "first";
  const domainId = options.observationDomainId ?? 0;
  const sampling = options.samplingInterval && options.samplingInterval > 1 ? Math.floor(options.samplingInterval) : 0;
  let sequence = (options.sequence ?? 0) >>> 0;
  let skipped = 0;
  let first = true;
  const datagrams: Buffer[] = [];
  const s: State = { w: null, setStart: -1, setTemplate: -1, dataRecords: 0 };

  const closeSet = () => {
    if (!s.w || s.setStart < 0) return;
    s.w.patch16(s.setStart + 2, s.w.off - s.setStart);
    s.setStart = -1;
    s.setTemplate = -1;
  };
  const openSet = (w: DatagramWriter, id: number) => {
    closeSet();
    s.setStart = w.off;
    s.setTemplate = id;
    w.u16(id);
    w.u16(0);
  };
  const finishMessage = () => {
    const w = s.w;
    if (!w) return;
    closeSet();
    w.patch16(2, w.off);
    datagrams.push(w.finish());
    sequence = (sequence + s.dataRecords) >>> 0;
    s.w = null;
  };
  const startMessage = (): DatagramWriter => {
    const w = new DatagramWriter(maxBytes);
    s.w = w;
    s.dataRecords = 0;
    w.u16(10);
    w.u16(0);
    w.u32(exportSecs);
    w.u32(sequence);
    w.u32(domainId);
    const withTemplates = templatesIn === "every" || (templatesIn === "first" && first);
    first = false;
    if (!withTemplates) return w;
    openSet(w, 2);
    for (const [id, fields] of [
      [IPFIX_TEMPLATE_IPV4, V4_FIELDS],
      [IPFIX_TEMPLATE_IPV6, V6_FIELDS],
    ] as const) {
      w.u16(id);
      w.u16(fields.length);
      for (const [type, len] of fields) {
        w.u16(type);
        w.u16(len);
      }
    }
    if (sampling) {
      openSet(w, 3);
      w.u16(IPFIX_TEMPLATE_SAMPLING);
      w.u16(3); // field count
      w.u16(1); // scope field count
      w.u16(IE.observationDomainId);
      w.u16(4);
      w.u16(IE.samplingPacketInterval);
      w.u16(4);
      w.u16(IE.samplingPacketSpace);
      w.u16(4);
      openSet(w, IPFIX_TEMPLATE_SAMPLING);
      w.u32(domainId);
      w.u32(1);
      w.u32(sampling - 1);
      s.dataRecords++;
    }
    closeSet();
    return w;
  };

  for (const r of records) {
    const src = parseIpAddress(r.srcAddr);
    const dst = parseIpAddress(r.dstAddr);
    if (!src || !dst || src.length !== dst.length) {
      skipped++;
      continue;
    }
    const v6 = src.length === 16;
    const tid = v6 ? IPFIX_TEMPLATE_IPV6 : IPFIX_TEMPLATE_IPV4;
    const len = v6 ? V6_LEN : V4_LEN;
    let w = s.w ?? startMessage();
    if (w.remaining < len + (s.setTemplate === tid ? 0 : 4)) {
      finishMessage();
      w = startMessage();
    }
    if (s.setTemplate !== tid) openSet(w, tid);
    w.bytes(src);
    w.bytes(dst);
    w.u16(r.srcPort);
    w.u16(r.dstPort);
    w.u8(r.protocol);
    w.u16(r.tcpFlags ?? 0);
    w.u32(r.inputIf ?? 0);
    w.u32(r.outputIf ?? 0);
    w.u64(r.bytes);
    w.u64(r.packets);
    w.u64(r.startMs);
    w.u64(r.endMs);
    s.dataRecords++;
  }
  if (!s.w && templatesIn !== "none" && first) startMessage(); // templates only
  finishMessage();
  return { datagrams, nextSequence: sequence, skipped };
}
