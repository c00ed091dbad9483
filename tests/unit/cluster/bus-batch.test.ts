import { describe, expect, it } from "vitest";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { FlowRollup } from "@/lib/telemetry/flow-rollup";
import { decodeBusBatch, emptyBusBatch, encodeBusBatch, flowPartitions, newestMinuteOf, partitionOf } from "@/lib/telemetry/bus/bus-batch";
import { ownerOf } from "@/workers/cluster/cluster-node";

const T0 = Date.parse("2026-12-07T10:00:00Z");
const isInternal = createSubnetMatcher(["10.0.0.0/8"]);

function flow(over: Partial<FlowRecord> = {}): FlowRecord {
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

describe("bus partitioning", () => {
  it("sends a flow to its exporter's partition and each internal endpoint's, once each", () => {
    const P = 64;
    const f = flow({ srcAddr: "10.1.1.10", dstAddr: "10.2.2.20" });
    const want = new Set([partitionOf("192.0.2.1", P), partitionOf("10.1.1.10", P), partitionOf("10.2.2.20", P)]);
    expect(new Set(flowPartitions(f, P, isInternal))).toEqual(want);
    expect(flowPartitions(f, P, isInternal)).toHaveLength(want.size);
    // an external endpoint is nobody's device
    expect(flowPartitions(flow({ srcAddr: "198.51.100.1", dstAddr: "203.0.113.9" }), P, isInternal)).toEqual([partitionOf("192.0.2.1", P)]);
  });

  it("spreads addresses over the partitions, the same way in every process", () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 4096; i++) counts[partitionOf(`10.0.${i >> 8}.${i & 255}`, 16)]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(4096 / 16 / 2);
    expect(partitionOf("10.0.0.1", 16)).toBe(partitionOf("10.0.0.1", 16));
  });

  it("gives each partition one owner among the live workers, and moves only a leaver's partitions", () => {
    const three = ["worker-a", "worker-b", "worker-c"];
    const owners = Array.from({ length: 48 }, (_, p) => ownerOf(p, three));
    for (const w of three) expect(owners.filter((o) => o === w).length).toBeGreaterThan(4);
    const two = ["worker-a", "worker-c"];
    for (let p = 0; p < 48; p++) {
      const after = ownerOf(p, two);
      if (owners[p] !== "worker-b") expect(after).toBe(owners[p]);
      else expect(two).toContain(after);
    }
    expect(ownerOf(3, [])).toBeUndefined();
  });
});

describe("bus batches", () => {
  it("round-trip, unreadable flow times included", () => {
    const b = emptyBusBatch(T0 + 30_000);
    b.flows.push(flow(), flow({ endMs: NaN }));
    b.syslog.push({ message: { format: "rfc3164", facility: 1, severity: "err", timestampMs: null, hostname: "r1", appName: null, message: "link down" }, source: "10.0.0.1", receivedAt: T0 + 1_000 });
    b.gauges.push({ device: { address: "10.0.0.2" }, ts: T0 + 2_000, values: { cpuPct: 40 } });
    b.facts!.push({ device: { address: "10.0.0.3" }, ts: T0 + 3_000, facts: { snmpVersion: "v2c", telnetEnabled: null, sshEnabled: true, httpMgmtEnabled: null } });
    const back = decodeBusBatch(encodeBusBatch(b))!;
    expect(back.facts).toEqual(b.facts);
    expect(back.flows[0]).toEqual(flow());
    expect(Number.isNaN(back.flows[1]!.endMs)).toBe(true);
    expect(back.syslog).toEqual(b.syslog);
    expect(back.gauges).toEqual(b.gauges);
  });

  it("reads a batch of a collector that sends no configuration facts", () => {
    const back = decodeBusBatch(Buffer.from(JSON.stringify({ at: 1, flows: [], syslog: [], gauges: [], reachability: [] })))!;
    expect(back.facts ?? []).toEqual([]);
  });

  it.each([
    ["not JSON", "{"],
    ["facts that are not a list", JSON.stringify({ at: 1, flows: [], syslog: [], gauges: [], reachability: [], facts: {} })],
    ["no arrays", JSON.stringify({ at: 1 })],
    ["a flow without its exporter", JSON.stringify({ at: 1, flows: [{ srcAddr: "a", dstAddr: "b", bytes: 1, packets: 1, startMs: 1, endMs: 1 }], syslog: [], gauges: [], reachability: [] })],
    ["a gauge without values", JSON.stringify({ at: 1, flows: [], syslog: [], gauges: [{ device: {}, ts: 1 }], reachability: [] })],
  ])("refuses %s", (_what, text) => {
    expect(decodeBusBatch(Buffer.from(text))).toBeNull();
  });

  it("is settled by its newest minute, and a clock far ahead does not hold it forever", () => {
    const b = emptyBusBatch(T0 + 70_000);
    b.flows.push(flow({ endMs: T0 + 10_000 }), flow({ endMs: T0 + 65_000 }));
    expect(newestMinuteOf(b)).toBe(T0 + 60_000);
    b.flows.push(flow({ endMs: T0 + 86_400_000 }));
    expect(newestMinuteOf(b)).toBe(T0 + 16 * 60_000);
  });
});

describe("FlowRollup in a bus partition", () => {
  it("keeps only the addresses its partition owns", () => {
    const r = new FlowRollup({ isInternal, owns: (a) => a === "10.1.1.10" });
    r.add(flow());
    expect(r.flushBefore(T0 + 60_000).map((x) => x.address)).toEqual(["10.1.1.10"]);
  });

  it("refuses flows for minutes a previous owner stored, for every address, counting them late", () => {
    const r = new FlowRollup({ isInternal });
    r.closeBefore(T0 + 60_000);
    r.add(flow());
    r.add(flow({ startMs: T0 + 30_000, endMs: T0 + 90_000, bytes: 2000 }));
    const rows = r.flushBefore(T0 + 120_000).filter((x) => x.address === "10.1.1.10");
    // the first flow and the stored minute's half of the second are not added again
    expect(rows.map((x) => [x.minute, Math.round(x.bytesOut)])).toEqual([[T0 + 60_000, 1000]]);
    expect(r.lateFlows).toBe(2);
  });
});
