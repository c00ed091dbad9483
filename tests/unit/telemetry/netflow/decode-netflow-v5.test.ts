import { describe, expect, it } from "vitest";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { decodeNetflowV5 } from "@/lib/telemetry/netflow/decode-netflow-v5";
import { encodeNetflowV5 } from "@/lib/telemetry/netflow/encode-netflow-v5";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import { hex } from "./wire";

// Two records written field by field from the Cisco v5 layout (not with our encoder).
const FIXTURE = hex(`
  0005 0002            # version 5, count 2
  000F4240             # sysUptime 1,000,000 ms
  6553F100             # unix secs 1,700,000,000
  1DCD6500             # unix nsecs 500,000,000 -> export time ...000500 ms
  00000064             # flow sequence 100
  01 02                # engine type 1, engine id 2
  0000                 # not sampled
  # record 1: 10.0.0.1:1234 -> 192.168.1.2:80 TCP
  0A000001 C0A80102 00000000  # src, dst, next hop
  0003 0004                   # input, output interface
  0000000A 00003A98           # 10 packets, 15000 octets
  000F3E58 000F4240           # first 999,000, last 1,000,000 (uptime ms)
  04D2 0050 00 1B 06 00       # ports 1234 -> 80, pad, flags 0x1b, proto 6, tos
  0000 0000 18 18 0000        # AS, masks, pad
  # record 2: 172.16.0.5:50000 -> 8.8.8.8:53 UDP
  AC100005 08080808 00000000
  0001 0002
  00000001 0000004C           # 1 packet, 76 octets
  000F4240 000F4240
  C350 0035 00 00 11 00
  0000 0000 00 00 0000
`);

describe("decodeNetflowV5", () => {
  it("decodes a hand-written datagram", () => {
    const result = decodeNetflowV5(FIXTURE, "198.51.100.7");
    expect(result.version).toBe(5);
    expect(result.drops).toEqual([]);
    expect(result.sequence).toEqual({ domain: 0x0102, value: 100, count: 2, exact: true, uptimeMs: 1_000_000 });
    expect(result.records).toEqual<FlowRecord[]>([
      {
        exporter: "198.51.100.7",
        srcAddr: "10.0.0.1",
        dstAddr: "192.168.1.2",
        srcPort: 1234,
        dstPort: 80,
        protocol: 6,
        bytes: 15000,
        packets: 10,
        startMs: 1_700_000_000_500 - 1000,
        endMs: 1_700_000_000_500,
        tcpFlags: 0x1b,
        inputIf: 3,
        outputIf: 4,
        samplingRate: 1,
      },
      {
        exporter: "198.51.100.7",
        srcAddr: "172.16.0.5",
        dstAddr: "8.8.8.8",
        srcPort: 50000,
        dstPort: 53,
        protocol: 17,
        bytes: 76,
        packets: 1,
        startMs: 1_700_000_000_500,
        endMs: 1_700_000_000_500,
        tcpFlags: 0,
        inputIf: 1,
        outputIf: 2,
        samplingRate: 1,
      },
    ]);
  });

  const base: FlowExportRecord = {
    srcAddr: "10.1.2.3",
    dstAddr: "10.3.2.1",
    srcPort: 40000,
    dstPort: 443,
    protocol: 6,
    bytes: 123_456,
    packets: 89,
    startMs: 1_700_000_000_000,
    endMs: 1_700_000_059_999,
    tcpFlags: 0x18,
    inputIf: 7,
    outputIf: 8,
  };

  it.each([
    { name: "one record", records: [base], datagrams: 1 },
    { name: "exactly 30 records fill one datagram", records: Array.from({ length: 30 }, (_, i) => ({ ...base, srcPort: i })), datagrams: 1 },
    { name: "31 records need two", records: Array.from({ length: 31 }, (_, i) => ({ ...base, srcPort: i })), datagrams: 2 },
  ])("round-trips through the encoder: $name", ({ records, datagrams }) => {
    const exportMs = 1_700_000_060_123;
    const encoded = encodeNetflowV5(records, { exportMs, sequence: 4_294_967_290 });
    expect(encoded.datagrams).toHaveLength(datagrams);
    expect(encoded.nextSequence).toBe((4_294_967_290 + records.length) % 2 ** 32);
    const decoded = encoded.datagrams.flatMap((d) => decodeNetflowV5(d, "192.0.2.1").records);
    expect(decoded).toEqual(records.map((r) => ({ ...r, exporter: "192.0.2.1", samplingRate: 1 })));
  });

  it("skips IPv6 flows, which v5 cannot carry", () => {
    const encoded = encodeNetflowV5([base, { ...base, srcAddr: "2001:db8::1", dstAddr: "2001:db8::2" }], { exportMs: 1_700_000_060_000 });
    expect(encoded.skipped).toBe(1);
    expect(decodeNetflowV5(encoded.datagrams[0]!, "x").records).toHaveLength(1);
  });

  it("multiplies bytes and packets by the header's sampling interval (low 14 bits)", () => {
    const [datagram] = encodeNetflowV5([base], { exportMs: 1_700_000_060_000, samplingInterval: 100 }).datagrams;
    expect(datagram!.readUInt16BE(22)).toBe(0x4000 | 100); // mode 01, interval 100
    const [record] = decodeNetflowV5(datagram!, "x").records;
    expect(record).toMatchObject({ bytes: 12_345_600, packets: 8900, samplingRate: 100 });
  });

  it("converts uptimes across the 32-bit sysUptime wrap", () => {
    // The exporter's uptime wrapped 500 ms ago; the flow started 2 s before the export.
    const datagram = Buffer.from(FIXTURE);
    datagram.writeUInt32BE(500, 4); // sysUptime
    datagram.writeUInt32BE((500 - 2000) >>> 0, 24 + 24); // first (before the wrap)
    datagram.writeUInt32BE(400, 24 + 28); // last (after it)
    const [record] = decodeNetflowV5(datagram, "x").records;
    expect(record!.startMs).toBe(1_700_000_000_500 - 2000);
    expect(record!.endMs).toBe(1_700_000_000_500 - 100);
  });

  it.each([
    { name: "empty", bytes: Buffer.alloc(0), reason: "truncated", records: 0, version: null },
    { name: "shorter than the header", bytes: FIXTURE.subarray(0, 23), reason: "truncated", records: 0, version: 5 },
    { name: "wrong version", bytes: Buffer.concat([hex("0007"), FIXTURE.subarray(2)]), reason: "bad_version", records: 0, version: null },
    // dropped whole, as nfcapd does: none of the records that are there is decoded
    { name: "count lies (3 declared, 2 present)", bytes: Buffer.concat([hex("0005 0003"), FIXTURE.subarray(4)]), reason: "count_overrun", records: 0, version: 5 },
    { name: "last record cut short", bytes: FIXTURE.subarray(0, FIXTURE.length - 1), reason: "count_overrun", records: 0, version: 5 },
  ])("never throws on bad input: $name", ({ bytes, reason, records, version }) => {
    const result = decodeNetflowV5(bytes, "x");
    expect(result.version).toBe(version);
    expect(result.drops).toEqual([{ reason, count: 1 }]);
    expect(result.records).toHaveLength(records);
    // a datagram dropped whole tells nothing about the exporter's sequence
    if (reason === "count_overrun") expect(result.sequence).toBeUndefined();
  });

  it("ignores bytes after the declared records and accepts count 0", () => {
    expect(decodeNetflowV5(Buffer.concat([FIXTURE, Buffer.alloc(10)]), "x").records).toHaveLength(2);
    const empty = decodeNetflowV5(Buffer.concat([hex("0005 0000"), FIXTURE.subarray(4, 24)]), "x");
    expect(empty).toMatchObject({ version: 5, records: [], drops: [] });
  });
});
