import { describe, expect, it } from "vitest";
import {
  OID,
  SnmpType,
  counterValue,
  deriveDeviceMetrics,
  snapshotFromColumns,
  type DeviceSnapshot,
  type RawVarbind,
} from "@/lib/telemetry/snmp/device-snapshot";

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

function c64(n: bigint): Buffer {
  const b = Buffer.alloc(9);
  b.writeBigUInt64BE(n, 1); // with the leading 0 BER uses for values with the top bit set
  return b;
}

type Row = Record<string, { type: number; value: unknown }>;

/** Builds walked columns from { column OID: { ifIndex: { type, value } } }. */
function columns(spec: Record<string, Row>) {
  return new Map(
    Object.entries(spec).map(([col, rows]) => [
      col,
      new Map(Object.entries(rows).map(([idx, v]) => [idx, { oid: `${col}.${idx}`, ...v } satisfies RawVarbind])),
    ]),
  );
}

interface IfSpec {
  type?: number;
  speed?: number;
  highSpeed?: number;
  inOctets?: bigint;
  outOctets?: bigint;
  inPkts?: bigint;
  outPkts?: bigint;
  inErr?: number;
  outErr?: number;
  inDisc?: number;
  outDisc?: number;
  hc?: boolean;
}

function device(ifs: Record<string, IfSpec>, extra: Record<string, Row> = {}) {
  const spec: Record<string, Row> = {};
  const put = (col: string, idx: string, type: number, value: unknown) => {
    (spec[col] ??= {})[idx] = { type, value };
  };
  for (const [idx, f] of Object.entries(ifs)) {
    put(OID.ifType, idx, SnmpType.Integer, f.type ?? 6);
    if (f.speed !== undefined) put(OID.ifSpeed, idx, SnmpType.Gauge32, f.speed);
    if (f.highSpeed !== undefined) put(OID.ifHighSpeed, idx, SnmpType.Gauge32, f.highSpeed);
    const hc = f.hc ?? true;
    if (f.inOctets !== undefined) hc ? put(OID.ifHCInOctets, idx, SnmpType.Counter64, c64(f.inOctets)) : put(OID.ifInOctets, idx, SnmpType.Counter32, Number(f.inOctets));
    if (f.outOctets !== undefined) hc ? put(OID.ifHCOutOctets, idx, SnmpType.Counter64, c64(f.outOctets)) : put(OID.ifOutOctets, idx, SnmpType.Counter32, Number(f.outOctets));
    if (f.inPkts !== undefined) put(OID.ifHCInUcastPkts, idx, SnmpType.Counter64, c64(f.inPkts));
    if (f.outPkts !== undefined) put(OID.ifHCOutUcastPkts, idx, SnmpType.Counter64, c64(f.outPkts));
    if (f.inErr !== undefined) put(OID.ifInErrors, idx, SnmpType.Counter32, f.inErr);
    if (f.outErr !== undefined) put(OID.ifOutErrors, idx, SnmpType.Counter32, f.outErr);
    if (f.inDisc !== undefined) put(OID.ifInDiscards, idx, SnmpType.Counter32, f.inDisc);
    if (f.outDisc !== undefined) put(OID.ifOutDiscards, idx, SnmpType.Counter32, f.outDisc);
  }
  return columns({ ...spec, ...extra });
}

const hostResources: Record<string, Row> = {
  [OID.hrProcessorLoad]: { "196608": { type: SnmpType.Integer, value: 20 }, "196609": { type: SnmpType.Integer, value: 60 } },
  [OID.hrStorageType]: {
    "1": { type: SnmpType.OID, value: OID.hrStorageRam },
    "3": { type: SnmpType.OID, value: "1.3.6.1.2.1.25.2.1.3" }, // virtual memory: ignored
    "36": { type: SnmpType.OID, value: "1.3.6.1.2.1.25.2.1.4" }, // a disk: ignored
  },
  [OID.hrStorageAllocationUnits]: { "1": { type: SnmpType.Integer, value: 1024 }, "3": { type: SnmpType.Integer, value: 1024 }, "36": { type: SnmpType.Integer, value: 4096 } },
  [OID.hrStorageSize]: { "1": { type: SnmpType.Integer, value: 8_000_000 }, "3": { type: SnmpType.Integer, value: 9_000_000 }, "36": { type: SnmpType.Integer, value: 1_000_000 } },
  [OID.hrStorageUsed]: { "1": { type: SnmpType.Integer, value: 2_000_000 }, "3": { type: SnmpType.Integer, value: 8_000_000 }, "36": { type: SnmpType.Integer, value: 999_999 } },
};

function snap(ifs: Record<string, IfSpec>, uptimeTicks: number | null, atMs: number, extra: Record<string, Row> = {}): DeviceSnapshot {
  const { snapshot, invalidValues } = snapshotFromColumns(device(ifs, extra), uptimeTicks, atMs);
  expect(invalidValues).toBe(0);
  return snapshot;
}

describe("counterValue", () => {
  it.each([
    [{ oid: "x", type: SnmpType.Counter64, value: c64(2n ** 64n - 1n) }, { value: 2n ** 64n - 1n, bits: 64 }],
    [{ oid: "x", type: SnmpType.Counter64, value: Buffer.from([0x01, 0x00]) }, { value: 256n, bits: 64 }],
    [{ oid: "x", type: SnmpType.Counter64, value: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 5]) }, { value: 5n, bits: 64 }],
    [{ oid: "x", type: SnmpType.Counter32, value: 4294967295 }, { value: 4294967295n, bits: 32 }],
    [{ oid: "x", type: SnmpType.Counter64, value: Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0]) }, null], // 2^64: too big
    [{ oid: "x", type: SnmpType.Counter32, value: -1 }, null],
    [{ oid: "x", type: SnmpType.OctetString, value: Buffer.from("12") }, null],
    [{ oid: "x", type: SnmpType.Counter64, value: "12" }, null],
  ])("%#", (vb, expected) => {
    expect(counterValue(vb as RawVarbind)).toEqual(expected);
  });
});

describe("snapshotFromColumns", () => {
  it("reads interfaces, processors and RAM; prefers 64-bit counters; speed from ifHighSpeed", () => {
    const cols = device({ "1": { type: 24, speed: 10_000_000, highSpeed: 10, inOctets: 5n }, "2": { speed: 1_000_000_000, inOctets: 7n, hc: false } }, hostResources);
    // ifIndex 1 has a 32-bit counter too (a different value): the 64-bit one is used.
    cols.set(OID.ifInOctets, new Map([["1", { oid: `${OID.ifInOctets}.1`, type: SnmpType.Counter32, value: 3 }], ...cols.get(OID.ifInOctets)!]));
    const { snapshot, invalidValues } = snapshotFromColumns(cols, 1234, T0);
    expect(invalidValues).toBe(0);
    expect(snapshot.uptimeTicks).toBe(1234);
    expect(snapshot.interfaces.get("1")).toEqual({ type: 24, speedBps: 10_000_000, counters: { inOctets: { value: 5n, bits: 64 } } });
    expect(snapshot.interfaces.get("2")).toEqual({ type: 6, speedBps: 1_000_000_000, counters: { inOctets: { value: 7n, bits: 32 } } });
    expect(snapshot.cpuLoads).toEqual([20, 60]);
    expect(snapshot.memory).toEqual({ usedBytes: 2_000_000 * 1024, sizeBytes: 8_000_000 * 1024 });
  });

  it("counts and ignores values of the wrong type or range", () => {
    const cols = columns({
      [OID.ifType]: { "1": { type: SnmpType.OctetString, value: Buffer.from("eth") } },
      [OID.ifHCInOctets]: { "1": { type: SnmpType.Integer, value: 5 } },
      [OID.hrProcessorLoad]: { "1": { type: SnmpType.Integer, value: 250 }, "2": { type: SnmpType.Integer, value: 50 } },
      [OID.hrStorageType]: { "1": { type: SnmpType.OID, value: OID.hrStorageRam } },
      [OID.hrStorageAllocationUnits]: { "1": { type: SnmpType.Integer, value: 1024 } },
      [OID.hrStorageSize]: { "1": { type: SnmpType.Integer, value: 100 } },
      [OID.hrStorageUsed]: { "1": { type: SnmpType.Integer, value: 500 } }, // used > size
    });
    const { snapshot, invalidValues } = snapshotFromColumns(cols, null, T0);
    expect(invalidValues).toBe(4);
    expect(snapshot.cpuLoads).toEqual([50]);
    expect(snapshot.memory).toBeNull();
    expect(snapshot.interfaces.get("1")).toEqual({ type: null, speedBps: null, counters: {} });
  });
});

describe("deriveDeviceMetrics", () => {
  const base = { "1": { type: 24, inOctets: 1_000n, outOctets: 2_000n, inPkts: 10n, outPkts: 20n, inErr: 0, outErr: 0, inDisc: 0, outDisc: 0 }, "2": { highSpeed: 1000, inOctets: 0n, outOctets: 0n, inPkts: 0n, outPkts: 0n, inErr: 0, outErr: 0, inDisc: 0, outDisc: 0 } };

  it("first poll: gauges only (cpu mean, RAM used/size)", () => {
    const d = deriveDeviceMetrics(null, snap(base, 1_000, T0, hostResources));
    expect(d.values).toEqual({ cpuPct: 40, memoryPct: 25 });
    expect(d.withheld).toEqual([]);
  });

  it("sums rates over interfaces: bits per second, packets in + out, loss percentage", () => {
    const prev = snap(base, 1_000, T0);
    const cur = snap(
      {
        "1": { ...base["1"], inOctets: 1_000n + 60_000n, outOctets: 2_000n + 120_000n, inPkts: 10n + 600n, outPkts: 20n + 600n },
        "2": { ...base["2"], inOctets: 600_000n, outOctets: 60_000n, inPkts: 5_400n, outPkts: 1_200n, inErr: 30, inDisc: 30, outDisc: 60 },
      },
      7_000,
      T0 + 60_000,
      hostResources,
    );
    const d = deriveDeviceMetrics(prev, cur);
    expect(d.values.bandwidthInBps).toBeCloseTo(((60_000 + 600_000) / 60) * 8);
    expect(d.values.bandwidthOutBps).toBeCloseTo(((120_000 + 60_000) / 60) * 8);
    expect(d.values.packetsPerSec).toBeCloseTo((600 + 600 + 5_400 + 1_200) / 60);
    // lost 120 of (in delivered 6000 + in errors 30 + in discards 30 + out requested 1800)
    expect(d.values.packetLossPct).toBeCloseTo((120 / (6_000 + 30 + 30 + 1_800)) * 100);
    expect(d.values.cpuPct).toBe(40);
    expect(d.withheld).toEqual([]);
  });

  it("agent restart (sysUpTime back): no rates that interval, gauges still reported", () => {
    const prev = snap(base, 900_000, T0, hostResources);
    const cur = snap({ ...base, "2": { ...base["2"], inOctets: 10n ** 9n } }, 3_000, T0 + 60_000, hostResources);
    const d = deriveDeviceMetrics(prev, cur);
    expect(d.rebooted).toBe(true);
    expect(d.values).toEqual({ cpuPct: 40, memoryPct: 25 });
    expect(d.withheld.map((w) => w.metric).sort()).toEqual(["bandwidthInBps", "bandwidthOutBps", "packetLossPct", "packetsPerSec"]);
  });

  it("a 32-bit counter jumping beyond the interface speed withholds that sum (no false spike)", () => {
    const ifs = { "5": { speed: 100_000_000, inOctets: 1_000n, outOctets: 1_000n, hc: false } };
    const prev = snap(ifs, 0, T0);
    // 100 Mbit/s moves at most 750 MB a minute; 3.9 GB is a counter discontinuity.
    const cur = snap({ "5": { ...ifs["5"], inOctets: 3_900_000_000n, outOctets: 2_000n } }, 6_000, T0 + 60_000);
    const d = deriveDeviceMetrics(prev, cur);
    expect(d.values.bandwidthInBps).toBeUndefined();
    expect(d.values.bandwidthOutBps).toBeCloseTo((1_000 / 60) * 8);
    expect(d.withheld).toEqual([{ metric: "bandwidthInBps", reason: "implausible" }]);
  });

  it("a 32-bit counter that wrapped within the speed is a valid rate", () => {
    const ifs = { "5": { speed: 1_000_000_000, inOctets: 4_294_000_000n, outOctets: 0n, hc: false } };
    const prev = snap(ifs, 0, T0);
    const cur = snap({ "5": { ...ifs["5"], inOctets: 32_703_296n } }, 6_000, T0 + 60_000); // +33,670,592 bytes across the wrap
    expect(deriveDeviceMetrics(prev, cur).values.bandwidthInBps).toBeCloseTo((33_670_592 / 60) * 8);
  });

  it("a 64-bit counter moving forward is trusted even above a (wrong) ifSpeed", () => {
    const ifs = { "7": { speed: 10_000_000, inOctets: 0n, outOctets: 0n } }; // a virtual NIC claiming 10 Mbit/s
    const d = deriveDeviceMetrics(snap(ifs, 0, T0), snap({ "7": { ...ifs["7"], inOctets: 750_000_000n } }, 6_000, T0 + 60_000));
    expect(d.values.bandwidthInBps).toBeCloseTo(100_000_000);
  });

  it("a 64-bit counter reset (without reboot) withholds the sum", () => {
    const ifs = { "1": { inOctets: 10n ** 12n, outOctets: 10n } };
    const d = deriveDeviceMetrics(snap(ifs, 0, T0), snap({ "1": { inOctets: 5n, outOctets: 20n } }, 6_000, T0 + 60_000));
    expect(d.values.bandwidthInBps).toBeUndefined();
    expect(d.withheld).toEqual([{ metric: "bandwidthInBps", reason: "implausible" }]);
  });

  it("a new interface is a baseline only; a vanished one contributes nothing", () => {
    const prev = snap({ "1": { inOctets: 0n, outOctets: 0n }, "9": { inOctets: 0n, outOctets: 0n } }, 0, T0);
    const cur = snap({ "1": { inOctets: 6_000n, outOctets: 0n }, "2": { inOctets: 10n ** 10n, outOctets: 0n } }, 6_000, T0 + 60_000);
    const d = deriveDeviceMetrics(prev, cur);
    expect(d.values.bandwidthInBps).toBeCloseTo(800);
    expect(d.withheld).toEqual([]);
  });

  it("identical snapshots (same poll): no rates, no complaint", () => {
    const s = snap(base, 1_000, T0, hostResources);
    expect(deriveDeviceMetrics(s, s)).toEqual({ values: { cpuPct: 40, memoryPct: 25 }, withheld: [], rebooted: false });
  });

  it("an idle device: zero rates, loss not defined without packets", () => {
    const d = deriveDeviceMetrics(snap(base, 1_000, T0), snap(base, 7_000, T0 + 60_000));
    expect(d.values).toEqual({ bandwidthInBps: 0, bandwidthOutBps: 0, packetsPerSec: 0 });
  });
});
