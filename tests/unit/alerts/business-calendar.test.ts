import { describe, expect, it } from "vitest";
import { expectedSurgeAt, withinExpectedSurge, type SurgeCheckedDetection, type SurgeEntry } from "@/lib/alerts/business-calendar";

const at = (iso: string) => new Date(`2026-11-17T${iso}:00Z`);

const sale: SurgeEntry = { start: at("10:00"), end: at("14:00"), name: "Black Friday", expectedIncrease: 4 };
const webOnly: SurgeEntry = { ...sale, name: "Web launch", expectedIncrease: 6, roles: ["server"], devices: ["web-*"] };
const amsOnly: SurgeEntry = { ...sale, name: "AMS promo", expectedIncrease: 2, sites: ["AMS1"] };

const web = { name: "web-1", role: "server", site: "AMS1" };
const db = { name: "db-1", role: "server", site: "FRA1" };
const router = { name: "core-1", role: "router", site: "AMS1" };

describe("expectedSurgeAt", () => {
  it.each([
    { name: "no scope: whole fleet", entries: [sale], device: db, time: "11:00", expected: "Black Friday" },
    { name: "at the start (inclusive)", entries: [sale], device: db, time: "10:00", expected: "Black Friday" },
    { name: "at the end (exclusive)", entries: [sale], device: db, time: "14:00", expected: undefined },
    { name: "before the start", entries: [sale], device: db, time: "09:59", expected: undefined },
    { name: "device glob and role both match", entries: [webOnly], device: web, time: "11:00", expected: "Web launch" },
    { name: "device glob matches, role does not", entries: [webOnly], device: { ...web, role: "router" }, time: "11:00", expected: undefined },
    { name: "other device", entries: [webOnly], device: db, time: "11:00", expected: undefined },
    { name: "site scope, case-insensitive", entries: [amsOnly], device: { ...router, site: "ams1" }, time: "11:00", expected: "AMS promo" },
    { name: "site scope, device without a site", entries: [amsOnly], device: { name: "x" }, time: "11:00", expected: undefined },
    { name: "empty scope lists: whole fleet", entries: [{ ...sale, devices: [], sites: [] }], device: db, time: "11:00", expected: "Black Friday" },
    { name: "overlap: the largest increase", entries: [amsOnly, sale, webOnly], device: web, time: "11:00", expected: "Web launch" },
    { name: "overlap, tie: the earlier entry", entries: [sale, { ...sale, name: "Same size" }], device: web, time: "11:00", expected: "Black Friday" },
    { name: "no entries", entries: [], device: web, time: "11:00", expected: undefined },
  ])("$name → $expected", ({ entries, device, time, expected }) => {
    expect(expectedSurgeAt(entries, device, at(time))?.name).toBe(expected);
  });
});

function spike(over: Partial<SurgeCheckedDetection> & { value?: number } = {}): SurgeCheckedDetection {
  const { value = 300, ...rest } = over;
  return {
    anomalyType: "metric_spike",
    metric: "bandwidthInBps",
    observed: { value, ts: "2026-11-17T11:00:00Z" },
    expected: { low: 50, high: 150, mean: 110, median: 100 },
    ...rest,
  };
}

describe("withinExpectedSurge (×4 surge, tolerance 1.5: up to 6× the median of 100)", () => {
  it.each([
    { name: "a spike the size of the surge", d: spike({ value: 400 }), explained: true },
    { name: "within tolerance", d: spike({ value: 600 }), explained: true },
    { name: "beyond tolerance", d: spike({ value: 601 }), explained: false },
    { name: "packets", d: spike({ metric: "packetsPerSec" }), explained: true },
    { name: "flows", d: spike({ metric: "flowsPerSec" }), explained: true },
    { name: "connections", d: spike({ metric: "connectionsPerSec" }), explained: true },
    { name: "distinct peers", d: spike({ metric: "distinctPeers" }), explained: true },
    { name: "bandwidth out", d: spike({ metric: "bandwidthOutBps" }), explained: true },
    { name: "a flow detector's DDoS of surge size", d: spike({ anomalyType: "ddos" }), explained: true },
    { name: "a flow detector's DDoS 20× the usual", d: spike({ anomalyType: "ddos", value: 2_000 }), explained: false },
    { name: "a drop", d: spike({ anomalyType: "metric_drop", value: 10 }), explained: false },
    { name: "a forecast deviation below normal", d: spike({ anomalyType: "forecast_deviation", value: 60 }), explained: false },
    { name: "exfiltration on bandwidth out", d: spike({ anomalyType: "exfiltration", metric: "bandwidthOutBps" }), explained: false },
    { name: "slow exfiltration", d: spike({ anomalyType: "slow_exfiltration", metric: "bandwidthOutBps", value: 104 }), explained: false },
    { name: "port scan on flows", d: spike({ anomalyType: "port_scan", metric: "flowsPerSec" }), explained: false },
    { name: "CPU spike", d: spike({ metric: "cpuPct" }), explained: false },
    { name: "latency spike", d: spike({ metric: "latencyMs" }), explained: false },
    { name: "packet loss", d: spike({ metric: "packetLossPct" }), explained: false },
    { name: "distinct destination ports", d: spike({ metric: "distinctDstPorts" }), explained: false },
    // the forest names the furthest-moved metric as the detection's: CPU at 99 % is CPU exhaustion
    { name: "multivariate outlier led by CPU", d: spike({ anomalyType: "multivariate_outlier", metric: "cpuPct", value: 99, expected: { low: 20, high: 40, median: 30 } }), explained: false },
    { name: "multivariate outlier led by inbound traffic within the surge", d: spike({ anomalyType: "multivariate_outlier", value: 450 }), explained: true },
    { name: "no median: the mean (110 × 6 = 660)", d: spike({ value: 650, expected: { low: 50, high: 150, mean: 110 } }), explained: true },
    { name: "no median or mean", d: spike({ expected: { low: 50, high: 150 } }), explained: false },
    { name: "normal level of zero", d: spike({ value: 5, expected: { low: 0, high: 0, median: 0 } }), explained: false },
  ])("$name → $explained", ({ d, explained }) => {
    expect(withinExpectedSurge(d, sale)).toBe(explained);
  });

  it("is never explained without an announced surge", () => {
    expect(withinExpectedSurge(spike({ value: 101 }), undefined)).toBe(false);
  });

  it("uses the caller's baseline level over the detection's, and a custom tolerance", () => {
    // baseline 200: up to 200 × 4 × 1.5 = 1200
    expect(withinExpectedSurge(spike({ value: 1_000 }), sale, 200)).toBe(true);
    expect(withinExpectedSurge(spike({ value: 1_000 }), sale)).toBe(false);
    expect(withinExpectedSurge(spike({ value: 450 }), sale, undefined, { tolerance: 1 })).toBe(false);
    expect(withinExpectedSurge(spike({ value: 400 }), sale, undefined, { tolerance: 1 })).toBe(true);
  });

  it("does not explain a spike when the calendar announces less traffic", () => {
    expect(withinExpectedSurge(spike({ value: 120 }), { ...sale, expectedIncrease: 0.5 })).toBe(false);
  });
});
