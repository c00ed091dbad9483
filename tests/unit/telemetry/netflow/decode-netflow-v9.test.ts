import { describe, expect, it } from "vitest";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { decodeNetflowV9 } from "@/lib/telemetry/netflow/decode-netflow-v9";
import { DropTally } from "@/lib/telemetry/netflow/drop-tally";
import { encodeNetflowV9 } from "@/lib/telemetry/netflow/encode-netflow-v9";
import type { FlowExportRecord } from "@/lib/telemetry/netflow/flow-export-record";
import { TemplateCache } from "@/lib/telemetry/netflow/template-cache";
import { cat, hex, ip4, set, u16, u32, u8, v9Packet, v9Template } from "./wire";

const NOW = 1_800_000_000_000; // collector clock (template refresh/expiry), unrelated to record times
const MIN = 60_000;

// One template flowset and one data flowset (2 records + 2 padding bytes), written by hand.
const FIXTURE = hex(`
  0009 0003 00002710 6553F100 00000007 0000002A  # v9, count 3, uptime 10,000 ms, 1.7e9 s, seq 7, source id 42
  0000 002C                                      # template flowset, 44 bytes
    0100 0009                                    # template 256, 9 fields
    0008 0004  000C 0004  0007 0002  000B 0002   # src4, dst4, src port, dst port
    0004 0001  0001 0004  0002 0004              # protocol, octets (4), packets (4)
    0016 0004  0015 0004                         # FIRST_SWITCHED, LAST_SWITCHED
  0100 0040                                      # data flowset for 256, 64 bytes
    0A000001 0A000002 1F90 0050 06 000005DC 00000003 00002328 00002710
    C0A80001 C0A80002 0035 D431 11 00000040 00000001 00002710 00002710
    0000                                         # padding
`);

function record(partial: Partial<FlowRecord>): FlowRecord {
  return {
    exporter: "192.0.2.9",
    srcAddr: "0.0.0.0",
    dstAddr: "0.0.0.0",
    srcPort: 0,
    dstPort: 0,
    protocol: 0,
    bytes: 0,
    packets: 0,
    startMs: 0,
    endMs: 0,
    tcpFlags: 0,
    inputIf: 0,
    outputIf: 0,
    samplingRate: 1,
    ...partial,
  };
}

const HEADER = { sysUptime: 10_000, unixSecs: 1_700_000_000, sequence: 1, sourceId: 5 };
const EXPORT_MS = 1_700_000_000_000;

// A minimal template (src, dst, octets) and matching data records.
const T256 = v9Template(256, [
  [8, 4],
  [12, 4],
  [1, 4],
]);
const data256 = (...rows: [string, string, number][]) =>
  set(256, cat(...rows.map(([s, d, o]) => cat(ip4(s), ip4(d), u32(o)))), true);

describe("decodeNetflowV9", () => {
  it("decodes a hand-written packet (template, then data with padding)", () => {
    const cache = new TemplateCache();
    const result = decodeNetflowV9(FIXTURE, "192.0.2.9", NOW, cache);
    expect(result.drops).toEqual([]);
    expect(result.sequence).toEqual({ domain: 42, value: 7, count: 1, exact: true, uptimeMs: 10_000 });
    expect(result.records).toEqual([
      record({
        srcAddr: "10.0.0.1",
        dstAddr: "10.0.0.2",
        srcPort: 8080,
        dstPort: 80,
        protocol: 6,
        bytes: 1500,
        packets: 3,
        startMs: EXPORT_MS - 1000,
        endMs: EXPORT_MS,
      }),
      record({
        srcAddr: "192.168.0.1",
        dstAddr: "192.168.0.2",
        srcPort: 53,
        dstPort: 54321,
        protocol: 17,
        bytes: 64,
        packets: 1,
        startMs: EXPORT_MS,
        endMs: EXPORT_MS,
      }),
    ]);
  });

  const flows: FlowExportRecord[] = [
    { srcAddr: "10.0.0.1", dstAddr: "10.0.0.2", srcPort: 1, dstPort: 2, protocol: 6, bytes: 4_000_000_000, packets: 7, startMs: EXPORT_MS - 9000, endMs: EXPORT_MS - 10, tcpFlags: 0x1f, inputIf: 1, outputIf: 2 },
    { srcAddr: "2001:db8::1", dstAddr: "2001:db8:0:1::53", srcPort: 5353, dstPort: 53, protocol: 17, bytes: 80, packets: 1, startMs: EXPORT_MS - 5, endMs: EXPORT_MS - 5, tcpFlags: 0, inputIf: 3, outputIf: 4 },
    { srcAddr: "10.0.0.3", dstAddr: "10.0.0.4", srcPort: 3, dstPort: 4, protocol: 1, bytes: 84, packets: 1, startMs: EXPORT_MS, endMs: EXPORT_MS, tcpFlags: 0, inputIf: 0, outputIf: 0 },
  ];

  it("round-trips IPv4 and IPv6 flows through the encoder, across datagrams", () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ ...flows[i % 3]!, srcPort: i }));
    const encoded = encodeNetflowV9(many, { exportMs: EXPORT_MS + 999, sourceId: 9, sequence: 41 });
    expect(encoded.datagrams.length).toBeGreaterThan(1);
    expect(encoded.nextSequence).toBe(41 + encoded.datagrams.length);
    const cache = new TemplateCache();
    const results = encoded.datagrams.map((d) => decodeNetflowV9(d, "192.0.2.9", NOW, cache));
    expect(results.map((r) => r.sequence?.value)).toEqual(encoded.datagrams.map((_, i) => 41 + i));
    expect(results.flatMap((r) => r.drops)).toEqual([]);
    expect(results.flatMap((r) => r.records)).toEqual(many.map((f) => record(f)));
  });

  it("holds data that arrives before its template and decodes it when the template comes", () => {
    const cache = new TemplateCache();
    const [withTemplates, ...dataOnly] = encodeNetflowV9(
      Array.from({ length: 80 }, (_, i) => ({ ...flows[0]!, srcPort: i })),
      { exportMs: EXPORT_MS, sourceId: 3 },
    ).datagrams;
    expect(dataOnly.length).toBeGreaterThan(0);
    for (const d of dataOnly) expect(decodeNetflowV9(d, "192.0.2.9", NOW, cache)).toMatchObject({ records: [], drops: [] });
    expect(cache.stats().pendingSets).toBe(dataOnly.length);
    const result = decodeNetflowV9(withTemplates!, "192.0.2.9", NOW + 1000, cache);
    expect(result.records.map((r) => r.srcPort).sort((a, b) => a - b)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    expect(cache.stats().pendingSets).toBe(0);
  });

  it("decodes a data flowset that precedes its template in the same packet", () => {
    const packet = v9Packet(HEADER, data256(["1.1.1.1", "2.2.2.2", 10]), set(0, T256));
    const result = decodeNetflowV9(packet, "x", NOW, new TemplateCache());
    expect(result.records).toEqual([record({ exporter: "x", srcAddr: "1.1.1.1", dstAddr: "2.2.2.2", bytes: 10, startMs: EXPORT_MS, endMs: EXPORT_MS })]);
    expect(result.drops).toEqual([]);
  });

  it("keys templates by exporter and source id", () => {
    const cache = new TemplateCache();
    decodeNetflowV9(v9Packet(HEADER, set(0, T256)), "a", NOW, cache);
    const data = data256(["1.1.1.1", "2.2.2.2", 10]);
    expect(decodeNetflowV9(v9Packet(HEADER, data), "a", NOW, cache).records).toHaveLength(1);
    expect(decodeNetflowV9(v9Packet({ ...HEADER, sourceId: 6 }, data), "a", NOW, cache).records).toHaveLength(0);
    expect(decodeNetflowV9(v9Packet(HEADER, data), "b", NOW, cache).records).toHaveLength(0);
  });

  it("refreshing a template keeps it alive; a redefinition replaces it", () => {
    const cache = new TemplateCache({ templateTimeoutMs: 30 * MIN });
    const data = data256(["1.1.1.1", "2.2.2.2", 10]);
    decodeNetflowV9(v9Packet(HEADER, set(0, T256)), "x", NOW, cache);
    decodeNetflowV9(v9Packet(HEADER, set(0, T256)), "x", NOW + 20 * MIN, cache); // refresh
    expect(decodeNetflowV9(v9Packet(HEADER, data), "x", NOW + 40 * MIN, cache).records).toHaveLength(1);
    // Redefine 256 as (dst, src, packets): the same bytes now mean something else.
    const redefined = v9Template(256, [
      [12, 4],
      [8, 4],
      [2, 4],
    ]);
    decodeNetflowV9(v9Packet(HEADER, set(0, redefined)), "x", NOW + 41 * MIN, cache);
    const [r] = decodeNetflowV9(v9Packet(HEADER, data), "x", NOW + 41 * MIN, cache).records;
    expect(r).toMatchObject({ srcAddr: "2.2.2.2", dstAddr: "1.1.1.1", bytes: 0, packets: 10 });
  });

  it("expires templates not refreshed in time: data is held, then dropped as template_expired", () => {
    const cache = new TemplateCache({ templateTimeoutMs: 30 * MIN, pendingMaxAgeMs: MIN });
    const data = data256(["1.1.1.1", "2.2.2.2", 10]);
    decodeNetflowV9(v9Packet(HEADER, set(0, T256)), "x", NOW, cache);
    expect(decodeNetflowV9(v9Packet(HEADER, data), "x", NOW + 31 * MIN, cache)).toMatchObject({ records: [], drops: [] });
    const tally = new DropTally();
    cache.sweep(NOW + 32 * MIN + 1, tally);
    expect(tally.toArray()).toEqual([{ reason: "template_expired", count: 1 }]);
    // A re-sent template within the hold time releases held data instead.
    decodeNetflowV9(v9Packet(HEADER, data), "x", NOW + 40 * MIN, cache);
    expect(decodeNetflowV9(v9Packet(HEADER, set(0, T256)), "x", NOW + 40 * MIN + 5000, cache).records).toHaveLength(1);
  });

  it("applies the sampling rate an options template announces (scope fields are not information elements)", () => {
    const cache = new TemplateCache();
    const sampled = encodeNetflowV9([flows[0]!], { exportMs: EXPORT_MS, samplingInterval: 64 });
    const [r] = decodeNetflowV9(sampled.datagrams[0]!, "x", NOW, cache).records;
    expect(r).toMatchObject({ bytes: 4_000_000_000 * 64, packets: 7 * 64, samplingRate: 64 });
    // Hand-built: options template 300 with scope System (type 1 = also octetDeltaCount's id!) and
    // FLOW_SAMPLER_ID (48) + FLOW_SAMPLER_RANDOM_INTERVAL (50); data carries the sampler id.
    const options = cat(u16(300), u16(4), u16(8), u16(1), u16(4), u16(48), u16(1), u16(50), u16(4));
    const optionsData = set(300, cat(u32(0xdeadbeef), u8(7), u32(10)), true);
    const tpl = v9Template(256, [
      [8, 4],
      [12, 4],
      [1, 4],
      [2, 4],
      [48, 1],
    ]);
    const data = set(256, cat(ip4("1.1.1.1"), ip4("2.2.2.2"), u32(100), u32(2), u8(7)), true);
    const result = decodeNetflowV9(v9Packet(HEADER, set(1, options, true), optionsData, set(0, tpl), data), "y", NOW, cache);
    expect(result.drops).toEqual([]);
    expect(result.records).toEqual([
      record({ exporter: "y", srcAddr: "1.1.1.1", dstAddr: "2.2.2.2", bytes: 1000, packets: 20, samplingRate: 10, startMs: EXPORT_MS, endMs: EXPORT_MS }),
    ]);
  });

  it("uses a sampling interval carried in the data record itself", () => {
    const tpl = v9Template(256, [
      [8, 4],
      [12, 4],
      [1, 4],
      [34, 2],
    ]);
    const data = set(256, cat(ip4("1.1.1.1"), ip4("2.2.2.2"), u32(100), u16(3)), true);
    const [r] = decodeNetflowV9(v9Packet(HEADER, set(0, tpl), data), "x", NOW, new TemplateCache()).records;
    expect(r).toMatchObject({ bytes: 300, samplingRate: 3 });
  });

  it("skips unmapped and zero-length fields by their length", () => {
    const tpl = v9Template(256, [
      [8, 4],
      [999, 3], // unknown element
      [5, 0], // zero length
      [12, 4],
      [1, 4],
    ]);
    const data = set(256, cat(ip4("1.1.1.1"), hex("AABBCC"), ip4("2.2.2.2"), u32(5)), true);
    const result = decodeNetflowV9(v9Packet(HEADER, set(0, tpl), data), "x", NOW, new TemplateCache());
    expect(result.drops).toEqual([]);
    expect(result.records).toMatchObject([{ srcAddr: "1.1.1.1", dstAddr: "2.2.2.2", bytes: 5 }]);
  });

  const good = data256(["1.1.1.1", "2.2.2.2", 10]);
  it.each([
    { name: "shorter than the header", packet: FIXTURE.subarray(0, 19), drops: [{ reason: "truncated", count: 1 }], records: 0 },
    { name: "wrong version", packet: cat(u16(8), FIXTURE.subarray(2)), drops: [{ reason: "bad_version", count: 1 }], records: 0 },
    {
      name: "flowset length < 4 (after a good one)",
      packet: v9Packet(HEADER, set(0, T256), good, hex("0100 0002 0000")),
      drops: [{ reason: "truncated", count: 1 }],
      records: 1,
    },
    {
      name: "flowset length overruns the datagram (records that fit still decode)",
      packet: v9Packet(HEADER, set(0, T256), cat(u16(256), u16(200), ip4("1.1.1.1"), ip4("2.2.2.2"), u32(1), ip4("3.3.3.3"))),
      drops: [{ reason: "truncated", count: 1 }],
      records: 1,
    },
    {
      name: "a record cut short at the end of a flowset (non-zero tail)",
      packet: v9Packet(HEADER, set(0, T256), set(256, cat(ip4("1.1.1.1"), ip4("2.2.2.2"), u32(1), ip4("3.3.3.3"), u16(1)))),
      drops: [{ reason: "truncated", count: 1 }],
      records: 1,
    },
    {
      name: "zero padding longer than 3 bytes is still padding",
      packet: v9Packet(HEADER, set(0, T256), set(256, cat(ip4("1.1.1.1"), ip4("2.2.2.2"), u32(1), Buffer.alloc(8)))),
      drops: [],
      records: 1,
    },
    { name: "template with 0 fields", packet: v9Packet(HEADER, set(0, cat(u16(256), u16(0), T256)), good), drops: [{ reason: "bad_template", count: 1 }], records: 1 },
    { name: "template field count overruns the flowset", packet: v9Packet(HEADER, set(0, cat(u16(256), u16(500), u16(8), u16(4))), good), drops: [{ reason: "bad_template", count: 1 }], records: 0 },
    { name: "template id below 256 (next template still used)", packet: v9Packet(HEADER, set(0, cat(v9Template(7, [[8, 4]]), T256)), good), drops: [{ reason: "bad_template", count: 1 }], records: 1 },
    { name: "template of zero-length fields only", packet: v9Packet(HEADER, set(0, v9Template(256, [[8, 0], [12, 0]])), good), drops: [{ reason: "bad_template", count: 1 }], records: 0 },
    { name: "template longer than any datagram", packet: v9Packet(HEADER, set(0, v9Template(256, [[8, 4], [100, 65535]])), good), drops: [{ reason: "bad_template", count: 1 }], records: 0 },
    {
      name: "address field of the wrong size (skipped, template kept)",
      packet: v9Packet(HEADER, set(0, v9Template(256, [[8, 16], [12, 4], [1, 4]])), set(256, cat(Buffer.alloc(16, 1), ip4("2.2.2.2"), u32(9)))),
      drops: [{ reason: "bad_field_length", count: 1 }],
      records: 1,
    },
    {
      name: "counter wider than 8 bytes (skipped)",
      packet: v9Packet(HEADER, set(0, v9Template(256, [[8, 4], [12, 4], [1, 9]])), set(256, cat(ip4("1.1.1.1"), ip4("2.2.2.2"), Buffer.alloc(9)))),
      drops: [{ reason: "bad_field_length", count: 1 }],
      records: 1,
    },
    {
      name: "options template with a scope length not a multiple of 4",
      packet: v9Packet(HEADER, set(1, cat(u16(300), u16(3), u16(4), hex("000100"), u16(34), u16(4)), true), set(0, T256), good),
      drops: [{ reason: "bad_template", count: 1 }],
      records: 1,
    },
  ])("never throws on bad input: $name", ({ packet, drops, records }) => {
    const result = decodeNetflowV9(packet, "x", NOW, new TemplateCache());
    expect(result.drops).toEqual(drops);
    expect(result.records).toHaveLength(records);
  });

  it("counts pending_overflow beyond the hold quota and unknown_template when held data times out", () => {
    const cache = new TemplateCache({ pendingMaxSets: 2, pendingMaxAgeMs: MIN });
    const unknown = (id: number) => v9Packet(HEADER, set(id, cat(ip4("1.1.1.1"), ip4("2.2.2.2"), u32(1))));
    expect(decodeNetflowV9(unknown(400), "x", NOW, cache).drops).toEqual([]);
    expect(decodeNetflowV9(unknown(401), "x", NOW, cache).drops).toEqual([]);
    expect(decodeNetflowV9(unknown(402), "x", NOW, cache).drops).toEqual([{ reason: "pending_overflow", count: 1 }]);
    // Another exporter has its own quota.
    expect(decodeNetflowV9(unknown(402), "y", NOW, cache).drops).toEqual([]);
    const tally = new DropTally();
    cache.sweep(NOW + MIN + 1, tally);
    expect(tally.toArray()).toEqual([{ reason: "unknown_template", count: 3 }]);
    expect(cache.stats().pendingSets).toBe(0);
  });

  it("never throws on any truncation of a valid packet", () => {
    for (let len = 0; len <= FIXTURE.length; len++) {
      const result = decodeNetflowV9(FIXTURE.subarray(0, len), "x", NOW, new TemplateCache());
      expect(result.records.length).toBeLessThanOrEqual(2);
    }
  });
});
