// Decodes the records of one v9/IPFIX data set with a compiled template (the hot loop). Field
// values go into the template's scratch array (no per-field allocation; slots the template does not
// map stay 0, so plain fields need no presence check); the only object built per record is the
// FlowRecord itself. Options data records update the domain's announced state
// (sampling rates, system init time) and produce no flow.
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { T, TimeKind, type CompiledTemplate } from "./compile-template";
import type { DropTally } from "./drop-tally";
import { VARIABLE_LENGTH } from "./information-elements";
import { formatIpv4, formatIpv6 } from "./ip-address";
import type { DomainState } from "./template-cache";

export interface RecordContext {
  version: 9 | 10;
  exporter: string;
  /** Header export time (epoch ms). */
  exportMs: number;
  /** v9: header sysUptime (ms, uint32) at exportMs; IPFIX: -1 (uptime fields use systemInitTimeMilliseconds). */
  uptimeRef: number;
  domain: DomainState;
}

const NTP_UNIX_OFFSET_S = 2_208_988_800;
const TWO_32 = 4_294_967_296;
const MAX_SAMPLER_IDS = 256;

/**
 * Decodes `bytes[start, end)` (the set body) with `tpl`, pushing flows to `out`. Trailing bytes too
 * short for a record are padding (or, when not zeros, a record cut short: `truncated`). A
 * variable-length field running past the set drops the rest of the set (`bad_field_length`).
 * Returns the number of data records (flows and options records) decoded.
 */
export function decodeDataSet(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  tpl: CompiledTemplate,
  ctx: RecordContext,
  out: FlowRecord[],
  tally: DropTally,
  /** False when the set was already cut short by the datagram (counted there): its tail is no news. */
  checkTail = true,
): number {
  let count = 0;
  let off = start;
  const fixedLength = tpl.fixedLength;
  if (fixedLength > 0) {
    for (; off + fixedLength <= end; off += fixedLength) {
      readFixed(view, off, tpl);
      if (tpl.options) applyOptions(tpl, ctx.domain);
      else out.push(buildRecord(bytes, tpl, ctx));
      count++;
    }
  } else {
    while (end - off >= tpl.minLength) {
      const next = walkVariable(bytes, off, end, tpl);
      if (next < 0) {
        tally.add("bad_field_length");
        return count;
      }
      readVariable(view, tpl);
      if (tpl.options) applyOptions(tpl, ctx.domain);
      else out.push(buildRecord(bytes, tpl, ctx));
      count++;
      if (next === off) break; // cannot happen (minLength > 0), but never loop forever
      off = next;
    }
  }
  if (checkTail && isCutRecord(bytes, off, end)) tally.add("truncated");
  return count;
}

/**
 * What is left after the last record is padding (exporters align sets to 4 bytes with zeros), unless
 * it is 4 bytes or more and not all zeros: then it is a record cut short.
 */
function isCutRecord(bytes: Uint8Array, off: number, end: number): boolean {
  if (end - off < 4) return false;
  for (let i = off; i < end; i++) if (bytes[i] !== 0) return true;
  return false;
}

/** Fills tpl.varOffsets for the record at `off`; returns its end, or -1 when a field runs past `end`. */
function walkVariable(bytes: Uint8Array, off: number, end: number, tpl: CompiledTemplate): number {
  const lengths = tpl.lengths;
  const offsets = tpl.varOffsets;
  let pos = off;
  for (let i = 0; i < lengths.length; i++) {
    let len = lengths[i]!;
    if (len === VARIABLE_LENGTH) {
      if (pos >= end) return -1;
      len = bytes[pos]!;
      pos++;
      if (len === 255) {
        if (pos + 2 > end) return -1;
        len = (bytes[pos]! << 8) | bytes[pos + 1]!;
        pos += 2;
      }
    }
    offsets[i] = pos;
    pos += len;
    if (pos > end) return -1;
  }
  return pos;
}

function readFixed(view: DataView, recordStart: number, tpl: CompiledTemplate): void {
  const vals = tpl.vals;
  const targets = tpl.mapTarget;
  const offsets = tpl.mapOffset;
  const lengths = tpl.mapLength;
  for (let i = 0; i < targets.length; i++) {
    readInto(vals, view, targets[i]!, recordStart + offsets[i]!, lengths[i]!);
  }
}

function readVariable(view: DataView, tpl: CompiledTemplate): void {
  const vals = tpl.vals;
  const targets = tpl.mapTarget;
  const fields = tpl.mapField;
  const lengths = tpl.mapLength;
  const offsets = tpl.varOffsets;
  for (let i = 0; i < targets.length; i++) {
    readInto(vals, view, targets[i]!, offsets[fields[i]!]!, lengths[i]!);
  }
}

function readInto(vals: Float64Array, view: DataView, target: number, off: number, len: number): void {
  switch (target) {
    case T.src6:
    case T.dst6:
      vals[target] = off; // formatted from the bytes when the record is built
      return;
    case T.startNtp:
    case T.endNtp: {
      let sec = view.getUint32(off);
      if (sec < 0x80000000) sec += TWO_32; // NTP era 1 (after 2036)
      vals[target] = (sec - NTP_UNIX_OFFSET_S) * 1000 + Math.floor(view.getUint32(off + 4) / 4_294_967.296);
      return;
    }
    default:
      vals[target] = readUint(view, off, len);
  }
}

/** Big-endian unsigned integer of 1..8 bytes (reduced-size encoding); exact up to 2^53. */
function readUint(view: DataView, off: number, len: number): number {
  switch (len) {
    case 1:
      return view.getUint8(off);
    case 2:
      return view.getUint16(off);
    case 4:
      return view.getUint32(off);
    case 8:
      return view.getUint32(off) * TWO_32 + view.getUint32(off + 4);
    default: {
      let v = 0;
      for (let i = 0; i < len; i++) v = v * 256 + view.getUint8(off + i);
      return v;
    }
  }
}

/** Sampling rate carried by the record itself (0 = none; nonsense below 1 is ignored). */
function inlineRate(present: Uint8Array, vals: Float64Array): number {
  const rate = rawInlineRate(present, vals);
  return rate >= 1 ? rate : 0;
}

function rawInlineRate(present: Uint8Array, vals: Float64Array): number {
  if (present[T.samplingInterval] && vals[T.samplingInterval]! > 0) return vals[T.samplingInterval]!;
  if (present[T.samplerRandomInterval] && vals[T.samplerRandomInterval]! > 0) return vals[T.samplerRandomInterval]!;
  if (present[T.packetSpace]) {
    const interval = present[T.packetInterval] && vals[T.packetInterval]! > 0 ? vals[T.packetInterval]! : 1;
    return (interval + vals[T.packetSpace]!) / interval;
  }
  if (present[T.samplePopulation] && present[T.sampleSize] && vals[T.sampleSize]! > 0) {
    return vals[T.samplePopulation]! / vals[T.sampleSize]!;
  }
  return 0;
}

function samplerIdOf(present: Uint8Array, vals: Float64Array): number {
  if (present[T.samplerId]) return vals[T.samplerId]!;
  if (present[T.selectorId]) return vals[T.selectorId]!;
  return -1;
}

function applyOptions(tpl: CompiledTemplate, domain: DomainState): void {
  const present = tpl.present;
  const vals = tpl.vals;
  if (present[T.systemInitMs]) domain.systemInitMs = vals[T.systemInitMs]!;
  if (!tpl.hasInlineSampling) return;
  const rate = inlineRate(present, vals);
  if (rate <= 0) return;
  const id = samplerIdOf(present, vals);
  if (id < 0) {
    domain.defaultSamplingRate = rate;
    return;
  }
  const rates = (domain.samplerRates ??= new Map());
  if (!rates.has(id) && rates.size >= MAX_SAMPLER_IDS) return;
  rates.set(id, rate);
}

function announcedRate(present: Uint8Array, vals: Float64Array, domain: DomainState): number {
  const rates = domain.samplerRates;
  if (rates !== null) {
    const id = samplerIdOf(present, vals);
    if (id >= 0) {
      const r = rates.get(id);
      if (r !== undefined) return r;
    }
  }
  if (domain.defaultSamplingRate > 0) return domain.defaultSamplingRate;
  if (rates !== null && rates.size === 1) return rates.values().next().value ?? 0;
  return 0;
}

function absoluteTime(
  kind: TimeKind,
  uptime: number,
  ms: number,
  sec: number,
  ntp: number,
  ctx: RecordContext,
  present: Uint8Array,
  vals: Float64Array,
): number {
  switch (kind) {
    case TimeKind.uptime: {
      // Uptimes are uint32 ms and wrap (and exporters report flows from before their own start
      // as "negative" uptimes): take the difference to the export time as a signed 32-bit value.
      const t = vals[uptime]!;
      if (ctx.uptimeRef >= 0) return ctx.exportMs - ((ctx.uptimeRef - t) | 0);
      const init = present[T.systemInitMs] ? vals[T.systemInitMs]! : ctx.domain.systemInitMs;
      if (init !== init) return ctx.exportMs;
      return ctx.exportMs - ((((ctx.exportMs - init) >>> 0) - t) | 0);
    }
    case TimeKind.millis:
      return vals[ms]!;
    case TimeKind.seconds:
      return vals[sec]! * 1000;
    case TimeKind.ntp:
      return vals[ntp]!;
    default:
      return NaN;
  }
}

/** The IPv4 field unless absent (or zero while an IPv6 field is present), else the IPv6 field. */
function address(bytes: Uint8Array, present: Uint8Array, vals: Float64Array, v4: number, v6: number): string {
  if (present[v4] && (vals[v4] !== 0 || !present[v6])) return formatIpv4(vals[v4]!);
  if (present[v6]) return formatIpv6(bytes, vals[v6]!);
  return "0.0.0.0";
}

function buildRecord(bytes: Uint8Array, tpl: CompiledTemplate, ctx: RecordContext): FlowRecord {
  const present = tpl.present;
  const vals = tpl.vals;
  let rate = tpl.hasInlineSampling ? inlineRate(present, vals) : 0;
  if (rate <= 0) rate = announcedRate(present, vals, ctx.domain);
  if (rate <= 0) rate = 1;
  let octets = tpl.octetsSlot >= 0 ? vals[tpl.octetsSlot]! : 0;
  let packets = tpl.packetsSlot >= 0 ? vals[tpl.packetsSlot]! : 0;
  if (rate !== 1) {
    octets = Math.round(octets * rate);
    packets = Math.round(packets * rate);
  }
  let startMs = absoluteTime(tpl.startKind, T.startUptime, T.startMs, T.startSec, T.startNtp, ctx, present, vals);
  let endMs = absoluteTime(tpl.endKind, T.endUptime, T.endMs, T.endSec, T.endNtp, ctx, present, vals);
  if (startMs !== startMs) startMs = endMs === endMs ? endMs : ctx.exportMs;
  if (endMs !== endMs) endMs = startMs;
  // Unmapped slots are 0, so plain fields are read without presence checks.
  return {
    exporter: ctx.exporter,
    srcAddr: address(bytes, present, vals, T.src4, T.src6),
    dstAddr: address(bytes, present, vals, T.dst4, T.dst6),
    srcPort: vals[T.srcPort]!,
    // ICMP type * 256 + code goes where v5 exporters put it: the destination port.
    dstPort: present[T.dstPort] ? vals[T.dstPort]! : vals[T.icmpTypeCode]!,
    protocol: vals[T.protocol]!,
    bytes: octets,
    packets,
    startMs,
    endMs,
    tcpFlags: vals[T.tcpFlags]!,
    inputIf: vals[T.inputIf]!,
    outputIf: vals[T.outputIf]!,
    samplingRate: rate,
  };
}
