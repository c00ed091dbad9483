import { describe, expect, it } from "vitest";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { FlowRollup, flowMetrics } from "@/lib/telemetry/flow-rollup";
import { HyperLogLog } from "@/lib/telemetry/sketch/hyper-log-log";
import { SpaceSaving } from "@/lib/telemetry/sketch/space-saving";

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

  it("Space-Saving keeps every key above 1/capacity of the total", () => {
    const s = new SpaceSaving<string>(10);
    for (let i = 0; i < 10_000; i++) s.add(`noise${i}`, 1);
    s.add("elephant", 5_000);
    for (let i = 0; i < 1000; i++) s.add(`mouse${i}`, 1);
    expect(s.top(1)[0]!.key).toBe("elephant");
    expect(s.top(1)[0]!.count).toBeGreaterThanOrEqual(5_000);
  });
});
