import { describe, expect, it } from "vitest";
import { DDOS_ANOMALY_TYPE, DDOS_DETECTOR_ID, ddosDetector } from "@/lib/detect/detectors/flow/ddos-detector";
import type { MetricValues } from "@/lib/telemetry/metrics";
import { DAY, deviceIndex, HOUR, incident, LIVE_START, MINUTE, runOver, scaledFrom } from "./flow-threat-fixtures";

const AT = LIVE_START + DAY + 14 * HOUR; // Tuesday 14:00, the working-day peak
const FIREWALL = deviceIndex("fw-hq-1");

function flood(intensity: number, withFlows = false) {
  const attack = incident("ddos", FIREWALL, new Date(AT).toISOString(), 5, intensity);
  return runOver({ detectors: [ddosDetector], device: FIREWALL, from: AT - 5 * MINUTE, minutes: 15, incidents: [attack], withFlows });
}

describe("ddosDetector", () => {
  it.each([
    { intensity: 0, factor: 5 },
    { intensity: 1, factor: 20 },
  ])("flags a ×$factor flood from its second minute to its end, as one typed alert", ({ intensity, factor }) => {
    const found = flood(intensity);
    expect(found.map((d) => d.observed.ts)).toEqual([1, 2, 3, 4].map((m) => new Date(AT + m * MINUTE).toISOString()));
    const first = found[0]!;
    expect(first).toMatchObject({
      detector: DDOS_DETECTOR_ID,
      anomalyType: DDOS_ANOMALY_TYPE,
      metric: "packetsPerSec",
      severity: "critical",
    });
    expect(first.evidence!.packetRatio as number).toBeGreaterThan(factor * 0.8);
    expect(first.evidence!.outboundRatio as number).toBeCloseTo(1, 0);
    // bytes per packet falls: the flood's packets add inbound bytes only
    expect(first.evidence!.bytesPerPacket as number).toBeLessThan(first.evidence!.usualBytesPerPacket as number);
    expect(first.contributions!.map((c) => c.feature)).toEqual(
      expect.arrayContaining(["packetsPerSec", "bandwidthInBps", "connectionsPerSec", "flowsPerSec", "bytesPerPacket"]),
    );
    expect(first.explanation).toMatch(/^Packets\/s .* is ×[\d.]+ the usual .* for Tuesday 14:00 UTC .* a volumetric flood towards the device\.$/);
  });

  it("cites the many sources when flows are present", () => {
    const [first] = flood(0.5, true);
    const flows = first!.evidence!.flows as { distinctPeers: number; synShare: number; topInbound: unknown[] };
    expect(flows.distinctPeers).toBeGreaterThan(100);
    expect(flows.topInbound.length).toBeGreaterThan(0);
    expect(first!.explanation).toMatch(/Flows show \d+ distinct peers/);
  });

  it.each([
    { name: "everything ×5 (a busy day: outbound rises too)", factors: { packetsPerSec: 5, bandwidthInBps: 5, bandwidthOutBps: 5, flowsPerSec: 5, connectionsPerSec: 5 } },
    { name: "packets and inbound ×5 but flows and connections usual (a few large downloads)", factors: { packetsPerSec: 5, bandwidthInBps: 5 } },
    { name: "flows ×20 alone (a port scan)", factors: { flowsPerSec: 20, connectionsPerSec: 5 } },
    { name: "packets ×2.5 with the rest (under the bar)", factors: { packetsPerSec: 2.5, bandwidthInBps: 2.5, flowsPerSec: 2.5, connectionsPerSec: 2.5 } },
  ])("stays quiet on $name", ({ factors }) => {
    expect(runOver({ detectors: [ddosDetector], device: FIREWALL, from: AT, minutes: 5, transform: scaledFrom(AT, factors) })).toEqual([]);
  });

  it("ignores a single-minute spike when the minute before is in the window", () => {
    const spike = (values: MetricValues, ms: number) => (ms === AT ? scaledFrom(AT, { packetsPerSec: 10, bandwidthInBps: 10, flowsPerSec: 10 })(values, ms) : values);
    expect(runOver({ detectors: [ddosDetector], device: FIREWALL, from: AT - 2 * MINUTE, minutes: 5, transform: spike })).toEqual([]);
  });

  it("takes stricter settings per device and rejects invalid ones", () => {
    const attack = incident("ddos", FIREWALL, new Date(AT).toISOString(), 5, 0);
    const strict = { [DDOS_DETECTOR_ID]: { minPacketRatio: 30 } };
    expect(runOver({ detectors: [ddosDetector], device: FIREWALL, from: AT, minutes: 5, incidents: [attack], configs: strict })).toEqual([]);
    expect(() => ddosDetector.resolveConfig({ minZ: -1 })).toThrow();
    expect(() => ddosDetector.resolveConfig({ confirmMinutes: 0 })).toThrow();
  });
});
