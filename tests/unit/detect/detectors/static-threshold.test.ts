import { describe, expect, it } from "vitest";
import { emptyMetricValues, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";
import { staticThreshold } from "@/lib/detect/detectors/static-threshold";

const T = Date.parse("2026-11-17T14:05:00Z");

function sample(minutesAgo: number, values: Partial<MetricValues>): MetricSample {
  return { deviceId: 7, ts: new Date(T - minutesAgo * 60_000), values: { ...emptyMetricValues(), ...values } };
}

const run = (s: MetricSample, recent: MetricSample[] = []) => staticThreshold.run({ sample: s, baseline: new Map(), recent });

describe("static-threshold reference detector", () => {
  it.each([
    { name: "quiet device", values: { bandwidthInBps: 40e6, packetsPerSec: 3_000, connectionsPerSec: 50 }, types: [] },
    { name: "bandwidth in over 100 Mbps", values: { bandwidthInBps: 120e6 }, types: ["bandwidth_threshold"] },
    { name: "bandwidth out over 100 Mbps", values: { bandwidthOutBps: 101e6 }, types: ["bandwidth_threshold"] },
    { name: "exactly at the limit", values: { bandwidthInBps: 100e6, packetsPerSec: 10_000 }, types: [] },
    { name: "packet rate", values: { packetsPerSec: 25_000 }, types: ["packet_rate_threshold"] },
    { name: "connection rate", values: { connectionsPerSec: 800 }, types: ["connection_rate_threshold"] },
  ])("$name", ({ values, types }) => {
    expect(run(sample(0, values)).map((d) => d.anomalyType)).toEqual(types);
  });

  it("grades severity by how far past the limit (medium, high over 1.5×, critical over 2×)", () => {
    expect(run(sample(0, { bandwidthInBps: 120e6 }))[0]!.severity).toBe("medium");
    expect(run(sample(0, { bandwidthInBps: 160e6 }))[0]!.severity).toBe("high");
    expect(run(sample(0, { bandwidthInBps: 250e6 }))[0]!.severity).toBe("critical");
  });

  it("flags 1 GB uploaded within 5 minutes, counting only minutes inside the window", () => {
    // 30 Mbps for a minute is 225 MB: five such minutes make 1.125 GB, four make 0.9 GB
    const upload = { bandwidthOutBps: 30e6 };
    const four = [sample(3, upload), sample(2, upload), sample(1, upload)];
    expect(run(sample(0, upload), four).map((d) => d.anomalyType)).toEqual([]);
    const five = [sample(5, upload), ...four.slice(0), sample(4, upload)].sort((a, b) => a.ts.getTime() - b.ts.getTime());
    const detections = run(sample(0, upload), five);
    expect(detections.map((d) => d.anomalyType)).toEqual(["large_upload"]);
    expect(detections[0]!.explanation).toContain("GB uploaded in 5 minutes");
    expect(detections[0]!.observed.value).toBeCloseTo(5 * 225e6);
  });

  it("fires on an ordinary busy core router at noon: why it is only the reference", () => {
    const busy = sample(0, { bandwidthInBps: 2.4e9, bandwidthOutBps: 2.1e9, packetsPerSec: 420_000 });
    expect(run(busy).length).toBeGreaterThanOrEqual(3);
  });
});
