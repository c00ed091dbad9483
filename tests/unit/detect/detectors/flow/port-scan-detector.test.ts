import { describe, expect, it } from "vitest";
import { PORT_SCAN_ANOMALY_TYPE, PORT_SCAN_DETECTOR_ID, portScanDetector } from "@/lib/detect/detectors/flow/port-scan-detector";
import { DAY, deviceIndex, HOUR, incident, LIVE_START, MINUTE, minuteAt, runOver, baselineOf, scaledFrom } from "./flow-threat-fixtures";

const AT = LIVE_START + 4 * DAY + 2 * HOUR + 13 * MINUTE; // Friday 02:13, night
const SWITCH = deviceIndex("sw-hq-2");

function scan(intensity: number, withFlows = false) {
  const attack = incident("port_scan", SWITCH, new Date(AT).toISOString(), 10, intensity);
  return runOver({ detectors: [portScanDetector], device: SWITCH, from: AT - 5 * MINUTE, minutes: 20, incidents: [attack], withFlows });
}

describe("portScanDetector", () => {
  it.each([0, 1])("flags a scan at intensity %s: flows up, bytes per flow down", (intensity) => {
    const found = scan(intensity);
    expect(found).toHaveLength(9);
    const first = found[0]!;
    expect(first).toMatchObject({ detector: PORT_SCAN_DETECTOR_ID, anomalyType: PORT_SCAN_ANOMALY_TYPE, metric: "flowsPerSec" });
    expect(first.evidence!.bytesPerFlow as number).toBeLessThan((first.evidence!.usualBytesPerFlow as number) / 5);
    expect(first.explanation).toMatch(/while connections\/s is only ×[\d.]+ .* many near-empty probes, a port scan\.$/);
  });

  it("cites distinct destination ports and 1–2 packet flows when flows are present", () => {
    const [first] = scan(0.5, true);
    expect(first!.evidence!.distinctDstPorts as number).toBeGreaterThan(300);
    expect((first!.evidence!.smallFlows as number) / (first!.evidence!.flows as { flows: number }).flows).toBeGreaterThan(0.8);
    expect(first!.explanation).toMatch(/Flows show \d+ distinct destination ports from \d+ peers, \d+% of flows with at most 2 packets\./);
  });

  it("works for an exporter without TCP flags (no connection counts)", () => {
    const attack = incident("port_scan", SWITCH, new Date(AT).toISOString(), 10, 0);
    const { sample } = minuteAt(SWITCH, AT + 2 * MINUTE, [attack]);
    const input = { sample: { ...sample, values: { ...sample.values, connectionsPerSec: null } }, baseline: baselineOf(SWITCH) };
    expect(portScanDetector.run(input)).toHaveLength(1);
  });

  it.each([
    { name: "an application-layer attack (connections keep up with flows)", factors: { flowsPerSec: 15, connectionsPerSec: 20 } },
    { name: "a flood (packets and inbound with the flows)", factors: { flowsPerSec: 15, connectionsPerSec: 5, bandwidthInBps: 15, packetsPerSec: 15 } },
    { name: "flows ×4 (under the bar)", factors: { flowsPerSec: 4, connectionsPerSec: 1.2 } },
  ])("stays quiet on $name", ({ factors }) => {
    expect(runOver({ detectors: [portScanDetector], device: SWITCH, from: AT, minutes: 4, transform: scaledFrom(AT, factors) })).toEqual([]);
  });
});
