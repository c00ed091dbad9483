import { describe, expect, it } from "vitest";
import { fastFloodDetector, type HostWindow } from "@/lib/detect/detectors/flow/fast-flood-detector";
import { HostWindowTable, type FastFinding } from "@/lib/detect/fast/host-window-table";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { mulberry32 } from "@/lib/simulator/prng";

const W = 5_000;
const T0 = Date.UTC(2026, 11, 7, 8, 0, 0);
const HOST = "10.1.2.3";
const isInternal = (a: string) => a.startsWith("10.");

function flow(f: Partial<FlowRecord>): FlowRecord {
  return {
    exporter: "192.0.2.1",
    srcAddr: "203.0.113.9",
    dstAddr: HOST,
    srcPort: 40_000,
    dstPort: 443,
    protocol: 6,
    bytes: 1_000,
    packets: 10,
    startMs: T0,
    endMs: T0,
    tcpFlags: 0x1b,
    inputIf: 1,
    outputIf: 2,
    samplingRate: 1,
    ...f,
  };
}

/** A host's ordinary window: `pps` inbound packets/s (600-byte packets) in 50 flows, outbound half the bytes. */
function ordinary(pps: number, i: number): FlowRecord[] {
  const perFlow = (pps * W) / 1000 / 50;
  const inbound = Array.from({ length: 50 }, (_, k) =>
    flow({ srcAddr: `198.51.100.${(k % 200) + 1}`, srcPort: 1024 + k + i, packets: perFlow, bytes: perFlow * 600 }),
  );
  const outbound = flow({ srcAddr: HOST, dstAddr: "198.51.100.1", packets: pps * 2, bytes: pps * 2 * 300 * 2.5 });
  return [...inbound, outbound];
}

/** A flood window: `pps` packets/s of 80-byte UDP from `sources` spoofed sources to port 53. */
function flood(pps: number, sources: number): FlowRecord[] {
  const perFlow = (pps * W) / 1000 / sources;
  return Array.from({ length: sources }, (_, k) =>
    flow({ srcAddr: `203.0.${(k >> 8) & 255}.${k & 255}`, srcPort: 53, dstPort: 53, protocol: 17, tcpFlags: 0, packets: perFlow, bytes: perFlow * 80 }),
  );
}

/** Feeds one window's flows (arriving through the window) and closes it; the findings of that window. */
function feedWindow(table: HostWindowTable, index: number, flows: readonly FlowRecord[]): FastFinding[] {
  const start = T0 + index * W;
  const found: FastFinding[] = [];
  flows.forEach((f, k) => found.push(...table.add(f, start + Math.floor((k * W) / Math.max(1, flows.length)))));
  found.push(...table.advance(start + W));
  return found;
}

describe("the fast-path host window table", () => {
  it("reports a flood again at once when it grows more severe: one that began late in a window is judged early on a partial count", () => {
    // a host never seen before whose first traffic is a 90,000 packets/s flood starting 4.4 s into a
    // window: that window's 0.6 s stay below the cold-start bar and become its baseline, so the next
    // window's early judgements see a ratio that grows each second: each step up is reported at once
    const table = new HostWindowTable({ windowMs: W, maxHosts: 100, isInternal });
    const found: FastFinding[] = [];
    const startMs = T0 + 4_400;
    let nextTick = T0 + 5_000;
    for (let now = startMs; now < T0 + 3 * W; now += 250) {
      // the worker's 1 s tick
      for (; nextTick <= now; nextTick += 1_000) found.push(...table.advance(nextTick));
      const packets = 90_000 / 4 / 100;
      for (let k = 0; k < 100; k++) {
        found.push(...table.add(flow({ srcAddr: `203.0.0.${k}`, protocol: 17, dstPort: 53, tcpFlags: 0, packets, bytes: packets * 64, startMs: now - 250, endMs: now }), now));
      }
    }
    const judgedAt = (f: FastFinding) => Date.parse((f.detection.evidence as { window: { judgedAt: string } }).window.judgedAt);
    expect(found.map((f) => f.detection.severity)).toEqual(["medium", "high", "critical"]);
    for (let k = 1; k < found.length; k++) expect(judgedAt(found[k]!) - judgedAt(found[k - 1]!)).toBe(1_000);
    expect(judgedAt(found.at(-1)!) - startMs).toBeLessThanOrEqual(6_000);
  });

  it("alerts a flood in the first window it arrives in, with the window, rate vs usual and top sources/ports as evidence", () => {
    const table = new HostWindowTable({ windowMs: W, isInternal });
    // two minutes of the host's usual 3,000 packets/s
    for (let i = 0; i < 24; i++) expect(feedWindow(table, i, ordinary(3_000, i))).toEqual([]);
    const found = feedWindow(table, 24, [...ordinary(3_000, 24), ...flood(60_000, 300)]);
    expect(found).toHaveLength(1);
    const { host, detection } = found[0]!;
    expect(host).toBe(HOST);
    expect(detection).toMatchObject({ detector: "flow-ddos-fast", anomalyType: "ddos", metric: "packetsPerSec", severity: "critical" });
    expect(detection.score).toBeGreaterThan(10);
    const e = detection.evidence!;
    expect(e).toMatchObject({ fastPath: true, coldBaseline: false, window: { seconds: 5, start: new Date(T0 + 24 * W).toISOString() } });
    expect(e.usualPacketsPerSec as number).toBeGreaterThan(2_500);
    expect(e.usualPacketsPerSec as number).toBeLessThan(3_500);
    expect(e.packetsPerSec as number).toBeGreaterThan(60_000);
    expect((e.topPorts as { port: string }[])[0]!.port).toBe("17/53");
    expect((e.topSources as { peer: string }[]).length).toBe(5);
    expect(e.distinctSources as number).toBeGreaterThan(250);
    expect(detection.explanation).toContain("Fast path, 5 s window");
  });

  it("reports a flood while its window is still open, at the first tick its counts so far hold it, and not again when the window closes", () => {
    const table = new HostWindowTable({ windowMs: W, isInternal });
    for (let i = 0; i < 24; i++) feedWindow(table, i, ordinary(3_000, i));
    const start = T0 + 24 * W;
    // the flood starts 3 s into the window: one second of it already outweighs the host's whole usual window
    for (const f of flood(100_000, 100).map((f) => ({ ...f, packets: f.packets / 5, bytes: f.bytes / 5 }))) expect(table.add(f, start + 3_000)).toEqual([]);
    const early = table.advance(start + 4_000);
    expect(early).toHaveLength(1);
    expect(early[0]!.detection.observed.ts).toBe(new Date(start + 4_000).toISOString());
    expect(early[0]!.detection.evidence).toMatchObject({ window: { judgedAt: new Date(start + 4_000).toISOString() } });
    expect(table.advance(start + 4_500)).toEqual([]);
    expect(table.advance(start + W)).toEqual([]);
  });

  it("alerts once for a lasting flood, then again only every reportEveryWindows windows", () => {
    const table = new HostWindowTable({ windowMs: W, isInternal, reportEveryWindows: 4 });
    for (let i = 0; i < 20; i++) feedWindow(table, i, ordinary(2_000, i));
    const reported = Array.from({ length: 10 }, (_, k) => feedWindow(table, 20 + k, flood(80_000, 100)).length);
    expect(reported).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
  });

  it("alerts a flood towards a host with no baseline only above the cold-start minimum", () => {
    const table = new HostWindowTable({ windowMs: W, isInternal });
    expect(feedWindow(table, 0, flood(20_000, 100))).toEqual([]);
    const other = new HostWindowTable({ windowMs: W, isInternal });
    expect(feedWindow(other, 0, flood(200_000, 100))[0]?.detection.evidence).toMatchObject({ coldBaseline: true });
  });

  it("counts only the endpoints it is told to (distributed mode: a host is judged in its own partition only)", () => {
    const elsewhere = new HostWindowTable({ windowMs: W, isInternal });
    const start = T0;
    const found = flood(200_000, 100).flatMap((f) => elsewhere.add(f, start, (address) => address !== HOST));
    expect([...found, ...elsewhere.advance(start + W)]).toEqual([]);
    expect(elsewhere.size).toBe(0);
    const own = new HostWindowTable({ windowMs: W, isInternal });
    const mine = flood(200_000, 100).flatMap((f) => own.add(f, start, (address) => address === HOST));
    expect([...mine, ...own.advance(start + W)].map((x) => x.host)).toEqual([HOST]);
  });

  it("does not alert the host's usual bursts: busy windows of ×4 every minute", () => {
    const table = new HostWindowTable({ windowMs: W, isInternal });
    const found: FastFinding[] = [];
    for (let i = 0; i < 24 * 30; i++) found.push(...feedWindow(table, i, ordinary(i % 12 === 0 ? 24_000 : 6_000, i)));
    // only the very first burst, before any burst was learnt, may stand out
    expect(found.filter((f) => f.window.startMs > T0 + 12 * W)).toEqual([]);
  });

  it("does not alert a slow ramp from 3,000 to 60,000 packets/s over ten minutes", () => {
    const table = new HostWindowTable({ windowMs: W, isInternal });
    for (let i = 0; i < 24; i++) feedWindow(table, i, ordinary(3_000, i));
    const found: FastFinding[] = [];
    for (let i = 0; i < 120; i++) found.push(...feedWindow(table, 24 + i, ordinary(3_000 * Math.pow(20, i / 119), i)));
    expect(found).toEqual([]);
  });

  it("does not alert a surge that raises outbound with inbound (a busy day, not a flood)", () => {
    const table = new HostWindowTable({ windowMs: W, isInternal });
    for (let i = 0; i < 24; i++) feedWindow(table, i, ordinary(3_000, i));
    expect(feedWindow(table, 24, ordinary(30_000, 24))).toEqual([]);
  });

  it("does not alert a tiny host however large its ratio", () => {
    const table = new HostWindowTable({ windowMs: W, isInternal });
    for (let i = 0; i < 24; i++) feedWindow(table, i, ordinary(5, i));
    expect(feedWindow(table, 24, flood(3_000, 50))).toEqual([]);
  });

  it("stays within its host cap under floods of random destinations, keeping the hosts that have a baseline", () => {
    const table = new HostWindowTable({ windowMs: W, isInternal, maxHosts: 1_000 });
    const prng = mulberry32(7);
    const known = Array.from({ length: 200 }, (_, k) => `10.0.0.${k + 1}`);
    for (let i = 0; i < 24; i++) feedWindow(table, i, known.map((h) => flow({ dstAddr: h, packets: 5_000, bytes: 3_000_000 })));
    for (let i = 24; i < 34; i++) {
      const random = Array.from({ length: 5_000 }, () =>
        flow({ dstAddr: `10.${Math.floor(prng() * 256)}.${Math.floor(prng() * 256)}.${Math.floor(prng() * 256)}`, packets: 1, bytes: 60 }),
      );
      feedWindow(table, i, random);
      expect(table.size).toBeLessThanOrEqual(1_000);
    }
    expect(table.evictions).toBeGreaterThan(40_000);
    // the known hosts kept their baselines: a flood on one of them is judged against its usual, not cold
    const found = feedWindow(table, 34, flood(300_000, 100).map((f) => ({ ...f, dstAddr: known[5]! })));
    expect(found[0]?.detection.evidence).toMatchObject({ host: known[5], coldBaseline: false });
  });
});

describe("the fast-flood detector", () => {
  const window: HostWindow = {
    host: HOST,
    startMs: T0,
    windowMs: W,
    judgedAtMs: T0 + W,
    packetsIn: 500_000,
    bytesIn: 40_000_000,
    flowsIn: 100,
    synFlowsIn: 0,
    distinctSources: 100,
    packetsOut: 1_000,
    bytesOut: 1_000_000,
    topSources: [],
    topPorts: [],
  };
  const rates = { packetsPerSec: 2_000, inboundBps: 8e6, flowsPerSec: 10, distinctSources: 20, outboundBps: 1.6e6 };
  const baseline = { windows: 100, mean: rates, peak: rates };

  it("raises the minute DDoS detector's type with the ratio to the usual as score, on packets/s or else inbound bandwidth", () => {
    const [d] = fastFloodDetector.run({ window, baseline });
    expect(d).toMatchObject({ anomalyType: "ddos", score: 50, severity: "critical", observed: { value: 100_000, ts: new Date(T0 + W).toISOString() } });
    // either dimension suffices: past the packet ratio, the bandwidth (×8) still holds it
    expect(fastFloodDetector.run({ window, baseline }, { minPacketRatio: 60 })[0]).toMatchObject({ metric: "bandwidthInBps", score: 8, severity: "critical" });
    expect(fastFloodDetector.run({ window, baseline }, { minPacketRatio: 60, minInboundRatio: 10 })).toEqual([]);
  });

  it("refuses a bad setting naming it", () => {
    expect(() => fastFloodDetector.run({ window, baseline }, { minPacketRatio: 0.5 })).toThrow(/minPacketRatio/);
  });
});
