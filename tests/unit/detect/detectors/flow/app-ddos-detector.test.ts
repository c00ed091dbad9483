import { describe, expect, it } from "vitest";
import { APP_DDOS_ANOMALY_TYPE, APP_DDOS_DETECTOR_ID, appDdosDetector } from "@/lib/detect/detectors/flow/app-ddos-detector";
import { DAY, deviceIndex, HOUR, incident, LIVE_START, MINUTE, runOver, scaledFrom } from "./flow-threat-fixtures";

const AT = LIVE_START + 2 * DAY + 20 * HOUR + 30 * MINUTE; // Wednesday 20:30, a web server's busy evening
const WEB = deviceIndex("web-dc1-1");

function slowAttack(intensity: number, withFlows = false) {
  const attack = incident("app_ddos", WEB, new Date(AT).toISOString(), 8, intensity);
  return runOver({ detectors: [appDdosDetector], device: WEB, from: AT - 5 * MINUTE, minutes: 20, incidents: [attack], withFlows });
}

describe("appDdosDetector", () => {
  it.each([0, 0.5, 1])("flags a slow application-layer attack at intensity %s while bandwidth barely moves", (intensity) => {
    const found = slowAttack(intensity);
    expect(found).toHaveLength(7);
    const first = found[0]!;
    expect(first).toMatchObject({ detector: APP_DDOS_DETECTOR_ID, anomalyType: APP_DDOS_ANOMALY_TYPE, metric: "connectionsPerSec" });
    expect(first.observed.ts).toBe(new Date(AT + MINUTE).toISOString());
    expect(first.evidence!.connectionRatio as number).toBeGreaterThan(7);
    expect(first.evidence!.inboundRatio as number).toBeLessThan(1.3);
    expect(first.evidence!.memoryRisePoints as number).toBeGreaterThan(3);
    expect(first.explanation).toMatch(/yet bandwidth in is only ×[\d.]+ .* a slow application-layer attack\.$/);
  });

  it("counts the long, low-byte flows when flows are present", () => {
    const [first] = slowAttack(0.5, true);
    expect(first!.evidence!.longLowByteFlows as number).toBeGreaterThanOrEqual(200);
    expect(first!.contributions!.map((c) => c.feature)).toContain("longLowByteFlowShare");
    expect(first!.explanation).toMatch(/Flows show \d+ of \d+ flows lasting 30 s or more at a trickle/);
  });

  it.each([
    { name: "a port scan (flows far ahead of connections)", factors: { flowsPerSec: 30, connectionsPerSec: 6 } },
    { name: "a volumetric flood (inbound and packets up too)", factors: { flowsPerSec: 10, connectionsPerSec: 10, bandwidthInBps: 10, packetsPerSec: 10 } },
    { name: "a busy hour (everything ×4)", factors: { flowsPerSec: 4, connectionsPerSec: 4, bandwidthInBps: 4, bandwidthOutBps: 4, packetsPerSec: 4 } },
    { name: "connections ×3 (under the bar)", factors: { flowsPerSec: 3, connectionsPerSec: 3 } },
  ])("stays quiet on $name", ({ factors }) => {
    expect(runOver({ detectors: [appDdosDetector], device: WEB, from: AT, minutes: 4, transform: scaledFrom(AT, factors) })).toEqual([]);
  });
});
