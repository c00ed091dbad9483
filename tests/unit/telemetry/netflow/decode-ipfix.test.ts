import { describe, expect, it } from "vitest";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { decodeIpfix } from "@/lib/telemetry/netflow/decode-ipfix";
import { encodeIpfix } from "@/lib/telemetry/netflow/encode-ipfix";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import { TemplateCache } from "@/lib/telemetry/netflow/template-cache";
import {
  cat,
  hex,
  ip4,
  ipfixMessage,
  ipfixOptionsTemplate,
  ipfixTemplate,
  set,
  u16,
  u32,
  u64,
  u8,
  varlen,
  type Spec,
} from "./wire";

const NOW = 1_800_000_000_000;
const EXPORT_SECS = 1_700_000_000;
const EXPORT_MS = EXPORT_SECS * 1000;

// Template (with an enterprise-specific field) and one data record, written by hand.
const FIXTURE = hex(`
  000A 007F 6553F100 00000000 00000001   # IPFIX, 127 bytes, export 1.7e9 s, seq 0, domain 1
  0002 0038                              # template set, 56 bytes
    0100 000B                            # template 256, 11 fields
    0008 0004  000C 0004                 # sourceIPv4Address, destinationIPv4Address
    0007 0002  000B 0002  0004 0001      # ports, protocolIdentifier
    0006 0002                            # tcpControlBits (2 bytes, RFC 7125)
    0001 0008  0002 0008                 # octetDeltaCount, packetDeltaCount
    0098 0008  0099 0008                 # flowStart/EndMilliseconds
    8001 0004 00007A69                   # enterprise 31337, element 1, 4 bytes
  0100 0037                              # data set 256, 55 bytes
    0A000001 0A000002 01BB C000 06 0012
    00000000000007D0 0000000000000004
    0000018BCFE56800 0000018BCFE56BE8
    DEADBEEF
`);

function record(partial: Partial<FlowRecord>): FlowRecord {
  return {
    exporter: "x",
    srcAddr: "0.0.0.0",
    dstAddr: "0.0.0.0",
    srcPort: 0,
    dstPort: 0,
    protocol: 0,
    bytes: 0,
    packets: 0,
    startMs: EXPORT_MS,
    endMs: EXPORT_MS,
    tcpFlags: 0,
    inputIf: 0,
    outputIf: 0,
    samplingRate: 1,
    ...partial,
  };
}

const H = { exportSecs: EXPORT_SECS, sequence: 0, domain: 1 };
const BASIC: Spec[] = [
  [8, 4],
  [12, 4],
  [1, 8],
];
const basicData = (...rows: [string, string, number][]) => set(256, cat(...rows.map(([s, d, o]) => cat(ip4(s), ip4(d), u64(o)))));
const decode = (msg: Buffer, cache = new TemplateCache(), now = NOW) => decodeIpfix(msg, "x", now, cache);

describe("decodeIpfix", () => {
  it("decodes a hand-written message, skipping the enterprise field by its length", () => {
    const result = decode(FIXTURE);
    expect(result.drops).toEqual([]);
    expect(result.sequence).toEqual({ domain: 1, value: 0, count: 1, exact: true });
    expect(result.records).toEqual([
      record({
        srcAddr: "10.0.0.1",
        dstAddr: "10.0.0.2",
        srcPort: 443,
        dstPort: 49152,
        protocol: 6,
        tcpFlags: 0x12,
        bytes: 2000,
        packets: 4,
        startMs: 1_700_000_000_000,
        endMs: 1_700_000_001_000,
      }),
    ]);
  });

  const flows: FlowExportRecord[] = [
    { srcAddr: "10.0.0.1", dstAddr: "10.0.0.2", srcPort: 1, dstPort: 2, protocol: 6, bytes: 2 ** 40, packets: 7, startMs: EXPORT_MS - 9123, endMs: EXPORT_MS - 17, tcpFlags: 0x1f, inputIf: 1, outputIf: 2 },
    { srcAddr: "2001:db8::1", dstAddr: "::1", srcPort: 5353, dstPort: 53, protocol: 17, bytes: 80, packets: 1, startMs: EXPORT_MS - 5, endMs: EXPORT_MS - 5, tcpFlags: 0, inputIf: 3, outputIf: 4 },
  ];

  it("round-trips through the encoder; the sequence counts data records, options records included", () => {
    const many = Array.from({ length: 90 }, (_, i) => ({ ...flows[i % 2]!, srcPort: i }));
    const encoded = encodeIpfix(many, { exportMs: EXPORT_MS, observationDomainId: 77, sequence: 1000, samplingInterval: 1 });
    expect(encoded.datagrams.length).toBeGreaterThan(1);
    const cache = new TemplateCache();
    const results = encoded.datagrams.map((d) => decode(d, cache));
    let expected = 1000;
    for (const r of results) {
      expect(r.sequence?.value).toBe(expected);
      expected += r.sequence!.count;
    }
    expect(encoded.nextSequence).toBe(expected);
    expect(expected).toBe(1000 + 90);
    expect(results.flatMap((r) => r.records)).toEqual(many.map((f) => record(f)));
  });

  it("applies samplingPacketInterval/Space announced in an options record", () => {
    const encoded = encodeIpfix([flows[0]!], { exportMs: EXPORT_MS, samplingInterval: 100 });
    const result = decode(encoded.datagrams[0]!);
    expect(result.sequence?.count).toBe(2); // the options record counts as a data record
    expect(result.records[0]).toMatchObject({ bytes: 2 ** 40 * 100, packets: 700, samplingRate: 100 });
  });

  it.each<{ name: string; options: Spec[]; values: Buffer; data: Spec[]; row: Buffer; rate: number }>([
    {
      name: "samplingInterval (34) without a sampler id",
      options: [[149, 4], [34, 4]],
      values: cat(u32(1), u32(8)),
      data: BASIC,
      row: cat(ip4("1.1.1.1"), ip4("2.2.2.2"), u64(10)),
      rate: 8,
    },
    {
      name: "selectorId (302) scope mapped to the data record's selector id",
      options: [[302, 2], [305, 4], [306, 4]],
      values: cat(u16(9), u32(2), u32(6)),
      data: [...BASIC, [302, 2]],
      row: cat(ip4("1.1.1.1"), ip4("2.2.2.2"), u64(10), u16(9)),
      rate: 4,
    },
    {
      name: "samplingSize/Population (309/310), reduced-size counters",
      options: [[149, 4], [309, 2], [310, 2]],
      values: cat(u32(1), u16(1), u16(50)),
      data: [[8, 4], [12, 4], [1, 3]],
      row: cat(ip4("1.1.1.1"), ip4("2.2.2.2"), hex("00000A")),
      rate: 50,
    },
  ])("options-announced sampling: $name", ({ options, values, data, row, rate }) => {
    const msg = ipfixMessage(H, set(3, ipfixOptionsTemplate(300, 1, options)), set(300, values), set(2, ipfixTemplate(256, data)), set(256, row));
    const result = decode(msg);
    expect(result.drops).toEqual([]);
    expect(result.records).toEqual([record({ srcAddr: "1.1.1.1", dstAddr: "2.2.2.2", bytes: 10 * rate, samplingRate: rate })]);
  });

  it("decodes variable-length fields (1-byte and 255 + 2-byte lengths), enterprise ones included", () => {
    const tpl = ipfixTemplate(256, [
      [8, 4],
      [82, 65535], // interfaceName, variable length
      [12, 4],
      [5, 65535, 9], // enterprise-specific, variable length
      [1, 8],
    ]);
    const row = (name: Buffer, blob: Buffer, octets: number) => cat(ip4("1.1.1.1"), varlen(name), ip4("2.2.2.2"), varlen(blob, true), u64(octets));
    const msg = ipfixMessage(H, set(2, tpl), set(256, cat(row(Buffer.from("eth0"), Buffer.alloc(300, 7), 1), row(Buffer.alloc(0), Buffer.alloc(3), 2))));
    const result = decode(msg);
    expect(result.drops).toEqual([]);
    expect(result.records.map((r) => [r.srcAddr, r.dstAddr, r.bytes])).toEqual([
      ["1.1.1.1", "2.2.2.2", 1],
      ["1.1.1.1", "2.2.2.2", 2],
    ]);
  });

  it("drops the rest of a set when a variable-length field runs past it (bad_field_length)", () => {
    const tpl = ipfixTemplate(256, [[8, 4], [82, 65535], [12, 4]]);
    const good = cat(ip4("1.1.1.1"), varlen(Buffer.from("a")), ip4("2.2.2.2"));
    const bad = cat(ip4("3.3.3.3"), u8(200), Buffer.alloc(6));
    const result = decode(ipfixMessage(H, set(2, tpl), set(256, cat(good, bad))));
    expect(result.drops).toEqual([{ reason: "bad_field_length", count: 1 }]);
    expect(result.records).toHaveLength(1);
  });

  it("withdraws one template, or all of a domain's (templates and options templates separately)", () => {
    const cache = new TemplateCache();
    const data = basicData(["1.1.1.1", "2.2.2.2", 1]);
    decode(ipfixMessage(H, set(2, cat(ipfixTemplate(256, BASIC), ipfixTemplate(257, BASIC)))), cache);
    decode(ipfixMessage({ ...H, domain: 2 }, set(2, ipfixTemplate(256, BASIC))), cache);
    expect(decode(ipfixMessage(H, data), cache).records).toHaveLength(1);
    decode(ipfixMessage(H, set(2, cat(u16(256), u16(0)))), cache); // withdraw 256
    expect(decode(ipfixMessage(H, data), cache).records).toHaveLength(0);
    expect(cache.stats().templates).toBe(2);
    decode(ipfixMessage(H, set(3, cat(u16(3), u16(0)))), cache); // withdraw all options templates: none
    expect(cache.stats().templates).toBe(2);
    decode(ipfixMessage(H, set(2, cat(u16(2), u16(0)))), cache); // withdraw all templates of domain 1
    expect(cache.stats().templates).toBe(1);
    expect(decode(ipfixMessage({ ...H, domain: 2 }, data), cache).records).toHaveLength(1);
  });

  it.each([
    { name: "flowStartSeconds/EndSeconds", specs: [[150, 4], [151, 4]] as Spec[], values: cat(u32(EXPORT_SECS - 10), u32(EXPORT_SECS)), start: EXPORT_MS - 10_000, end: EXPORT_MS },
    {
      name: "microseconds (NTP timestamps)",
      // NTP seconds = unix + 2,208,988,800; fraction 0x80000000 = 0.5 s
      specs: [[154, 8], [155, 8]] as Spec[],
      values: cat(u32(EXPORT_SECS + 2_208_988_800), u32(0x80000000), u32(EXPORT_SECS + 2_208_988_801), u32(0)),
      start: EXPORT_MS + 500,
      end: EXPORT_MS + 1000,
    },
    { name: "nanoseconds (NTP timestamps)", specs: [[156, 8], [157, 8]] as Spec[], values: cat(u32(EXPORT_SECS + 2_208_988_800), u32(0), u32(EXPORT_SECS + 2_208_988_800), u32(0x40000000)), start: EXPORT_MS, end: EXPORT_MS + 250 },
    { name: "only an end time", specs: [[153, 8]] as Spec[], values: u64(EXPORT_MS - 3), start: EXPORT_MS - 3, end: EXPORT_MS - 3 },
    { name: "no time at all: the export time", specs: [] as Spec[], values: Buffer.alloc(0), start: EXPORT_MS, end: EXPORT_MS },
  ])("absolute times: $name", ({ specs, values, start, end }) => {
    const msg = ipfixMessage(H, set(2, ipfixTemplate(256, [[8, 4], ...specs])), set(256, cat(ip4("1.1.1.1"), values)));
    const [r] = decode(msg).records;
    expect([r!.startMs, r!.endMs]).toEqual([start, end]);
  });

  it("converts sysUptime times with the announced systemInitTimeMilliseconds, even 'negative' ones (softflowd)", () => {
    const init = EXPORT_MS - 60_000; // exporter started a minute before the export
    const options = set(3, ipfixOptionsTemplate(300, 1, [[143, 4], [160, 8]]));
    const optionsData = set(300, cat(u32(1), u64(init)));
    const tpl = set(2, ipfixTemplate(256, [[8, 4], [22, 4], [21, 4]]));
    // Flow seen from 90 s to 30 s before the exporter's start (e.g. replayed from a capture file).
    const data = set(256, cat(ip4("1.1.1.1"), u32(-90_000 >>> 0), u32(-30_000 >>> 0), ip4("1.1.1.2"), u32(1000), u32(2000)));
    const result = decode(ipfixMessage(H, options, optionsData, tpl, data));
    expect(result.records.map((r) => [r.startMs, r.endMs])).toEqual([
      [init - 90_000, init - 30_000],
      [init + 1000, init + 2000],
    ]);
  });

  it("prefers delta counters, falls back to post/total ones, and picks IPv6 when IPv4 is zero", () => {
    const tpl = ipfixTemplate(256, [[8, 4], [27, 16], [85, 8], [24, 4]]);
    const v6 = hex("20010db8000000000000000000000001");
    const result = decode(ipfixMessage(H, set(2, tpl), set(256, cat(u32(0), v6, u64(999), u32(3)))));
    expect(result.records[0]).toMatchObject({ srcAddr: "2001:db8::1", bytes: 999, packets: 3 });
  });

  it("maps ICMP type/code to the destination port, as v5 exporters do", () => {
    const tpl = ipfixTemplate(256, [[8, 4], [4, 1], [32, 2]]);
    const [r] = decode(ipfixMessage(H, set(2, tpl), set(256, cat(ip4("1.1.1.1"), u8(1), u16(0x0800))))).records;
    expect(r).toMatchObject({ protocol: 1, dstPort: 2048 });
  });

  it("marks the sequence count inexact while data sets wait for their template", () => {
    const cache = new TemplateCache();
    const first = decode(ipfixMessage({ ...H, sequence: 5 }, basicData(["1.1.1.1", "2.2.2.2", 1], ["1.1.1.1", "2.2.2.2", 2])), cache);
    expect(first.sequence).toEqual({ domain: 1, value: 5, count: 0, exact: false });
    const second = decode(ipfixMessage({ ...H, sequence: 7 }, set(2, ipfixTemplate(256, BASIC))), cache);
    expect(second.records).toHaveLength(2); // released from the hold
    expect(second.sequence).toEqual({ domain: 1, value: 7, count: 0, exact: true });
  });

  const tplSet = set(2, ipfixTemplate(256, BASIC));
  const data = basicData(["1.1.1.1", "2.2.2.2", 1]);
  it.each([
    { name: "shorter than the header", msg: FIXTURE.subarray(0, 15), drops: [{ reason: "truncated", count: 1 }], records: 0 },
    { name: "wrong version", msg: cat(u16(11), FIXTURE.subarray(2)), drops: [{ reason: "bad_version", count: 1 }], records: 0 },
    { name: "message length < 16", msg: ipfixMessage({ ...H, length: 12 }, tplSet, data), drops: [{ reason: "truncated", count: 1 }], records: 0 },
    { name: "message length beyond the datagram (what is there decodes)", msg: ipfixMessage({ ...H, length: 1000 }, tplSet, data), drops: [{ reason: "truncated", count: 1 }], records: 1 },
    { name: "message length shorter than the datagram (the rest is ignored)", msg: cat(ipfixMessage(H, tplSet, data), data), drops: [], records: 1 },
    { name: "datagram cut inside a data set (one cut, counted once)", msg: ipfixMessage(H, tplSet, data).subarray(0, 16 + tplSet.length + data.length - 3), drops: [{ reason: "truncated", count: 1 }], records: 0 },
    { name: "set length < 4", msg: ipfixMessage(H, tplSet, data, hex("0100 0003")), drops: [{ reason: "truncated", count: 1 }], records: 1 },
    { name: "set length past the message", msg: ipfixMessage(H, tplSet, cat(u16(256), u16(100), data.subarray(4))), drops: [{ reason: "truncated", count: 1 }], records: 1 },
    { name: "template field count overruns the set", msg: ipfixMessage(H, set(2, cat(u16(256), u16(40000), u16(8), u16(4))), data), drops: [{ reason: "bad_template", count: 1 }], records: 0 },
    { name: "enterprise specifier cut off", msg: ipfixMessage(H, set(2, cat(u16(256), u16(1), u16(0x8001), u16(4), u16(0))), data), drops: [{ reason: "bad_template", count: 1 }], records: 0 },
    { name: "template id below 256", msg: ipfixMessage(H, set(2, cat(ipfixTemplate(255, BASIC), ipfixTemplate(256, BASIC))), data), drops: [{ reason: "bad_template", count: 1 }], records: 1 },
    { name: "withdrawal of a reserved id", msg: ipfixMessage(H, set(2, cat(u16(5), u16(0))), tplSet, data), drops: [{ reason: "bad_template", count: 1 }], records: 1 },
    { name: "options template with scope count 0", msg: ipfixMessage(H, set(3, ipfixOptionsTemplate(300, 0, [[34, 4]])), tplSet, data), drops: [{ reason: "bad_template", count: 1 }], records: 1 },
    { name: "options template with scope count > field count", msg: ipfixMessage(H, set(3, ipfixOptionsTemplate(300, 3, [[34, 4]])), tplSet, data), drops: [{ reason: "bad_template", count: 1 }], records: 1 },
    { name: "template whose only fields have length 0", msg: ipfixMessage(H, set(2, ipfixTemplate(256, [[8, 0]])), data), drops: [{ reason: "bad_template", count: 1 }], records: 0 },
    { name: "variable length on an address field", msg: ipfixMessage(H, set(2, ipfixTemplate(256, [[8, 65535], [12, 4]])), set(256, cat(varlen(ip4("1.1.1.1")), ip4("2.2.2.2")))), drops: [{ reason: "bad_field_length", count: 1 }], records: 1 },
    { name: "NetFlow v9 set ids are skipped", msg: ipfixMessage(H, set(0, Buffer.alloc(8)), set(1, Buffer.alloc(8)), tplSet, data), drops: [], records: 1 },
  ])("never throws on bad input: $name", ({ msg, drops, records }) => {
    const result = decode(msg);
    expect(result.drops).toEqual(drops);
    expect(result.records).toHaveLength(records);
  });

  it("never throws on any truncation of a valid message", () => {
    for (let len = 0; len <= FIXTURE.length; len++) {
      expect(decode(FIXTURE.subarray(0, len)).records.length).toBeLessThanOrEqual(1);
    }
  });
});
