import { describe, expect, it } from "vitest";
import type { FlowRecord } from "@/lib/telemetry/flow-record";
import { filterClockSkew, SkewedExporters } from "@/lib/telemetry/netflow/clock-skew";

const NOW = Date.parse("2026-12-07T04:00:00Z");
const WINDOW = { pastMs: 3_600_000, futureMs: 300_000 };
const MIN = 60_000;

const rec = (startMs: number, endMs: number): FlowRecord => ({
  exporter: "192.0.2.1",
  srcAddr: "10.0.0.1",
  dstAddr: "10.0.0.2",
  srcPort: 1,
  dstPort: 2,
  protocol: 6,
  bytes: 100,
  packets: 1,
  startMs,
  endMs,
  tcpFlags: 0,
  inputIf: 0,
  outputIf: 0,
  samplingRate: 1,
});

describe("filterClockSkew", () => {
  it.each([
    { name: "just ended", start: NOW - MIN, end: NOW - 1000, kept: true },
    { name: "ended 59 min ago", start: NOW - 70 * MIN, end: NOW - 59 * MIN, kept: true },
    { name: "a long flow that started 3 h ago and ended now", start: NOW - 180 * MIN, end: NOW, kept: true },
    { name: "ends 4 min ahead (exporter clock slightly fast)", start: NOW, end: NOW + 4 * MIN, kept: true },
    { name: "ended 61 min ago", start: NOW - 62 * MIN, end: NOW - 61 * MIN, kept: false, skew: -61 * MIN },
    { name: "ends 6 min ahead", start: NOW, end: NOW + 6 * MIN, kept: false, skew: 6 * MIN },
    { name: "export clock says 2096", start: Date.parse("2096-01-01T00:00:00Z"), end: Date.parse("2096-01-01T00:01:00Z"), kept: false },
    { name: "starts in the future, ends now", start: NOW + 10 * MIN, end: NOW, kept: false, skew: 10 * MIN },
    { name: "no usable time", start: NaN, end: NaN, kept: false },
  ])("$name", ({ start, end, kept, skew }) => {
    const r = filterClockSkew([rec(start, end)], NOW, WINDOW);
    expect(r.kept.length === 1).toBe(kept);
    expect(r.dropped).toBe(kept ? 0 : 1);
    if (skew !== undefined) expect(r.worstSkewMs).toBe(skew);
  });

  it("keeps the good records of a mixed datagram in order and reports the worst skew", () => {
    const good = [rec(NOW - MIN, NOW - 2000), rec(NOW - MIN, NOW - 1000)];
    const all = [good[0]!, rec(NOW, NOW + 10 * MIN), good[1]!, rec(NOW, NOW + 30 * MIN)];
    const r = filterClockSkew(all, NOW, WINDOW);
    expect(r.kept).toEqual(good);
    expect(r.dropped).toBe(2);
    expect(r.worstSkewMs).toBe(30 * MIN);
    // nothing dropped: the same array back, no copy
    expect(filterClockSkew(good, NOW, WINDOW).kept).toBe(good);
  });
});

describe("SkewedExporters", () => {
  it("lists the most recently skewed exporters, bounded, and forgets those that recovered", () => {
    const s = new SkewedExporters(3, 10 * MIN);
    s.note("a", 90 * 365 * 86_400_000, 30, NOW);
    s.note("b", -2 * 3_600_000, 5, NOW + 1000);
    s.note("a", 90 * 365 * 86_400_000, 30, NOW + 2000);
    expect(s.list(NOW + 2000).map((e) => [e.exporter, e.records])).toEqual([
      ["a", 60],
      ["b", 5],
    ]);
    expect(s.list(NOW + 2000)[1]).toMatchObject({ exporter: "b", skewSec: -7200 });
    for (let i = 0; i < 1000; i++) s.note(`forged-${i}`, 600_000, 1, NOW + 3000);
    expect(s.list(NOW + 3000)).toHaveLength(3);
    expect(s.list(NOW + 3000 + 11 * MIN)).toEqual([]);
  });
});
