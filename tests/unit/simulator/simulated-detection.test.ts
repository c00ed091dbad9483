// The simulator and the detectors together: history → baseline → live minutes. First the hour-of-week
// z-score on its own (off by default since the adaptive baseline replaced it; an engineer may turn it on),
// then the worker's default detector set through the detection engine, as the demo runs it.
import { describe, expect, it } from "vitest";
import { trainBaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import type { Detection, DetectorDevice } from "@/lib/detect/detector";
import { hourOfWeekZScore } from "@/lib/detect/detectors/hour-of-week-zscore";
import { DETECTORS } from "@/lib/detect/registry";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { applyIncidents, type Incident } from "@/lib/simulator/incidents";
import { createNetworkModel } from "@/lib/simulator/network-model";
import type { MetricSample } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const fleet = demoFleet(20, 1);
const model = createNetworkModel({ devices: fleet, seed: 1 });
const FILE_SERVER = fleet.findIndex((d) => d.name === "file-hq-1");
const FIREWALL = fleet.findIndex((d) => d.name === "fw-hq-1");

/** The device's minutes from `fromIso` on, with `incidents` applied. */
function minutesOf(device: number, fromIso: string, minutes: number, incidents: Incident[] = []): MetricSample[] {
  const from = Date.parse(fromIso);
  return Array.from({ length: minutes }, (_, m) => {
    const ts = new Date(from + m * MINUTE);
    return { deviceId: device, ts, values: applyIncidents(model.valuesAt(device, ts), device, ts, incidents) };
  });
}

const history = (device: number, fromIso: string, days: number) => minutesOf(device, fromIso, days * 1440);

/** A ten-minute flood on the firewall, Tuesday 21 January 14:00–14:10 UTC, at the lowest intensity. */
const DDOS: Incident = {
  id: "ddos-test",
  kind: "ddos",
  deviceIndex: FIREWALL,
  start: new Date("2025-01-21T14:00:00Z"),
  end: new Date("2025-01-21T14:10:00Z"),
  intensity: 0,
};

function detectOver(device: number, baseline: ReturnType<typeof trainBaselineIndex>, fromIso: string, minutes: number, incidents: Incident[] = []) {
  return minutesOf(device, fromIso, minutes, incidents).flatMap((sample) => hourOfWeekZScore.run({ sample, baseline }, { enabled: true }));
}

describe("the demo network under the hour-of-week z-score detector", () => {
  // Two previous Sundays (Jan 12 and 19) are in the history.
  const fileBaseline = trainBaselineIndex(history(FILE_SERVER, "2025-01-06T00:00:00Z", 14));

  it("the Sunday 02:00 backup on a file server does not alert once two Sundays are learned", () => {
    expect(detectOver(FILE_SERVER, fileBaseline, "2025-01-26T02:00:00Z", 60)).toEqual([]);
  });

  it("…but the same backup traffic is far outside what a Saturday 02:00 looks like", () => {
    const saturday = fileBaseline.get("bandwidthOutBps:122");
    const backupMinute = model.valuesAt(FILE_SERVER, new Date("2025-01-26T02:30:00Z")).bandwidthOutBps ?? 0;
    expect(saturday).toBeDefined();
    expect((backupMinute - (saturday?.mean ?? 0)) / (saturday?.std ?? 1)).toBeGreaterThan(20);
  });

  it("a quiet day on a firewall raises nothing, and an injected ddos raises a critical packets/s spike", () => {
    const baseline = trainBaselineIndex(history(FIREWALL, "2025-01-06T00:00:00Z", 14));
    expect(detectOver(FIREWALL, baseline, "2025-01-21T00:00:00Z", 1440)).toEqual([]);

    const detections = detectOver(FIREWALL, baseline, "2025-01-21T13:50:00Z", 30, [DDOS]);
    const packetSpikes = detections.filter((d) => d.metric === "packetsPerSec");
    expect(packetSpikes).toHaveLength(10);
    for (const d of packetSpikes) {
      expect(d).toMatchObject({ anomalyType: "metric_spike", severity: "critical" });
      expect(Date.parse(d.observed.ts)).toBeGreaterThanOrEqual(DDOS.start.getTime());
      expect(Date.parse(d.observed.ts)).toBeLessThan(DDOS.end.getTime());
    }
    // Nothing outside the incident window.
    expect(detections.every((d) => Date.parse(d.observed.ts) < DDOS.end.getTime() && Date.parse(d.observed.ts) >= DDOS.start.getTime())).toBe(true);
  });
});

describe("the demo network under the worker's default detectors", () => {
  const detectorDevice = (device: number): DetectorDevice => {
    const spec = fleet[device]!;
    return { name: spec.name, address: spec.managementIp, role: spec.role, site: spec.site };
  };
  /**
   * As the worker does: the history goes through the engine unjudged (its online models learn it, what it
   * finds is dropped, as when the worker stores backfilled history), the baseline is trained on it, then
   * every live minute is judged by the registered detectors at their default config.
   */
  function detectLive(device: number, historyDays: number, liveFromIso: string, liveMinutes: number, incidents: Incident[] = []): Detection[] {
    const engine = new DetectionEngine({ detectors: DETECTORS });
    const past = history(device, "2025-01-06T00:00:00Z", historyDays);
    for (const sample of past) engine.observe(sample, detectorDevice(device));
    engine.setBaselines(new Map([[device, trainBaselineIndex(past)]]));
    return minutesOf(device, liveFromIso, liveMinutes, incidents).flatMap((s) => engine.observe(s, detectorDevice(device)).detections);
  }

  it("the Sunday 02:00 backup on a file server does not alert once two Sundays are learned (nor anything in the week before it)", () => {
    // history to Sunday 19 January (two backups), then every minute from Monday 20 to the backup's end
    expect(detectLive(FILE_SERVER, 14, "2025-01-20T00:00:00Z", 6 * 1440 + 3 * 60)).toEqual([]);
  });

  it("a quiet day on a firewall raises nothing, and an injected ddos is raised critical from its first minute and throughout", () => {
    // history to Monday 20 January, then Tuesday 21
    expect(detectLive(FIREWALL, 15, "2025-01-21T00:00:00Z", 1440)).toEqual([]);

    const detections = detectLive(FIREWALL, 15, "2025-01-21T00:00:00Z", 14 * 60 + 30, [DDOS]);
    const at = (d: Detection) => Date.parse(d.observed.ts);
    // Nothing outside the incident window, and something critical in every minute of it.
    expect(detections.every((d) => at(d) >= DDOS.start.getTime() && at(d) < DDOS.end.getTime())).toBe(true);
    expect(detections.every((d) => d.severity === "critical")).toBe(true);
    expect(new Set(detections.map(at)).size).toBe(10);
    // The adaptive baseline raises it at its first minute, as a spike with packets/s among what moved…
    const adaptive = detections.filter((d) => d.detector === "adaptive-baseline");
    expect(adaptive[0]).toMatchObject({ anomalyType: "metric_spike", observed: { ts: "2025-01-21T14:00:00.000Z" } });
    expect(adaptive[0]?.contributions?.map((c) => c.feature)).toContain("packetsPerSec");
    expect(adaptive.every((d) => d.anomalyType === "metric_spike")).toBe(true);
    // …and the flow DDoS detector names the packets/s flood once it has confirmed it.
    const ddosFindings = detections.filter((d) => d.anomalyType === "ddos");
    expect(ddosFindings.length).toBeGreaterThan(0);
    expect(ddosFindings.every((d) => d.metric === "packetsPerSec")).toBe(true);
  });
});
