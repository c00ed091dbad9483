// The flow-threat detectors side by side on the demo network: each simulated attack raises its own
// type and no other, ordinary days with benign look-alikes raise nothing, and all of it works from
// the minute metrics alone.
import { describe, expect, it } from "vitest";
import { appDdosDetector } from "@/lib/detect/detectors/flow/app-ddos-detector";
import { ddosDetector } from "@/lib/detect/detectors/flow/ddos-detector";
import { exfiltrationDetector } from "@/lib/detect/detectors/flow/exfiltration-detector";
import { DETECTORS as REGISTERED } from "@/lib/detect/registry";
import { portScanDetector } from "@/lib/detect/detectors/flow/port-scan-detector";
import { unusualPeersDetector } from "@/lib/detect/detectors/flow/unusual-peers-detector";
import { uploadRatioDetector } from "@/lib/detect/detectors/flow/upload-ratio-detector";
import type { BenignEvent } from "@/lib/simulator/benign-events";
import type { IncidentKind } from "@/lib/simulator/incidents";
import { emptyMetricValues } from "@/lib/telemetry/metrics";
import { DAY, deviceIndex, HOUR, incident, LIVE_START, MINUTE, runOver } from "./flow-threat-fixtures";

const DETECTORS = [ddosDetector, appDdosDetector, portScanDetector, exfiltrationDetector, unusualPeersDetector, uploadRatioDetector];

const TUESDAY_0307 = LIVE_START + DAY + 3 * HOUR + 7 * MINUTE;
const WEDNESDAY_0731 = LIVE_START + 2 * DAY + 7 * HOUR + 31 * MINUTE; // the morning ramp
const THURSDAY_1300 = LIVE_START + 3 * DAY + 13 * HOUR;
const SATURDAY_2212 = LIVE_START + 5 * DAY + 22 * HOUR + 12 * MINUTE;

const FLOW_THREAT_DETECTORS = REGISTERED.filter((d) => d.threatType !== undefined);

describe("each simulated attack raises its own type and no other", () => {
  const cases: { kind: IncidentKind; device: string; at: number; intensity: number }[] = [];
  const devices = ["fw-hq-1", "web-dc1-1", "dns-dc1-1", "core-rtr-dc1-1", "sw-branch-east-1", "db-dc1-1"];
  const times = [TUESDAY_0307, WEDNESDAY_0731, THURSDAY_1300, SATURDAY_2212];
  (["ddos", "app_ddos", "port_scan", "exfiltration"] as const).forEach((kind, k) => {
    devices.forEach((device, i) => {
      // exfiltrations are drawn off-hours only by the simulator, but must also be caught in working hours
      cases.push({ kind, device, at: times[(i + k) % times.length]!, intensity: i % 2 === 0 ? 0 : 1 });
    });
  });

  it.each(cases)("$kind on $device at intensity $intensity", ({ kind, device, at, intensity }) => {
    const d = deviceIndex(device);
    const attack = incident(kind, d, new Date(at).toISOString(), 6, intensity);
    const found = runOver({ detectors: DETECTORS, device: d, from: at - 30 * MINUTE, minutes: 60, incidents: [attack] });
    expect(new Set(found.map((x) => x.anomalyType))).toEqual(new Set([kind]));
    const times = found.map((x) => Date.parse(x.observed.ts));
    // confirmed on the attack's second minute, silent once it is over
    expect(Math.min(...times)).toBe(at + MINUTE);
    expect(Math.max(...times)).toBeLessThan(at + 6 * MINUTE);
    for (const x of found) expect(x.dedupKey).toBeUndefined();
  });

  it("a slow exfiltration's minutes raise nothing here (only the days' totals show it)", () => {
    const d = deviceIndex("file-hq-1");
    const slow = { ...incident("slow_exfiltration", d, new Date(THURSDAY_1300).toISOString(), 360, 1), dailyMinutes: 360 };
    expect(runOver({ detectors: DETECTORS, device: d, from: THURSDAY_1300, minutes: 360, incidents: [slow] })).toEqual([]);
  });
});

describe("ordinary days stay quiet", () => {
  const surge = (device: number, factor: number): BenignEvent => ({
    id: "marketing_surge-test",
    kind: "marketing_surge",
    name: "Marketing campaign",
    deviceIndexes: [device],
    start: new Date(THURSDAY_1300 - HOUR),
    end: new Date(THURSDAY_1300 + 3 * HOUR),
    factor,
    appliedByModel: false,
  });
  const updateWave = (device: number): BenignEvent => ({
    id: "update_wave-test",
    kind: "update_wave",
    name: "Patch Tuesday",
    deviceIndexes: [device],
    start: new Date(LIVE_START + DAY + 18 * HOUR),
    end: new Date(LIVE_START + DAY + 19 * HOUR),
    factor: 4,
    appliedByModel: false,
  });

  it.each([
    { name: "a whole weekday on the core router", device: "core-rtr-hq-1", from: LIVE_START + DAY, minutes: 1440 },
    { name: "a whole Saturday on the branch firewall", device: "fw-branch-east-1", from: LIVE_START + 5 * DAY, minutes: 1440 },
    { name: "the Sunday 02:00 full backup on the file server", device: "file-hq-1", from: LIVE_START + 6 * DAY, minutes: 6 * 60 },
    { name: "the Sunday 02:00 full backup on a database", device: "db-dc1-2", from: LIVE_START + 6 * DAY, minutes: 6 * 60 },
    { name: "the evening ramp-down on a DNS server", device: "dns-hq-1", from: LIVE_START + 2 * DAY + 15 * HOUR, minutes: 8 * 60 },
  ])("$name", ({ device, from, minutes }) => {
    expect(runOver({ detectors: DETECTORS, device: deviceIndex(device), from, minutes })).toEqual([]);
  });

  it.each([3, 6])("a ×%d marketing surge on a web server (everything rises together, so no flood signature)", (factor) => {
    const d = deviceIndex("web-dc1-2");
    expect(runOver({ detectors: DETECTORS, device: d, from: THURSDAY_1300 - 2 * HOUR, minutes: 6 * 60, benign: [surge(d, factor)] })).toEqual([]);
  });

  it("a Patch Tuesday update wave (inbound ×4, packets following, flows not)", () => {
    const d = deviceIndex("fw-hq-1");
    expect(runOver({ detectors: DETECTORS, device: d, from: LIVE_START + DAY + 17 * HOUR, minutes: 3 * 60, benign: [updateWave(d)] })).toEqual([]);
  });
});

describe("metrics alone are enough; flows add evidence", () => {
  it.each(["ddos", "app_ddos", "port_scan", "exfiltration"] as const)("%s: same alerts with and without flows, evidence only with", (kind) => {
    const d = deviceIndex("web-dc1-3");
    const attack = incident(kind, d, new Date(TUESDAY_0307).toISOString(), 4);
    const run = (withFlows: boolean) => runOver({ detectors: DETECTORS, device: d, from: TUESDAY_0307 - 2 * MINUTE, minutes: 8, incidents: [attack], withFlows });
    const without = run(false);
    const withFlows = run(true);
    expect(withFlows.map((x) => [x.anomalyType, x.observed.ts])).toEqual(without.map((x) => [x.anomalyType, x.observed.ts]));
    expect(without.length).toBeGreaterThan(0);
    for (const x of without) expect(x.evidence?.flows).toBeUndefined();
    for (const x of withFlows) expect(x.evidence?.flows).toMatchObject({ flows: expect.any(Number), distinctPeers: expect.any(Number) });
  });

  it("without a recent window each detector judges the minute alone and fires from the attack's first minute", () => {
    const d = deviceIndex("fw-dc1-1");
    const attack = incident("ddos", d, new Date(TUESDAY_0307).toISOString(), 3);
    const found = runOver({ detectors: DETECTORS, device: d, from: TUESDAY_0307 - 2 * MINUTE, minutes: 6, incidents: [attack], recentMinutes: 0 });
    expect(found.map((x) => x.observed.ts)).toEqual([0, 1, 2].map((m) => new Date(TUESDAY_0307 + m * MINUTE).toISOString()));
  });

  it("with no baseline nothing is judged", () => {
    const d = deviceIndex("fw-dc1-1");
    const ts = new Date(TUESDAY_0307);
    for (const detector of FLOW_THREAT_DETECTORS) {
      expect(detector.run({ sample: { deviceId: d, ts, values: { ...emptyMetricValues(), packetsPerSec: 1e9, flowsPerSec: 1e9 } }, baseline: new Map() })).toEqual([]);
    }
  });
});

describe("detections are complete", () => {
  it.each(["ddos", "app_ddos", "port_scan", "exfiltration"] as const)("%s: severity, score, range, contributions, explanation", (kind) => {
    const d = deviceIndex("core-rtr-hq-1");
    const attack = incident(kind, d, new Date(SATURDAY_2212).toISOString(), 3);
    const [first] = runOver({ detectors: DETECTORS, device: d, from: SATURDAY_2212, minutes: 2, incidents: [attack] });
    expect(first).toBeDefined();
    const x = first!;
    expect(["medium", "high", "critical"]).toContain(x.severity);
    expect(x.score).toBeGreaterThan(6);
    expect(x.expected.low).toBeLessThanOrEqual(x.expected.high);
    expect(x.observed.value).toBeGreaterThan(x.expected.high);
    const shares = x.contributions!.map((c) => c.share);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1.001);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(x.explanation).toMatch(/Saturday 22:00 UTC/);
    // deterministic: the same minute explains itself the same way
    const [again] = runOver({ detectors: DETECTORS, device: d, from: SATURDAY_2212, minutes: 2, incidents: [attack] });
    expect(again).toEqual(x);
  });
});

