// What one SNMP poll of a device reads (a snapshot), and the metrics two successive snapshots give.
//
// Read per poll: sysUpTime; per interface (IF-MIB ifTable/ifXTable) type, speed, octets and unicast
// packets (64-bit HC counters where the agent has them, else 32-bit), errors and discards;
// HOST-RESOURCES-MIB hrProcessorLoad (one per processor) and hrStorage rows of type hrStorageRam.
//
// Derived (deriveDeviceMetrics):
//   bandwidthInBps / bandwidthOutBps  Σ over interfaces of the octet rate × 8 (bits per second)
//   packetsPerSec                     Σ of in + out unicast packet rates
//   packetLossPct                     errors + discards (in and out) as a percentage of the packets
//                                     the interfaces handled (in delivered + in dropped + out requested)
//   cpuPct                            mean hrProcessorLoad over processors
//   memoryPct                         Σ hrStorageUsed / Σ hrStorageSize over hrStorageRam rows
//
// A summed rate is reported only when every interface known in both snapshots gave a valid rate for
// it: an interval where one interface's counter was reset or implausible yields no value rather than
// a false dip or spike. Interfaces that appear (first seen) or vanish contribute nothing that
// interval. A restarted agent (sysUpTime backwards) yields no rates for that interval. Pure.
import type { MetricName } from "@/lib/telemetry/metrics";
import { counterRateDetail, readingInterval, type CounterRateFailure } from "./counter-rate";

export const OID = {
  sysUpTime: "1.3.6.1.2.1.1.3",
  sysUpTimeInstance: "1.3.6.1.2.1.1.3.0",
  ifType: "1.3.6.1.2.1.2.2.1.3",
  ifSpeed: "1.3.6.1.2.1.2.2.1.5",
  ifInOctets: "1.3.6.1.2.1.2.2.1.10",
  ifInUcastPkts: "1.3.6.1.2.1.2.2.1.11",
  ifInDiscards: "1.3.6.1.2.1.2.2.1.13",
  ifInErrors: "1.3.6.1.2.1.2.2.1.14",
  ifOutOctets: "1.3.6.1.2.1.2.2.1.16",
  ifOutUcastPkts: "1.3.6.1.2.1.2.2.1.17",
  ifOutDiscards: "1.3.6.1.2.1.2.2.1.19",
  ifOutErrors: "1.3.6.1.2.1.2.2.1.20",
  ifHCInOctets: "1.3.6.1.2.1.31.1.1.1.6",
  ifHCInUcastPkts: "1.3.6.1.2.1.31.1.1.1.7",
  ifHCOutOctets: "1.3.6.1.2.1.31.1.1.1.10",
  ifHCOutUcastPkts: "1.3.6.1.2.1.31.1.1.1.11",
  ifHighSpeed: "1.3.6.1.2.1.31.1.1.1.15",
  hrProcessorLoad: "1.3.6.1.2.1.25.3.3.1.2",
  hrStorageType: "1.3.6.1.2.1.25.2.3.1.2",
  hrStorageAllocationUnits: "1.3.6.1.2.1.25.2.3.1.4",
  hrStorageSize: "1.3.6.1.2.1.25.2.3.1.5",
  hrStorageUsed: "1.3.6.1.2.1.25.2.3.1.6",
  hrStorageRam: "1.3.6.1.2.1.25.2.1.2",
} as const;

/** The table columns one poll walks. */
export const POLL_COLUMNS: readonly string[] = [
  OID.ifType,
  OID.ifSpeed,
  OID.ifInOctets,
  OID.ifInUcastPkts,
  OID.ifInDiscards,
  OID.ifInErrors,
  OID.ifOutOctets,
  OID.ifOutUcastPkts,
  OID.ifOutDiscards,
  OID.ifOutErrors,
  OID.ifHCInOctets,
  OID.ifHCInUcastPkts,
  OID.ifHCOutOctets,
  OID.ifHCOutUcastPkts,
  OID.ifHighSpeed,
  OID.hrProcessorLoad,
  OID.hrStorageType,
  OID.hrStorageAllocationUnits,
  OID.hrStorageSize,
  OID.hrStorageUsed,
];

/** SMI types as they arrive on the wire (ASN.1 tags). */
export const SnmpType = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  OID: 6,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Counter64: 70,
  NoSuchObject: 128,
  NoSuchInstance: 129,
  EndOfMibView: 130,
} as const;

/** A varbind as the SNMP library hands it over (Counter64 values are big-endian byte buffers). */
export interface RawVarbind {
  oid: string;
  type: number;
  value: unknown;
}

/** Walked columns: column OID → row index (the OID suffix) → varbind. */
export type WalkedColumns = ReadonlyMap<string, ReadonlyMap<string, RawVarbind>>;

export interface Counter {
  value: bigint;
  bits: 32 | 64;
}

export type InterfaceCounterName =
  | "inOctets"
  | "outOctets"
  | "inUcastPkts"
  | "outUcastPkts"
  | "inErrors"
  | "outErrors"
  | "inDiscards"
  | "outDiscards";

export interface InterfaceReading {
  /** IANAifType (6 ethernetCsmacd, 24 softwareLoopback, ...); null when not reported. */
  type: number | null;
  /** Bits per second (ifHighSpeed × 10^6, else ifSpeed); null when unknown or 0. */
  speedBps: number | null;
  counters: Partial<Record<InterfaceCounterName, Counter>>;
}

export interface DeviceSnapshot {
  /** Poll time, epoch ms. */
  atMs: number;
  uptimeTicks: number | null;
  /** By ifIndex. */
  interfaces: ReadonlyMap<string, InterfaceReading>;
  /** hrProcessorLoad values in [0, 100]. */
  cpuLoads: readonly number[];
  /** Σ over hrStorageRam rows, bytes; null when the agent has none. */
  memory: { usedBytes: number; sizeBytes: number } | null;
}

export interface SnapshotResult {
  snapshot: DeviceSnapshot;
  /** Values of the wrong type or out of range (ignored). */
  invalidValues: number;
}

const MAX_UINT32 = 4294967295;

/** Unsigned value of a Counter64 (big-endian bytes, maybe a leading 0) or Counter32 varbind. */
export function counterValue(vb: RawVarbind): Counter | null {
  if (vb.type === SnmpType.Counter64) {
    const v = vb.value;
    if (!(v instanceof Uint8Array)) return null;
    let start = 0;
    while (start < v.length - 1 && v[start] === 0) start++;
    if (v.length - start > 8 || v.length === 0) return null;
    let n = 0n;
    for (let i = start; i < v.length; i++) n = (n << 8n) | BigInt(v[i]!);
    return { value: n, bits: 64 };
  }
  if (vb.type === SnmpType.Counter32) {
    const v = vb.value;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_UINT32) return null;
    return { value: BigInt(v), bits: 32 };
  }
  return null;
}

function integerValue(vb: RawVarbind | undefined, types: readonly number[]): number | null | undefined {
  if (!vb) return undefined;
  if (!types.includes(vb.type) || typeof vb.value !== "number" || !Number.isInteger(vb.value)) return null;
  return vb.value;
}

const COUNTER_COLUMNS: ReadonlyArray<[InterfaceCounterName, string, string | null]> = [
  // name, 32-bit column, 64-bit column (preferred)
  ["inOctets", OID.ifInOctets, OID.ifHCInOctets],
  ["outOctets", OID.ifOutOctets, OID.ifHCOutOctets],
  ["inUcastPkts", OID.ifInUcastPkts, OID.ifHCInUcastPkts],
  ["outUcastPkts", OID.ifOutUcastPkts, OID.ifHCOutUcastPkts],
  ["inErrors", OID.ifInErrors, null],
  ["outErrors", OID.ifOutErrors, null],
  ["inDiscards", OID.ifInDiscards, null],
  ["outDiscards", OID.ifOutDiscards, null],
];

export function snapshotFromColumns(columns: WalkedColumns, uptimeTicks: number | null, atMs: number): SnapshotResult {
  let invalidValues = 0;
  const col = (oid: string) => columns.get(oid) ?? new Map<string, RawVarbind>();

  const ifIndexes = new Set<string>();
  for (const c of [OID.ifType, OID.ifSpeed, OID.ifHighSpeed, ...COUNTER_COLUMNS.flatMap(([, a, b]) => (b ? [a, b] : [a]))]) {
    for (const idx of col(c).keys()) ifIndexes.add(idx);
  }

  const interfaces = new Map<string, InterfaceReading>();
  for (const idx of ifIndexes) {
    const type = integerValue(col(OID.ifType).get(idx), [SnmpType.Integer]);
    const speed = integerValue(col(OID.ifSpeed).get(idx), [SnmpType.Gauge32]);
    const highSpeed = integerValue(col(OID.ifHighSpeed).get(idx), [SnmpType.Gauge32]);
    if (type === null) invalidValues++;
    if (speed === null) invalidValues++;
    if (highSpeed === null) invalidValues++;
    let speedBps: number | null = null;
    if (typeof highSpeed === "number" && highSpeed > 0) speedBps = highSpeed * 1e6;
    else if (typeof speed === "number" && speed > 0 && speed < MAX_UINT32) speedBps = speed;

    const counters: InterfaceReading["counters"] = {};
    for (const [name, c32, c64] of COUNTER_COLUMNS) {
      let chosen: Counter | null = null;
      for (const c of c64 ? [c64, c32] : [c32]) {
        const vb = col(c).get(idx);
        if (!vb) continue;
        const v = counterValue(vb);
        if (v === null) {
          invalidValues++;
          continue;
        }
        chosen = v;
        break;
      }
      if (chosen) counters[name] = chosen;
    }
    interfaces.set(idx, { type: typeof type === "number" ? type : null, speedBps, counters });
  }

  const cpuLoads: number[] = [];
  for (const vb of col(OID.hrProcessorLoad).values()) {
    const v = integerValue(vb, [SnmpType.Integer]);
    if (typeof v === "number" && v >= 0 && v <= 100) cpuLoads.push(v);
    else invalidValues++;
  }

  let memory: DeviceSnapshot["memory"] = null;
  for (const [idx, typeVb] of col(OID.hrStorageType)) {
    if (typeVb.type !== SnmpType.OID || typeVb.value !== OID.hrStorageRam) continue;
    const units = integerValue(col(OID.hrStorageAllocationUnits).get(idx), [SnmpType.Integer]);
    const size = integerValue(col(OID.hrStorageSize).get(idx), [SnmpType.Integer]);
    const used = integerValue(col(OID.hrStorageUsed).get(idx), [SnmpType.Integer]);
    if (typeof units !== "number" || typeof size !== "number" || typeof used !== "number" || units <= 0 || size <= 0 || used < 0 || used > size) {
      invalidValues++;
      continue;
    }
    memory ??= { usedBytes: 0, sizeBytes: 0 };
    memory.usedBytes += used * units;
    memory.sizeBytes += size * units;
  }

  return { snapshot: { atMs, uptimeTicks, interfaces, cpuLoads, memory }, invalidValues };
}

// Interface types whose ifSpeed says nothing about what the interface can carry.
const SPEEDLESS_TYPES = new Set([
  1, // other
  24, // softwareLoopback
  53, // propVirtual
  131, // tunnel
  135, // l2vlan
  136, // l3ipvlan
  209, // bridge
]);

/** Line-rate ceilings with slack (agents cache counters a few seconds, so short intervals jitter). */
const SPEED_SLACK = 1.5;
const MIN_FRAME_BYTES = 64;

/**
 * The most a counter can plausibly move per second on this interface, or undefined when only the
 * counter's own range limits it. Only 32-bit counters are checked against the speed: their wraps
 * are ambiguous (a fast link wraps one within a minute); a Counter64 moving forward is trusted
 * (ifSpeed is often wrong on virtual interfaces), and its backward steps are caught as resets.
 */
function ceilingPerSec(iface: InterfaceReading, name: InterfaceCounterName, bits: 32 | 64): number | undefined {
  if (bits === 64 || iface.speedBps === null) return undefined;
  if (iface.type !== null && SPEEDLESS_TYPES.has(iface.type)) return undefined;
  const bytesPerSec = (iface.speedBps / 8) * SPEED_SLACK;
  return name === "inOctets" || name === "outOctets" ? bytesPerSec : bytesPerSec / MIN_FRAME_BYTES;
}

/** Why a summed rate was withheld: a counter's rate failed, or a counter an interface had is gone. */
export type WithheldReason = CounterRateFailure | "counter_missing";

export interface DerivedMetrics {
  values: Partial<Record<MetricName, number>>;
  /** Why summed rates were withheld this interval (one entry per metric withheld). */
  withheld: Array<{ metric: MetricName; reason: WithheldReason }>;
  /** The agent restarted since the previous snapshot. */
  rebooted: boolean;
}

type RateSums = Record<InterfaceCounterName, { sum: number; failure: WithheldReason | null; any: boolean }>;

export function deriveDeviceMetrics(prev: DeviceSnapshot | null, cur: DeviceSnapshot): DerivedMetrics {
  const values: DerivedMetrics["values"] = {};
  const withheld: DerivedMetrics["withheld"] = [];
  let rebooted = false;

  if (cur.cpuLoads.length > 0) values.cpuPct = cur.cpuLoads.reduce((a, b) => a + b, 0) / cur.cpuLoads.length;
  if (cur.memory && cur.memory.sizeBytes > 0) values.memoryPct = Math.min(100, (cur.memory.usedBytes / cur.memory.sizeBytes) * 100);

  if (!prev) return { values, withheld, rebooted };
  const interval = readingInterval(prev, cur);
  const rateMetrics: MetricName[] = ["bandwidthInBps", "bandwidthOutBps", "packetsPerSec", "packetLossPct"];
  if (!interval.ok) {
    if (interval.reason === "reboot") {
      rebooted = true;
      for (const metric of rateMetrics) withheld.push({ metric, reason: "reboot" });
    }
    return { values, withheld, rebooted };
  }

  const sums = Object.fromEntries(
    COUNTER_COLUMNS.map(([name]) => [name, { sum: 0, failure: null, any: false }]),
  ) as unknown as RateSums;
  for (const [idx, iface] of cur.interfaces) {
    const before = prev.interfaces.get(idx);
    if (!before) continue; // new interface: baseline only
    for (const [name] of COUNTER_COLUMNS) {
      const a = before.counters[name];
      const b = iface.counters[name];
      const acc = sums[name];
      if (!a && !b) continue;
      if (!a || !b) {
        acc.failure ??= "counter_missing";
        continue;
      }
      const r = counterRateDetail(
        { ...a, uptimeTicks: prev.uptimeTicks, atMs: prev.atMs },
        { ...b, uptimeTicks: cur.uptimeTicks, atMs: cur.atMs },
        { maxPerSec: ceilingPerSec(iface, name, b.bits) },
      );
      if (r.ok) {
        acc.sum += r.rate;
        acc.any = true;
      } else {
        acc.failure ??= r.reason;
      }
    }
  }

  const total = (metric: MetricName, names: InterfaceCounterName[]): number | null => {
    const failure = names.map((n) => sums[n].failure).find((f) => f !== null);
    if (failure) {
      withheld.push({ metric, reason: failure });
      return null;
    }
    if (!names.every((n) => sums[n].any)) return null;
    return names.reduce((acc, n) => acc + sums[n].sum, 0);
  };

  const inBytes = total("bandwidthInBps", ["inOctets"]);
  if (inBytes !== null) values.bandwidthInBps = inBytes * 8;
  const outBytes = total("bandwidthOutBps", ["outOctets"]);
  if (outBytes !== null) values.bandwidthOutBps = outBytes * 8;
  const packets = total("packetsPerSec", ["inUcastPkts", "outUcastPkts"]);
  if (packets !== null) values.packetsPerSec = packets;

  const lossNames: InterfaceCounterName[] = ["inErrors", "outErrors", "inDiscards", "outDiscards", "inUcastPkts", "outUcastPkts"];
  const lossFailure = lossNames.map((n) => sums[n].failure).find((f) => f !== null);
  if (lossFailure) {
    withheld.push({ metric: "packetLossPct", reason: lossFailure });
  } else if (lossNames.every((n) => sums[n].any)) {
    const lost = sums.inErrors.sum + sums.outErrors.sum + sums.inDiscards.sum + sums.outDiscards.sum;
    // ifOutUcastPkts already counts packets later discarded or not sent; inbound ones do not.
    const handled = sums.inUcastPkts.sum + sums.inErrors.sum + sums.inDiscards.sum + sums.outUcastPkts.sum;
    if (handled > 0) values.packetLossPct = Math.min(100, (lost / handled) * 100);
  }

  return { values, withheld, rebooted };
}
