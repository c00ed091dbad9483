// Valid NetFlow v5 / v9 / IPFIX datagrams and ways of breaking them, for fuzzing the decoders
// (in process here, over a real UDP socket in tests/integration/netflow). Seeded, so a failure
// reproduces.
import { encodeIpfix } from "@/lib/telemetry/netflow/encode-ipfix";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import { cat, ip4, ipfixMessage, ipfixOptionsTemplate, ipfixTemplate, set, u16, u32, u64, varlen } from "./wire";

/** xorshift32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export function sampleFlows(n: number, exportMs: number, offset = 0): FlowExportRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const v6 = i % 5 === 4;
    return {
      srcAddr: v6 ? `2001:db8::${(i % 65535).toString(16)}` : `10.${(i >> 8) & 255}.${i & 255}.1`,
      dstAddr: v6 ? "2001:db8:1::1" : `192.168.${i % 256}.${(i * 7) % 256}`,
      srcPort: 1024 + (i % 60000),
      dstPort: [80, 443, 53, 22][i % 4]!,
      protocol: i % 4 === 2 ? 17 : 6,
      bytes: 40 + ((i * 7919) % 100_000),
      packets: 1 + (i % 50),
      startMs: exportMs - 10_000 - (i % 1000),
      endMs: exportMs - (i % 1000),
      tcpFlags: i % 4 === 2 ? 0 : 0x1b,
      inputIf: i % 8,
      outputIf: (i + 1) % 8,
    };
  });
}

/** A mix of valid datagrams of every version, including the unusual IPFIX features. */
export function seedDatagrams(exportMs: number): Buffer[] {
  const flows = sampleFlows(60, exportMs);
  const exportSecs = Math.floor(exportMs / 1000);
  const varTemplate = ipfixTemplate(260, [
    [8, 4],
    [82, 65535],
    [12, 4],
    [7, 65535, 9],
    [1, 8],
    [2, 4],
  ]);
  const varData = set(
    260,
    cat(
      ip4("10.9.9.9"),
      varlen(Buffer.from("ge-0/0/1")),
      ip4("10.8.8.8"),
      varlen(Buffer.alloc(300, 1), true),
      u64(1234),
      u32(5),
    ),
  );
  const options = cat(
    set(3, ipfixOptionsTemplate(261, 1, [[149, 4], [160, 8], [305, 4], [306, 4]])),
    set(261, cat(u32(0), u64(exportMs - 3_600_000), u32(1), u32(9))),
  );
  return [
    ...encodeNetflowV5(flows, { exportMs, samplingInterval: 10 }).datagrams,
    ...encodeNetflowV9(flows, { exportMs, templates: "every", samplingInterval: 4 }).datagrams,
    ...encodeIpfix(flows, { exportMs, templates: "every", samplingInterval: 2 }).datagrams,
    ipfixMessage({ exportSecs, sequence: 0, domain: 3 }, set(2, varTemplate), varData, options),
    ipfixMessage({ exportSecs, sequence: 0, domain: 3 }, set(2, cat(u16(260), u16(0)))), // withdrawal
  ];
}

/** Offsets of set headers in a v9/IPFIX datagram (as far as they can be walked). */
function setOffsets(d: Buffer): number[] {
  const version = d.length >= 2 ? d.readUInt16BE(0) : 0;
  let off = version === 9 ? 20 : version === 10 ? 16 : -1;
  const out: number[] = [];
  if (off < 0) return out;
  while (off + 4 <= d.length) {
    out.push(off);
    const len = d.readUInt16BE(off + 2);
    if (len < 4) break;
    off += len;
  }
  return out;
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const int = (r: () => number, max: number) => Math.floor(r() * max);

/** One broken (or occasionally still valid) datagram derived from the seeds. */
export function mutate(r: () => number, seeds: readonly Buffer[]): Buffer {
  const d = Buffer.from(pick(r, seeds));
  switch (int(r, 10)) {
    case 0: {
      // bit flips
      const flips = 1 + int(r, 8);
      for (let i = 0; i < flips; i++) {
        const at = int(r, d.length);
        d[at]! ^= 1 << int(r, 8);
      }
      return d;
    }
    case 1:
      return d.subarray(0, int(r, d.length)); // truncation
    case 2: {
      // set length lies
      const sets = setOffsets(d);
      if (sets.length === 0) return d.subarray(0, int(r, d.length));
      const at = pick(r, sets);
      d.writeUInt16BE(pick(r, [0, 1, 3, 4, 5, d.length - at + 1, 65535, int(r, 65536)]) & 0xffff, at + 2);
      return d;
    }
    case 3: {
      // header count / message length lies
      d.writeUInt16BE(pick(r, [0, 1, 31, 255, 65535, int(r, 65536)]), 2);
      return d;
    }
    case 4: {
      // template field count / set id lies
      const sets = setOffsets(d);
      if (sets.length === 0) return d;
      const at = pick(r, sets);
      if (at + 8 <= d.length) d.writeUInt16BE(pick(r, [0, 1, 2, 3, 255, 256, 65535, int(r, 65536)]), at + (r() < 0.5 ? 0 : 6));
      return d;
    }
    case 5: {
      // field length lies inside a template
      if (d.length < 40) return d;
      const at = 24 + 2 * int(r, (d.length - 24) / 2);
      d.writeUInt16BE(pick(r, [0, 1, 3, 16, 65535, int(r, 65536)]), Math.min(at, d.length - 2));
      return d;
    }
    case 6: {
      // random domain / source id / engine: new template namespaces
      if (d.length >= 20) d.writeUInt32BE(int(r, 2 ** 32), d.readUInt16BE(0) === 10 ? 12 : 16);
      return d;
    }
    case 7: {
      // random bytes behind a valid version
      const out = Buffer.alloc(int(r, 1500));
      for (let i = 0; i < out.length; i++) out[i] = int(r, 256);
      if (out.length >= 2) out.writeUInt16BE(pick(r, [5, 9, 10]), 0);
      return out;
    }
    case 8: {
      // splice two datagrams
      const other = pick(r, seeds);
      return Buffer.concat([d.subarray(0, int(r, d.length)), other.subarray(int(r, other.length))]);
    }
    default: {
      // entirely random
      const out = Buffer.alloc(int(r, 200));
      for (let i = 0; i < out.length; i++) out[i] = int(r, 256);
      return out;
    }
  }
}
