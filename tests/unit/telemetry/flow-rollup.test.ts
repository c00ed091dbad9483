import { describe, expect, it } from "vitest";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { FlowRollup, flowDetailOf, flowMetrics, MAX_WATCHED_PORTS, mergeFlowDetail } from "@/lib/telemetry/flow-rollup";
import { HyperLogLog } from "@/lib/telemetry/sketch/hyper-log-log";
import { SmallSpaceSaving, SpaceSaving } from "@/lib/telemetry/sketch/space-saving";

const T0 = Date.parse("2026-11-17T14:00:00Z");
const isInternal = createSubnetMatcher(["10.0.0.0/8"]);

function flow(over: Partial<FlowRecord>): FlowRecord {
  return {
    exporter: "192.0.2.1",
    srcAddr: "10.1.1.10",
    dstAddr: "203.0.113.9",
    srcPort: 51000,
    dstPort: 443,
    protocol: 6,
    bytes: 1000,
    packets: 10,
    startMs: T0 + 5_000,
    endMs: T0 + 10_000,
    tcpFlags: 0x12,
    inputIf: 1,
    outputIf: 2,
    samplingRate: 1,
    ...over,
  };
}

describe("FlowRollup", () => {
  it("attributes a flow to its exporter and to the internal host, with directions", () => {
    const r = new FlowRollup({ isInternal });
    r.add(flow({}));
    r.add(flow({ srcAddr: "198.51.100.7", dstAddr: "10.1.1.10", srcPort: 443, dstPort: 51001, bytes: 5000, packets: 5 }));
    const rows = r.flushBefore(T0 + 60_000);
    const host = rows.find((x) => x.address === "10.1.1.10")!;
    const exporter = rows.find((x) => x.address === "192.0.2.1")!;
    expect(host).toMatchObject({ exporter: false, bytesOut: 1000, bytesIn: 5000, flows: 2, tcpSynFlows: 2 });
    expect(exporter).toMatchObject({ exporter: true, bytesOut: 1000, bytesIn: 5000, flows: 2 });
    expect(host.distinctPeers).toBe(2);
    expect(host.topTalkers[0]).toEqual({ peer: "198.51.100.7", direction: "in", bytes: 5000 });
    expect(flowMetrics(host).bandwidthInBps).toBeCloseTo((5000 * 8) / 60);
  });

  it("spreads a long flow over the minutes it was active in, counting it once", () => {
    const r = new FlowRollup({ isInternal });
    r.add(flow({ startMs: T0 + 30_000, endMs: T0 + 150_000, bytes: 1200 }));
    const rows = r.flushBefore(T0 + 10 * 60_000).filter((x) => x.address === "10.1.1.10");
    expect(rows.map((x) => Math.round(x.bytesOut))).toEqual([300, 600, 300]);
    expect(rows.map((x) => x.flows)).toEqual([0, 0, 1]);
  });

  it("keeps open minutes until the watermark passes them and counts later flows for them as late", () => {
    const r = new FlowRollup({ isInternal });
    r.add(flow({}));
    r.add(flow({ endMs: T0 + 70_000, startMs: T0 + 65_000 }));
    expect(r.flushBefore(T0 + 60_000).map((x) => x.minute)).toEqual([T0, T0]);
    expect(r.openBuckets()).toBe(2);
    r.add(flow({ endMs: T0 + 20_000 }));
    expect(r.lateFlows).toBe(2);
  });

  it("accepts flows for a minute nothing was written for yet, even after later flushes (a replayed or delayed exporter)", () => {
    const r = new FlowRollup({ isInternal });
    expect(r.flushBefore(T0 + 60 * 60_000)).toEqual([]);
    r.add(flow({}));
    expect(r.lateFlows).toBe(0);
    expect(r.flushBefore(T0 + 60 * 60_000).map((x) => x.minute)).toEqual([T0, T0]);
  });

  it("counts a port scan's distinct destination ports and peers within a few percent", () => {
    const r = new FlowRollup({ isInternal });
    for (let port = 1; port <= 5000; port++) r.add(flow({ dstPort: port, dstAddr: `203.0.${port % 200}.${port % 250}`, bytes: 60, packets: 1 }));
    const host = r.flushBefore(T0 + 60_000).find((x) => x.address === "10.1.1.10")!;
    expect(Math.abs(host.distinctDstPorts - 5000) / 5000).toBeLessThan(0.15);
    expect(host.flows).toBe(5000);
  });

  it.each([
    {
      name: "an upload to an external peer",
      flow: {},
      host: { bytesOut: 1000, bytesOutExternal: 1000 },
      exporter: { bytesOut: 1000, bytesOutExternal: 1000 },
    },
    {
      name: "an upload to an internal peer (e.g. a backup to the NAS)",
      flow: { dstAddr: "10.2.2.2" },
      host: { bytesOut: 1000, bytesOutExternal: 0 },
      exporter: { bytesOut: 0, bytesOutExternal: 0 },
    },
    {
      name: "a download from an external peer",
      flow: { srcAddr: "198.51.100.7", dstAddr: "10.1.1.10" },
      host: { bytesIn: 1000, bytesOut: 0, bytesOutExternal: 0 },
      exporter: { bytesIn: 1000, bytesOutExternal: 0 },
    },
  ])("counts outbound bytes leaving the internal subnets: $name", ({ flow: over, host, exporter }) => {
    const r = new FlowRollup({ isInternal });
    r.add(flow(over));
    const rows = r.flushBefore(T0 + 60_000);
    expect(rows.find((x) => x.address === "10.1.1.10")).toMatchObject(host);
    expect(rows.find((x) => x.address === "192.0.2.1")).toMatchObject(exporter);
  });

  it.each([
    { name: "a bare SYN probe", over: { bytes: 44, packets: 1 }, small: 1, longLowByte: 0 },
    { name: "a probe and its retry", over: { bytes: 88, packets: 2 }, small: 1, longLowByte: 0 },
    { name: "an ordinary short flow", over: { bytes: 40_000, packets: 30 }, small: 0, longLowByte: 0 },
    { name: "a slow client: 58 s, 1.8 kB", over: { startMs: T0, endMs: T0 + 58_000, bytes: 1_800, packets: 15 }, small: 0, longLowByte: 1 },
    { name: "exactly 30 s at 200 B/s", over: { startMs: T0, endMs: T0 + 30_000, bytes: 6_000, packets: 50 }, small: 0, longLowByte: 1 },
    { name: "a 29 s trickle is not long", over: { startMs: T0, endMs: T0 + 29_000, bytes: 500, packets: 5 }, small: 0, longLowByte: 0 },
    { name: "a long download is not low-byte", over: { startMs: T0, endMs: T0 + 58_000, bytes: 5e6, packets: 4000 }, small: 0, longLowByte: 0 },
    { name: "exactly 256 B/s is not low-byte", over: { startMs: T0, endMs: T0 + 40_000, bytes: 10_240, packets: 20 }, small: 0, longLowByte: 0 },
  ])("classifies $name", ({ over, small, longLowByte }) => {
    const r = new FlowRollup({ isInternal });
    r.add(flow(over));
    const host = r.flushBefore(T0 + 60_000).find((x) => x.address === "10.1.1.10")!;
    expect(host).toMatchObject({ flows: 1, smallFlows: small, longLowByteFlows: longLowByte });
  });

  it("counts a long flow's shape once, in the minute it ended, while spreading its bytes", () => {
    const r = new FlowRollup({ isInternal });
    r.add(flow({ startMs: T0 + 30_000, endMs: T0 + 150_000, bytes: 1200, packets: 12 }));
    const rows = r.flushBefore(T0 + 10 * 60_000).filter((x) => x.address === "10.1.1.10");
    expect(rows.map((x) => x.longLowByteFlows)).toEqual([0, 0, 1]);
    expect(rows.map((x) => Math.round(x.bytesOutExternal ?? -1))).toEqual([300, 600, 300]);
  });

  it("stays bounded with 50,000 hosts: one bucket per host-minute and a fixed ring of recent flows", () => {
    const r = new FlowRollup({ isInternal, recentFlowDevices: 1000 });
    for (let i = 0; i < 50_000; i++) r.add(flow({ srcAddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }));
    expect(r.openBuckets()).toBe(50_001);
    expect(r.recentFlows("10.0.0.0")).toEqual([]); // forgotten: least recently seen
    expect(r.recentFlows("10.0.195.79")).toHaveLength(1);
  });
});

describe("sketches", () => {
  it.each([0, 1, 10, 100, 1_000, 100_000])("HyperLogLog estimates %i distinct values", (n) => {
    const h = new HyperLogLog();
    for (let i = 0; i < n; i++) {
      h.add(`v${i}`);
      h.add(`v${i}`);
    }
    const tolerance = n <= 100 ? 0.03 * n + 1 : 0.15 * n;
    expect(Math.abs(h.estimate() - n)).toBeLessThanOrEqual(tolerance);
  });

  it.each([
    ["SpaceSaving", (n: number) => new SpaceSaving<string>(n)],
    ["SmallSpaceSaving", (n: number) => new SmallSpaceSaving<string>(n)],
  ] as const)("%s keeps every key above 1/capacity of the total", (_name, make) => {
    const s = make(10);
    for (let i = 0; i < 10_000; i++) s.add(`noise${i}`, 1);
    s.add("elephant", 5_000);
    for (let i = 0; i < 1000; i++) s.add(`mouse${i}`, 1);
    expect(s.top(1)[0]!.key).toBe("elephant");
    expect(s.top(1)[0]!.count).toBeGreaterThanOrEqual(5_000);
    expect(s.top(100)).toHaveLength(10);
  });

  it("SmallSpaceSaving counts exactly while its keys fit, largest first", () => {
    const s = new SmallSpaceSaving<number>(4);
    for (const [k, w] of [[443, 10], [53, 1], [443, 5], [22, 7]] as const) s.add(k, w);
    expect(s.top(3)).toEqual([{ key: 443, count: 15, error: 0 }, { key: 22, count: 7, error: 0 }, { key: 53, count: 1, error: 0 }]);
    expect(new SmallSpaceSaving<number>(2).top(5)).toEqual([]);
  });
});

describe("FlowRollup: what the protocol-mix, lateral-movement and geography detectors read", () => {
  it("keeps the protocol mix by flows, the top destination ports by bytes, internal contacts and external peers", () => {
    const r = new FlowRollup({ isInternal });
    r.flushBefore(T0);
    r.add(flow({ dstAddr: "203.0.113.9", dstPort: 443, bytes: 5000 }));
    r.add(flow({ dstAddr: "198.51.100.7", dstPort: 53, protocol: 17, bytes: 300 }));
    // a session to an internal server, and that server's reply (towards our ephemeral port: not a contact of the server)
    r.add(flow({ dstAddr: "10.2.2.2", dstPort: 445, srcPort: 50123, bytes: 800, packets: 12 }));
    r.add(flow({ srcAddr: "10.2.2.2", dstAddr: "10.1.1.10", srcPort: 445, dstPort: 50123, bytes: 4000, packets: 14 }));
    const host = r.flushBefore(T0 + 60_000).find((x) => x.address === "10.1.1.10")!;
    expect(host.protocolFlows).toEqual({ "6": 3, "17": 1 });
    // by destination port of every flow the host is in, replies to its ephemeral ports included
    expect(host.topDstPorts!.map((p) => p.port)).toEqual([443, 50123, 445, 53]);
    expect(host.internalContacts).toEqual([{ peer: "10.2.2.2", port: 445, packets: 12 }]);
    expect(host.externalPeers).toEqual([
      { peer: "203.0.113.9", direction: "out", bytes: 5000 },
      { peer: "198.51.100.7", direction: "out", bytes: 300 },
    ]);
  });

  it("reports every watched destination port's bytes, however small next to the top ports, and merges them", () => {
    const r = new FlowRollup({ isInternal, watchDstPorts: [3333, 4444] });
    for (let k = 1; k <= 8; k++) r.add(flow({ dstPort: 50_000 + k, dstAddr: `203.0.113.${k}`, bytes: k * 1_000_000 }));
    r.add(flow({ dstPort: 3333, dstAddr: "198.51.100.20", bytes: 12_000 }));
    r.add(flow({ dstPort: 3333, dstAddr: "198.51.100.20", bytes: 3_000 }));
    const [host] = r.flushBefore(T0 + 2 * 60_000).filter((x) => x.address === "10.1.1.10");
    expect(host!.topDstPorts!.map((p) => p.port)).not.toContain(3333);
    expect(host!.watchedDstPorts).toEqual([{ port: 3333, bytes: 15_000 }]);
    const into = flowDetailOf(host!);
    mergeFlowDetail(into, { watchedDstPorts: [{ port: 3333, bytes: 1_000 }, { port: 4444, bytes: 500 }] });
    expect(into.watchedDstPorts).toEqual([{ port: 3333, bytes: 16_000 }, { port: 4444, bytes: 500 }]);
    // nothing watched seen: no field at all (most minutes)
    const quiet = new FlowRollup({ isInternal, watchDstPorts: [3333] });
    quiet.add(flow({}));
    expect(quiet.flushBefore(T0 + 2 * 60_000).every((x) => x.watchedDstPorts === undefined)).toBe(true);
  });

  it("counts a port added to the watch list from the next flow on, within a bounded list", () => {
    const r = new FlowRollup({ isInternal, watchDstPorts: [3333] });
    r.add(flow({ dstPort: 3334, dstAddr: "198.51.100.20", bytes: 2_000 }));
    r.setWatchedDstPorts([3333, 3334]);
    r.add(flow({ dstPort: 3334, dstAddr: "198.51.100.20", bytes: 5_000 }));
    const [host] = r.flushBefore(T0 + 2 * 60_000).filter((x) => x.address === "10.1.1.10");
    expect(host!.watchedDstPorts).toEqual([{ port: 3334, bytes: 5_000 }]);
    // a huge list is cut to MAX_WATCHED_PORTS (the lowest ports): a bucket's watched counts stay bounded
    const many = new FlowRollup({ isInternal, watchDstPorts: Array.from({ length: 1_000 }, (_, i) => 10_000 + i) });
    many.add(flow({ dstPort: 10_000 + MAX_WATCHED_PORTS - 1, bytes: 10 }));
    many.add(flow({ dstPort: 10_000 + MAX_WATCHED_PORTS, bytes: 10 }));
    const [watched] = many.flushBefore(T0 + 2 * 60_000).filter((x) => x.address === "10.1.1.10");
    expect(watched!.watchedDstPorts!.map((p) => p.port)).toEqual([10_000 + MAX_WATCHED_PORTS - 1]);
  });

  it("merges two views of one device-minute within the same bounds", () => {
    const a = { protocolFlows: { "6": 2 }, topDstPorts: [{ port: 443, bytes: 10 }], internalContacts: [{ peer: "10.0.0.2", port: 22, packets: 5 }], internalContactsDropped: 0, externalPeers: [{ peer: "203.0.113.1", direction: "out" as const, bytes: 7 }] };
    const into = flowDetailOf(a);
    mergeFlowDetail(into, { protocolFlows: { "6": 1, "17": 4 }, topDstPorts: [{ port: 53, bytes: 30 }, { port: 443, bytes: 5 }], internalContacts: [{ peer: "10.0.0.2", port: 22, packets: 5 }, { peer: "10.0.0.3", port: 445, packets: 9 }], internalContactsDropped: 2, externalPeers: [{ peer: "203.0.113.1", direction: "out", bytes: 3 }] });
    expect(into).toEqual({
      protocolFlows: { "6": 3, "17": 4 },
      topDstPorts: [{ port: 53, bytes: 30 }, { port: 443, bytes: 15 }],
      internalContacts: [{ peer: "10.0.0.2", port: 22, packets: 5 }, { peer: "10.0.0.3", port: 445, packets: 9 }],
      internalContactsDropped: 2,
      externalPeers: [{ peer: "203.0.113.1", direction: "out", bytes: 10 }],
    });
    expect(a.protocolFlows).toEqual({ "6": 2 }); // the copy, not the original, was merged into
  });
});

describe("FlowRollup budgets", () => {
  it("opens no bucket for a minute far beyond the flush watermark (it would never be flushed)", () => {
    const r = new FlowRollup({ isInternal, maxAheadMs: 15 * 60_000 });
    r.flushBefore(T0);
    r.add(flow({ startMs: T0 + 5_000, endMs: T0 + 10_000 }));
    r.add(flow({ startMs: Date.parse("2096-01-01T00:00:00Z"), endMs: Date.parse("2096-01-01T00:00:30Z") }));
    r.add(flow({ startMs: T0 + 20 * 60_000, endMs: T0 + 20 * 60_000 }));
    expect(r.futureFlows).toBe(4); // two flows, each for the exporter and the host
    expect(r.openBuckets()).toBe(2);
    expect(r.flushBefore(T0 + 60_000)).toHaveLength(2);
    expect(r.openBuckets()).toBe(0);
  });

  it("caps open buckets: hosts fill at most 90%, the exporter still gets its minutes, refusals counted", () => {
    const r = new FlowRollup({ isInternal, maxOpenBuckets: 1000 });
    // 20,000 spoofed internal hosts in one minute
    for (let i = 0; i < 20_000; i++) r.add(flow({ srcAddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }));
    expect(r.openBuckets()).toBe(900);
    expect(r.budgetDroppedFlows).toBe(20_000 - 899);
    // the exporter's own minute was opened by the first flow; a new minute for it still fits
    r.add(flow({ srcAddr: "198.51.100.1", dstAddr: "203.0.113.9", startMs: T0 + 65_000, endMs: T0 + 70_000 }));
    expect(r.openBuckets()).toBe(901);
    const rows = r.flushBefore(T0 + 120_000);
    expect(rows.filter((x) => x.exporter).map((x) => x.flows)).toEqual([20_000, 1]);
    // after the flush the budget is free again for legitimate hosts
    r.add(flow({ srcAddr: "10.200.0.1", startMs: T0 + 125_000, endMs: T0 + 130_000 }));
    expect(r.flushBefore(T0 + 180_000).map((x) => x.address).sort()).toEqual(["10.200.0.1", "192.0.2.1"]);
  });
});

describe("FlowRollup late-flow memory", () => {
  it("remembers at most twice the bucket budget of flushed addresses, the least recently flushed forgotten", () => {
    const r = new FlowRollup({ isInternal, maxOpenBuckets: 1_000 });
    const remembered = () => (r as unknown as { lastFlushed: Map<string, number> }).lastFlushed.size;
    // ten minutes of 900 new spoofed hosts each (the host share of the budget)
    for (let m = 0; m < 10; m++) {
      for (let i = 0; i < 900; i++) {
        r.add(flow({ srcAddr: `10.${m}.${i >> 8}.${i & 255}`, startMs: T0 + m * 60_000, endMs: T0 + m * 60_000 + 5_000 }));
      }
      r.flushBefore(T0 + (m + 1) * 60_000);
      expect(remembered()).toBeLessThanOrEqual(2_000);
    }
    // the exporter, flushed every minute, is remembered: its written minutes stay closed
    r.add(flow({ srcAddr: "198.51.100.1", startMs: T0 + 9 * 60_000, endMs: T0 + 9 * 60_000 + 1_000 }));
    expect(r.lateFlows).toBe(1);
    // a recently flushed host too
    r.add(flow({ srcAddr: "10.9.0.1", startMs: T0 + 9 * 60_000, endMs: T0 + 9 * 60_000 + 1_000 }));
    expect(r.lateFlows).toBe(3);
  });
});
