import { describe, expect, it } from "vitest";
import { EXFILTRATION_ANOMALY_TYPE, EXFILTRATION_DETECTOR_ID, exfiltrationDetector } from "@/lib/detect/detectors/flow/exfiltration-detector";
import { baselineOf, DAY, deviceIndex, HOUR, incident, LIVE_START, MINUTE, minuteAt, runOver } from "./flow-threat-fixtures";

const NIGHT = LIVE_START + 3 * DAY + 2 * HOUR + 20 * MINUTE; // Thursday 02:20
const NOON = LIVE_START + 3 * DAY + 12 * HOUR; // Thursday 12:00
const DB = deviceIndex("db-dc1-1");

function upload(at: number, intensity = 0.5, extra: { withFlows?: boolean; configs?: Record<string, unknown> } = {}) {
  const attack = incident("exfiltration", DB, new Date(at).toISOString(), 12, intensity);
  return runOver({ detectors: [exfiltrationDetector], device: DB, from: at - 5 * MINUTE, minutes: 25, incidents: [attack], ...extra });
}

describe("exfiltrationDetector", () => {
  it.each([0, 1])("flags an off-hours upload at intensity %s and tracks how long it has run", (intensity) => {
    const found = upload(NIGHT, intensity);
    expect(found).toHaveLength(11);
    expect(found[0]).toMatchObject({
      detector: EXFILTRATION_DETECTOR_ID,
      anomalyType: EXFILTRATION_ANOMALY_TYPE,
      metric: "bandwidthOutBps",
      severity: "critical",
      observed: { ts: new Date(NIGHT + MINUTE).toISOString() },
      evidence: { offHours: true, sustainedMinutes: 2 },
    });
    expect(found.at(-1)!.evidence!.sustainedMinutes).toBe(12);
    expect(found[0]!.evidence!.outboundInboundRatio as number).toBeGreaterThan(5);
    expect(found[0]!.explanation).toMatch(/^Bandwidth out .* is ×[\d.]+ the usual .* for Thursday 02:00 UTC while bandwidth in is ×[\d.]+ .* outside working hours, for 2 minutes so far: a large upload out of the network\.$/);
  });

  it("sets a lower bar outside working hours", () => {
    const configs = { [EXFILTRATION_DETECTOR_ID]: { minOutboundRatio: 20, minOutboundRatioOffHours: 3 } };
    expect(upload(NOON, 0.5, { configs })).toEqual([]);
    expect(upload(NIGHT, 0.5, { configs }).length).toBeGreaterThan(0);
    // with the default bars a working-hours upload of this size is still flagged
    expect(upload(NOON, 0.5)[0]!.evidence!.offHours).toBe(false);
  });

  it("names the focused external destination when flows are present", () => {
    const [first] = upload(NIGHT, 0.5, { withFlows: true });
    expect(first!.evidence!.destination).toMatchObject({ peer: "192.0.2.200" });
    expect((first!.evidence!.destination as { share: number }).share).toBeGreaterThan(0.8);
    expect(first!.evidence!.externalShare).toBe(1);
    expect(first!.explanation).toMatch(/Flows show \d+% of the minute's outbound bytes going to 192\.0\.2\.200, 100% leaving the internal subnets\./);
  });

  it("stays quiet when flows show the upload staying inside the network (e.g. to the internal NAS)", () => {
    const attack = incident("exfiltration", DB, new Date(NIGHT).toISOString(), 12);
    const { sample, flows } = minuteAt(DB, NIGHT + 3 * MINUTE, [attack], [], true);
    const internal = { ...flows!, bytesOutExternal: flows!.bytesOut * 0.1 };
    expect(exfiltrationDetector.run({ sample, baseline: baselineOf(DB), flows: internal })).toEqual([]);
    expect(exfiltrationDetector.run({ sample, baseline: baselineOf(DB), flows: flows! })).toHaveLength(1);
    // a rollup without the external count (stored before it existed) does not veto
    const { bytesOutExternal: _dropped, ...older } = flows!;
    expect(exfiltrationDetector.run({ sample, baseline: baselineOf(DB), flows: older })).toHaveLength(1);
  });

  it.each([
    { name: "the Sunday 02:00 full backup it has learnt", device: "db-dc1-2", from: LIVE_START + 6 * DAY + HOUR, minutes: 180 },
    { name: "a Patch Tuesday download", device: "db-dc1-1", from: LIVE_START + 8 * DAY + 17 * HOUR, minutes: 120 },
  ])("stays quiet on $name", ({ device, from, minutes }) => {
    expect(runOver({ detectors: [exfiltrationDetector], device: deviceIndex(device), from, minutes })).toEqual([]);
  });
});
