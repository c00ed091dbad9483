import { describe, expect, it } from "vitest";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { METRIC_INFO, METRICS, type MetricValues } from "@/lib/telemetry/metrics";

const fleet = demoFleet(20, 1);
const model = createNetworkModel({ devices: fleet, seed: 1 });
const MINUTE = 60_000;
const MONDAY = Date.UTC(2025, 0, 6);
const index = (name: string) => {
  const i = fleet.findIndex((d) => d.name === name);
  if (i < 0) throw new Error(`no device ${name}`);
  return i;
};
const at = (iso: string) => new Date(iso);

/** Mean of one metric over an hour starting at `startIso`. */
function hourMean(device: number, startIso: string, metric: keyof MetricValues): number {
  const start = Date.parse(startIso);
  let sum = 0;
  for (let m = 0; m < 60; m++) sum += model.valuesAt(device, new Date(start + m * MINUTE))[metric] ?? Number.NaN;
  return sum / 60;
}

describe("createNetworkModel determinism", () => {
  it("the same seed gives identical values, also from a freshly created model", () => {
    const again = createNetworkModel({ devices: fleet, seed: 1 });
    for (const iso of ["2025-01-07T14:03:00Z", "2025-03-01T00:00:00Z", "2031-07-19T23:59:00Z"]) {
      for (let d = 0; d < fleet.length; d++) expect(again.valuesAt(d, at(iso))).toEqual(model.valuesAt(d, at(iso)));
    }
  });

  it("any minute can be generated on its own: order of calls does not matter", () => {
    const ts = at("2025-01-09T11:17:00Z");
    const first = model.valuesAt(4, ts);
    for (let m = 0; m < 100; m++) model.valuesAt(4, new Date(ts.getTime() - m * MINUTE));
    expect(model.valuesAt(4, ts)).toEqual(first);
  });

  it("different seeds give different values", () => {
    const other = createNetworkModel({ devices: fleet, seed: 2 });
    const ts = at("2025-01-07T14:03:00Z");
    expect(other.valuesAt(0, ts)).not.toEqual(model.valuesAt(0, ts));
  });

  it("seconds within the minute are ignored", () => {
    expect(model.valuesAt(3, at("2025-01-07T14:03:42.123Z"))).toEqual(model.valuesAt(3, at("2025-01-07T14:03:00Z")));
  });

  it("consecutive minutes are not identical (there is noise)", () => {
    expect(model.valuesAt(3, at("2025-01-07T14:03:00Z"))).not.toEqual(model.valuesAt(3, at("2025-01-07T14:04:00Z")));
  });

  it("rejects an unknown device index", () => {
    expect(() => model.valuesAt(20, at("2025-01-07T14:00:00Z"))).toThrow(RangeError);
  });
});

describe("createNetworkModel values", () => {
  // The model reports the device/interface metrics; flow and syslog counts come only from real protocols.
  const MODELLED = METRICS.filter((m) => !["distinctPeers", "distinctDstPorts", "syslogMessages", "syslogErrors", "syslogFailures"].includes(m));

  it("reports the 9 modelled metrics, finite and within bounds, for every device over a week", () => {
    // Collected rather than asserted one by one: a million expect() calls would be slow.
    const problems: string[] = [];
    for (let d = 0; d < fleet.length; d++) {
      for (let m = 0; m < 7 * 1440; m += 7) {
        const values = model.valuesAt(d, new Date(MONDAY + m * MINUTE));
        for (const metric of MODELLED) {
          const v = values[metric];
          const max = METRIC_INFO[metric].max ?? Number.POSITIVE_INFINITY;
          if (v === null || !Number.isFinite(v) || v < 0 || v > max) problems.push(`${fleet[d]?.name} ${m} ${metric}=${v}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each([
    { name: "core-rtr-hq-1", lo: 1e9, hi: 5e9 },
    { name: "sw-hq-1", lo: 50e6, hi: 500e6 },
    { name: "web-dc1-1", lo: 100e6, hi: 300e6 },
    { name: "db-dc1-1", lo: 10e6, hi: 300e6 },
  ])("$name peaks within its role's range ($lo–$hi bps total out at Tuesday midday)", ({ name, lo, hi }) => {
    const out = hourMean(index(name), "2025-01-07T13:00:00Z", "bandwidthOutBps");
    expect(out).toBeGreaterThan(lo);
    expect(out).toBeLessThan(hi);
  });

  it("packets/s follow bytes at a plausible average packet size", () => {
    const v = model.valuesAt(index("core-rtr-hq-1"), at("2025-01-07T13:00:00Z"));
    const bytesPerPacket = ((v.bandwidthInBps ?? 0) + (v.bandwidthOutBps ?? 0)) / 8 / (v.packetsPerSec ?? 1);
    expect(bytesPerPacket).toBeGreaterThan(600);
    expect(bytesPerPacket).toBeLessThan(1000);
  });

  it.each(["core-rtr-hq-1", "fw-hq-1", "sw-hq-2", "db-dc1-1"])(
    "%s is busier at weekday midday than at night or at the weekend, and CPU follows traffic",
    (name) => {
      const d = index(name);
      const midday = hourMean(d, "2025-01-08T13:00:00Z", "bandwidthInBps");
      expect(midday).toBeGreaterThan(1.5 * hourMean(d, "2025-01-08T03:00:00Z", "bandwidthInBps"));
      expect(midday).toBeGreaterThan(1.3 * hourMean(d, "2025-01-11T13:00:00Z", "bandwidthInBps"));
      expect(hourMean(d, "2025-01-08T13:00:00Z", "cpuPct")).toBeGreaterThan(hourMean(d, "2025-01-08T03:00:00Z", "cpuPct") + 3);
    },
  );

  it("noise is noticeable but moderate (coefficient of variation 3–10% within a flat hour)", () => {
    const d = index("core-rtr-hq-1");
    const start = Date.parse("2025-01-08T12:00:00Z");
    const xs = Array.from({ length: 60 }, (_, m) => model.valuesAt(d, new Date(start + m * MINUTE)).bandwidthInBps ?? 0);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
    expect(sd / mean).toBeGreaterThan(0.03);
    expect(sd / mean).toBeLessThan(0.1);
  });

  it("latency and loss stay small in ordinary operation", () => {
    for (let d = 0; d < fleet.length; d++) {
      const v = model.valuesAt(d, at("2025-01-08T14:00:00Z"));
      expect(v.latencyMs).toBeLessThan(20);
      expect(v.packetLossPct).toBeLessThan(0.2);
    }
  });

  it.each([
    { name: "file-hq-1", backs: true },
    { name: "db-dc1-1", backs: true },
    { name: "web-dc1-1", backs: false },
  ])("$name: Sunday 02:00–03:00 full backup uploads heavily: $backs", ({ name, backs }) => {
    const d = index(name);
    const sunday = hourMean(d, "2025-01-12T02:00:00Z", "bandwidthOutBps");
    const saturday = hourMean(d, "2025-01-11T02:00:00Z", "bandwidthOutBps");
    if (backs) {
      expect(sunday).toBeGreaterThan(5 * saturday);
      expect(sunday).toBeGreaterThan(400e6);
      // Ends on the hour.
      expect(model.valuesAt(d, at("2025-01-12T03:00:00Z")).bandwidthOutBps).toBeLessThan(0.2 * sunday);
    } else {
      expect(sunday).toBeLessThan(1.5 * saturday);
    }
  });
});
