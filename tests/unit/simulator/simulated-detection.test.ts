// The simulator and the detector together, as the demo runs them: history → baseline → live minutes.
import { describe, expect, it } from "vitest";
import { trainBaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { hourOfWeekZScore } from "@/lib/detect/detectors/hour-of-week-zscore";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { applyIncidents, type Incident } from "@/lib/simulator/incidents";
import { createNetworkModel } from "@/lib/simulator/network-model";
import type { MetricSample } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const fleet = demoFleet(20, 1);
const model = createNetworkModel({ devices: fleet, seed: 1 });
const FILE_SERVER = fleet.findIndex((d) => d.name === "file-hq-1");
const FIREWALL = fleet.findIndex((d) => d.name === "fw-hq-1");

function history(device: number, fromIso: string, days: number): MetricSample[] {
  const from = Date.parse(fromIso);
  return Array.from({ length: days * 1440 }, (_, m) => {
    const ts = new Date(from + m * MINUTE);
    return { deviceId: device, ts, values: model.valuesAt(device, ts) };
  });
}

function detectOver(device: number, baseline: ReturnType<typeof trainBaselineIndex>, fromIso: string, minutes: number, incidents: Incident[] = []) {
  const from = Date.parse(fromIso);
  return Array.from({ length: minutes }, (_, m) => {
    const ts = new Date(from + m * MINUTE);
    const values = applyIncidents(model.valuesAt(device, ts), device, ts, incidents);
    return hourOfWeekZScore.run({ sample: { deviceId: device, ts, values }, baseline });
  }).flat();
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

    const ddos: Incident = {
      id: "ddos-test",
      kind: "ddos",
      deviceIndex: FIREWALL,
      start: new Date("2025-01-21T14:00:00Z"),
      end: new Date("2025-01-21T14:10:00Z"),
      intensity: 0,
    };
    const detections = detectOver(FIREWALL, baseline, "2025-01-21T13:50:00Z", 30, [ddos]);
    const packetSpikes = detections.filter((d) => d.metric === "packetsPerSec");
    expect(packetSpikes).toHaveLength(10);
    for (const d of packetSpikes) {
      expect(d).toMatchObject({ anomalyType: "metric_spike", severity: "critical" });
      expect(Date.parse(d.observed.ts)).toBeGreaterThanOrEqual(ddos.start.getTime());
      expect(Date.parse(d.observed.ts)).toBeLessThan(ddos.end.getTime());
    }
    // Nothing outside the incident window.
    expect(detections.every((d) => Date.parse(d.observed.ts) < ddos.end.getTime() && Date.parse(d.observed.ts) >= ddos.start.getTime())).toBe(true);
  });
});
