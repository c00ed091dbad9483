// Turns a v9/IPFIX template (a list of field specifiers) into a decoding plan: which fields map to
// which FlowRecord slot, at which offset inside the record, and which of several alternative
// fields (delta vs total counters, uptime vs absolute times) wins. Data records are then decoded by
// walking only the mapped fields, never by interpreting the template again.
import { IE, VARIABLE_LENGTH } from "./information-elements";

/** Slots a mapped field's value is written into (indices into the decoder's scratch array). */
export const T = {
  src4: 0,
  dst4: 1,
  src6: 2,
  dst6: 3,
  srcPort: 4,
  dstPort: 5,
  protocol: 6,
  octets: 7,
  octetsPost: 8,
  octetsTotal: 9,
  packets: 10,
  packetsPost: 11,
  packetsTotal: 12,
  startUptime: 13,
  endUptime: 14,
  startSec: 15,
  endSec: 16,
  startMs: 17,
  endMs: 18,
  startNtp: 19,
  endNtp: 20,
  tcpFlags: 21,
  inputIf: 22,
  outputIf: 23,
  samplingInterval: 24,
  samplerRandomInterval: 25,
  packetInterval: 26,
  packetSpace: 27,
  sampleSize: 28,
  samplePopulation: 29,
  samplerId: 30,
  selectorId: 31,
  systemInitMs: 32,
  icmpTypeCode: 33,
} as const;

export const TARGET_COUNT = 34;

/** How a record's start or end time is encoded. */
export const TimeKind = { none: 0, uptime: 1, seconds: 2, millis: 3, ntp: 4 } as const;
export type TimeKind = (typeof TimeKind)[keyof typeof TimeKind];

type Width = "ipv4" | "ipv6" | "ntp" | "uint";

const TARGET_OF: ReadonlyMap<number, readonly [number, Width]> = new Map<number, readonly [number, Width]>([
  [IE.sourceIPv4Address, [T.src4, "ipv4"]],
  [IE.destinationIPv4Address, [T.dst4, "ipv4"]],
  [IE.sourceIPv6Address, [T.src6, "ipv6"]],
  [IE.destinationIPv6Address, [T.dst6, "ipv6"]],
  [IE.sourceTransportPort, [T.srcPort, "uint"]],
  [IE.destinationTransportPort, [T.dstPort, "uint"]],
  [IE.protocolIdentifier, [T.protocol, "uint"]],
  [IE.octetDeltaCount, [T.octets, "uint"]],
  [IE.postOctetDeltaCount, [T.octetsPost, "uint"]],
  [IE.octetTotalCount, [T.octetsTotal, "uint"]],
  [IE.packetDeltaCount, [T.packets, "uint"]],
  [IE.postPacketDeltaCount, [T.packetsPost, "uint"]],
  [IE.packetTotalCount, [T.packetsTotal, "uint"]],
  [IE.flowStartSysUpTime, [T.startUptime, "uint"]],
  [IE.flowEndSysUpTime, [T.endUptime, "uint"]],
  [IE.flowStartSeconds, [T.startSec, "uint"]],
  [IE.flowEndSeconds, [T.endSec, "uint"]],
  [IE.flowStartMilliseconds, [T.startMs, "uint"]],
  [IE.flowEndMilliseconds, [T.endMs, "uint"]],
  [IE.flowStartMicroseconds, [T.startNtp, "ntp"]],
  [IE.flowEndMicroseconds, [T.endNtp, "ntp"]],
  [IE.flowStartNanoseconds, [T.startNtp, "ntp"]],
  [IE.flowEndNanoseconds, [T.endNtp, "ntp"]],
  [IE.tcpControlBits, [T.tcpFlags, "uint"]],
  [IE.ingressInterface, [T.inputIf, "uint"]],
  [IE.egressInterface, [T.outputIf, "uint"]],
  [IE.samplingInterval, [T.samplingInterval, "uint"]],
  [IE.samplerRandomInterval, [T.samplerRandomInterval, "uint"]],
  [IE.samplingPacketInterval, [T.packetInterval, "uint"]],
  [IE.samplingPacketSpace, [T.packetSpace, "uint"]],
  [IE.samplingSize, [T.sampleSize, "uint"]],
  [IE.samplingPopulation, [T.samplePopulation, "uint"]],
  [IE.samplerId, [T.samplerId, "uint"]],
  [IE.selectorId, [T.selectorId, "uint"]],
  [IE.systemInitTimeMilliseconds, [T.systemInitMs, "uint"]],
  [IE.icmpTypeCodeIPv4, [T.icmpTypeCode, "uint"]],
  [IE.icmpTypeCodeIPv6, [T.icmpTypeCode, "uint"]],
]);

function widthAccepts(width: Width, length: number): boolean {
  switch (width) {
    case "ipv4":
      return length === 4;
    case "ipv6":
      return length === 16;
    case "ntp":
      return length === 8;
    default:
      return length >= 1 && length <= 8;
  }
}

/** One field specifier as the template carries it. */
export interface FieldSpec {
  /** Information element id (enterprise bit removed). */
  id: number;
  length: number;
  /** Enterprise-specific (IPFIX enterprise bit set): never mapped, skipped by its length. */
  enterprise: boolean;
}

export interface CompiledTemplate {
  readonly id: number;
  readonly options: boolean;
  readonly fieldCount: number;
  /** Record length when no field is variable-length, else -1. */
  readonly fixedLength: number;
  /** Shortest possible record: fixed lengths plus one length byte per variable-length field. */
  readonly minLength: number;
  /** Every field's length (VARIABLE_LENGTH for IPFIX variable-length fields). */
  readonly lengths: Int32Array;
  /** Per mapped field: slot, index among all fields, offset in the record (-1 after a var-length field), length. */
  readonly mapTarget: Int32Array;
  readonly mapField: Int32Array;
  readonly mapOffset: Int32Array;
  readonly mapLength: Int32Array;
  /** Scratch for the offsets of one variable-length record. */
  readonly varOffsets: Int32Array;
  /** Scratch for one record's values, by slot; slots no field maps to stay 0. */
  readonly vals: Float64Array;
  /** 1 for each slot some field maps to. */
  readonly present: Uint8Array;
  /** Chosen slots (-1 = absent). */
  readonly octetsSlot: number;
  readonly packetsSlot: number;
  readonly startKind: TimeKind;
  readonly endKind: TimeKind;
  readonly hasInlineSampling: boolean;
  /** Mapped information elements whose length made them unusable (skipped instead). */
  readonly badFieldCount: number;
  /** The template record's bytes, to tell a refresh from a redefinition. */
  readonly raw: Uint8Array;
}

/** Largest record a template may describe: an IPFIX/v9 set cannot carry more. */
export const MAX_RECORD_LENGTH = 65535 - 20 - 4;

export type CompileResult = { ok: true; template: CompiledTemplate } | { ok: false };

/**
 * Compiles a template. Fails (`bad_template`) when the record would be empty or longer than any
 * datagram can carry; fields with a length unusable for their element are skipped and counted.
 */
export function compileTemplate(
  id: number,
  fields: readonly FieldSpec[],
  options: boolean,
  raw: Uint8Array,
  allowVariable: boolean,
): CompileResult {
  const n = fields.length;
  if (n === 0) return { ok: false };
  const lengths = new Int32Array(n);
  const present = new Uint8Array(TARGET_COUNT);
  const mt: number[] = [];
  const mf: number[] = [];
  const mo: number[] = [];
  const ml: number[] = [];
  let fixed = true;
  let offset = 0;
  let minLength = 0;
  let badFieldCount = 0;
  for (let i = 0; i < n; i++) {
    const f = fields[i]!;
    const variable = allowVariable && f.length === VARIABLE_LENGTH;
    lengths[i] = f.length;
    const mapping = f.enterprise ? undefined : TARGET_OF.get(f.id);
    if (mapping) {
      if (!variable && widthAccepts(mapping[1], f.length)) {
        mt.push(mapping[0]);
        mf.push(i);
        mo.push(fixed ? offset : -1);
        ml.push(f.length);
        present[mapping[0]] = 1;
      } else {
        badFieldCount++;
      }
    }
    if (variable) {
      fixed = false;
      minLength += 1;
    } else {
      offset += f.length;
      minLength += f.length;
    }
  }
  if (minLength === 0 || minLength > MAX_RECORD_LENGTH) return { ok: false };
  const pick = (...slots: number[]): number => {
    for (const s of slots) if (present[s]) return s;
    return -1;
  };
  const timeKind = (uptime: number, ms: number, sec: number, ntp: number): TimeKind =>
    present[uptime]
      ? TimeKind.uptime
      : present[ms]
        ? TimeKind.millis
        : present[sec]
          ? TimeKind.seconds
          : present[ntp]
            ? TimeKind.ntp
            : TimeKind.none;
  return {
    ok: true,
    template: {
      id,
      options,
      fieldCount: n,
      fixedLength: fixed ? offset : -1,
      minLength,
      lengths,
      mapTarget: Int32Array.from(mt),
      mapField: Int32Array.from(mf),
      mapOffset: Int32Array.from(mo),
      mapLength: Int32Array.from(ml),
      varOffsets: new Int32Array(fixed ? 0 : n),
      vals: new Float64Array(TARGET_COUNT),
      present,
      octetsSlot: pick(T.octets, T.octetsPost, T.octetsTotal),
      packetsSlot: pick(T.packets, T.packetsPost, T.packetsTotal),
      startKind: timeKind(T.startUptime, T.startMs, T.startSec, T.startNtp),
      endKind: timeKind(T.endUptime, T.endMs, T.endSec, T.endNtp),
      hasInlineSampling:
        present[T.samplingInterval] === 1 ||
        present[T.samplerRandomInterval] === 1 ||
        present[T.packetSpace] === 1 ||
        present[T.samplePopulation] === 1,
      badFieldCount,
      raw: Uint8Array.from(raw),
    },
  };
}

/** True when `bytes[start, end)` equals the template's raw bytes (a refresh, not a redefinition). */
export function sameTemplateBytes(template: CompiledTemplate, bytes: Uint8Array, start: number, end: number): boolean {
  const raw = template.raw;
  if (raw.length !== end - start) return false;
  for (let i = 0; i < raw.length; i++) if (raw[i] !== bytes[start + i]) return false;
  return true;
}
