import { describe, expect, it } from "vitest";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { FlowRollup } from "@/lib/telemetry/flow-rollup";
import { sketchHash, SmallSpaceSaving, SpaceSaving } from "@/lib/telemetry/sketch/space-saving";

// The plain algorithms the heap-backed sketches must reproduce exactly, down to which key is evicted
// when counts tie and the order of equal counts in top(): detection results depend on both.

/** Map-ordered: a scan for the first smallest, the replacing key appended (delete + set). */
function mapOrdered(capacity: number) {
  const counts = new Map<string, number>();
  const errors = new Map<string, number>();
  return {
    add(key: string, weight: number) {
      const c = counts.get(key);
      if (c !== undefined) return void counts.set(key, c + weight);
      if (counts.size < capacity) return void counts.set(key, weight);
      let minKey = "";
      let min = Infinity;
      for (const [k, v] of counts) if (v < min) [min, minKey] = [v, k];
      counts.delete(minKey);
      errors.delete(minKey);
      counts.set(key, min + weight);
      errors.set(key, min);
    },
    top: (n: number) =>
      [...counts].map(([key, count]) => ({ key, count, error: errors.get(key) ?? 0 })).sort((a, b) => b.count - a.count).slice(0, n),
  };
}

/** Array-ordered: a scan for the first smallest, the replacing key taking its place. */
function arrayOrdered(capacity: number) {
  const e: { key: string; count: number; error: number }[] = [];
  return {
    add(key: string, weight: number) {
      let m = 0;
      for (let i = 0; i < e.length; i++) {
        if (e[i]!.key === key) return void (e[i]!.count += weight);
        if (e[i]!.count < e[m]!.count) m = i;
      }
      if (e.length < capacity) return void e.push({ key, count: weight, error: 0 });
      const min = e[m]!.count;
      e[m] = { key, count: min + weight, error: min };
    },
    top: (n: number) => e.map((x) => ({ ...x })).sort((a, b) => b.count - a.count).slice(0, n),
  };
}

/** A fixed stream with many ties: few distinct small weights, keys drawn from a pool larger than the sketch. */
function stream(seed: number, length: number, keys: number): [string, number][] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length }, () => [`k${Math.floor(rnd() ** 2 * keys)}`, 1 + Math.floor(rnd() * 3)] as [string, number]);
}

describe("Space-Saving keeps the plain algorithm's evictions and tie order", () => {
  it.each([
    [1, 50],
    [3, 10],
    [12, 40],
    [24, 200],
    [24, 30],
  ])("SpaceSaving(%i) over %i keys evicts and ranks as the Map-ordered scan", (capacity, keys) => {
    for (const seed of [1, 2, 3]) {
      const fast = new SpaceSaving<string>(capacity);
      const plain = mapOrdered(capacity);
      stream(seed, 3000, keys).forEach(([k, w], i) => {
        fast.add(k, w);
        plain.add(k, w);
        if (i % 97 === 0) expect(fast.top(capacity)).toEqual(plain.top(capacity));
      });
      expect(fast.top(capacity)).toEqual(plain.top(capacity));
      expect(fast.top(3)).toEqual(plain.top(3));
    }
  });

  it.each([
    [1, 50],
    [4, 10],
    [12, 40],
    [24, 200],
  ])("SmallSpaceSaving(%i) over %i keys evicts and ranks as the array-ordered scan", (capacity, keys) => {
    for (const seed of [1, 2, 3]) {
      const fast = new SmallSpaceSaving<string>(capacity);
      const plain = arrayOrdered(capacity);
      stream(seed, 3000, keys).forEach(([k, w], i) => {
        fast.add(k, w);
        plain.add(k, w);
        if (i % 97 === 0) expect(fast.top(capacity)).toEqual(plain.top(capacity));
      });
      expect(fast.top(capacity)).toEqual(plain.top(capacity));
    }
  });

  it("finds its keys however their hashes collide (all in one probe chain, or in three that run into each other)", () => {
    // keys whose hashes share their low bits land on the same place of the sketch's table (64 places at capacity 24)
    const byHome = new Map<number, string[]>();
    for (let i = 0; i < 20_000; i++) {
      const home = sketchHash(`k${i}`) & 63;
      byHome.set(home, [...(byHome.get(home) ?? []), `k${i}`]);
    }
    for (const homes of [[5], [5, 6, 7]]) {
      const keys = homes.flatMap((h) => byHome.get(h)!.slice(0, 60 / homes.length));
      const fast = new SpaceSaving<string>(24);
      const plain = mapOrdered(24);
      for (const [k, w] of stream(11, 3000, keys.length)) {
        const key = keys[Number(k.slice(1))]!;
        fast.add(key, w);
        plain.add(key, w);
      }
      expect(fast.top(24)).toEqual(plain.top(24));
    }
  });

  it("counts a key under different tags apart, as a `${tag}|${key}` string key would", () => {
    for (const make of [(n: number) => new SpaceSaving<string>(n), (n: number) => new SmallSpaceSaving<string>(n)]) {
      const tagged = make(8);
      const joined = mapOrdered(8);
      const small = arrayOrdered(8);
      stream(7, 2000, 12).forEach(([k, w], i) => {
        tagged.add(k, w, i % 2);
        joined.add(`${i % 2}|${k}`, w);
        small.add(`${i % 2}|${k}`, w);
      });
      const got = tagged.topTagged(8).map((t) => ({ key: `${t.tag}|${t.key}`, count: t.count, error: t.error }));
      expect(got).toEqual((tagged instanceof SpaceSaving ? joined : small).top(8));
    }
  });
});

describe("FlowRollup recent flows", () => {
  const isInternal = createSubnetMatcher(["10.0.0.0/8"]);
  const T0 = Date.parse("2026-11-17T14:00:00Z");
  const flow = (src: string, i: number): FlowRecord => ({
    exporter: "192.0.2.1",
    srcAddr: src,
    dstAddr: "198.51.100.7",
    srcPort: 40_000 + i,
    dstPort: 443,
    protocol: 6,
    bytes: 100 + i,
    packets: 1,
    startMs: T0 + i,
    endMs: T0 + i,
    tcpFlags: 0x1b,
    inputIf: 1,
    outputIf: 2,
    samplingRate: 1,
  });

  it("keeps each address's last flows oldest first, and forgets the least recently seen address", () => {
    const r = new FlowRollup({ isInternal, recentFlowsPerDevice: 3, recentFlowDevices: 3 });
    for (let i = 0; i < 7; i++) r.add(flow("10.0.0.1", i));
    expect(r.recentFlows("10.0.0.1").map((f) => f.srcPort)).toEqual([40_004, 40_005, 40_006]);
    // the exporter is seen with every flow; 10.0.0.1 is touched again after 10.0.0.2, so 10.0.0.2 goes first
    r.add(flow("10.0.0.2", 10));
    r.add(flow("10.0.0.1", 11));
    r.add(flow("10.0.0.3", 12));
    expect(r.recentFlows("10.0.0.2")).toEqual([]);
    expect(r.recentFlows("10.0.0.1").map((f) => f.srcPort)).toEqual([40_005, 40_006, 40_011]);
    expect(r.recentFlows("10.0.0.3").map((f) => f.srcPort)).toEqual([40_012]);
    expect(r.recentFlows("192.0.2.1")).toHaveLength(3);
  });
});
