// A slow exfiltration adds 3–6 % to outbound for a few hours a day, for days: it shows only in the
// same window's totals compared across days, which the detector reads from the device's history.
import { describe, expect, it } from "vitest";
import type { Detection } from "@/lib/detect/detector";
import {
  SLOW_EXFILTRATION_ANOMALY_TYPE,
  SLOW_EXFILTRATION_DETECTOR_ID,
  slowExfiltrationDetector,
} from "@/lib/detect/detectors/flow/slow-exfiltration-detector";
import { TrafficHistory } from "@/lib/detect/baseline/traffic-history";
import { planBenignEvents } from "@/lib/simulator/benign-events";
import type { Incident } from "@/lib/simulator/incidents";
import type { MetricSample, MetricValues } from "@/lib/telemetry/metrics";
import { baselineOf, DAY, deviceIndex, fleet, HOUR, LIVE_START, MINUTE, minuteAt, TRAINING_START } from "./flow-threat-fixtures";

const WEDNESDAY_1037 = LIVE_START + 2 * DAY + 10 * HOUR + 37 * MINUTE;
const benign = planBenignEvents({ seed: 1, devices: fleet, from: new Date(TRAINING_START), to: new Date(LIVE_START + 21 * DAY) });

function slow(device: number, start: number, days: number, intensity: number): Incident {
  const dailyMinutes = 180 + Math.round(intensity * 180);
  return {
    id: `slow_exfiltration-${device}-${start}`,
    kind: "slow_exfiltration",
    deviceIndex: device,
    start: new Date(start),
    end: new Date(start + (days - 1) * DAY + dailyMinutes * MINUTE),
    intensity,
    dailyMinutes,
  };
}

interface Run {
  device: number;
  /** History starts here; detection runs from LIVE_START to `until`. */
  historyFrom?: number;
  until: number;
  incidents?: Incident[];
  transform?: (values: MetricValues, ms: number) => MetricValues;
  /** Share of each minute's outbound bytes the flow rollup counts as external (no flows when undefined). */
  externalShare?: number;
  configs?: Record<string, unknown>;
}

/** The worker's order: the minute goes into the history, then the detectors run with the previous minute as `recent`. */
function run({ device, historyFrom = TRAINING_START, until, incidents = [], transform, externalShare, configs }: Run): Detection[] {
  const baseline = baselineOf(device);
  const history = new TrafficHistory();
  const found: Detection[] = [];
  let previous: MetricSample | undefined;
  for (let ms = historyFrom; ms < until; ms += MINUTE) {
    const { sample: raw } = minuteAt(device, ms, incidents, benign);
    const sample = transform ? { ...raw, values: transform(raw.values, ms) } : raw;
    const outBytes = ((sample.values.bandwidthOutBps ?? 0) * 60) / 8;
    history.add(sample, externalShare === undefined ? undefined : { bytesOutExternal: outBytes * externalShare });
    if (ms >= LIVE_START) {
      found.push(...slowExfiltrationDetector.run({ sample, baseline, trafficHistory: history, ...(previous ? { recent: [previous] } : {}) }, configs));
    }
    previous = sample;
  }
  return found;
}

describe("slowExfiltrationDetector", () => {
  it.each([
    { device: "file-hq-1", intensity: 0, days: 5 },
    { device: "web-dc1-1", intensity: 0, days: 5 },
    { device: "db-dc1-1", intensity: 1, days: 10 },
  ])("raises one alert for a $days-day campaign on $device at intensity $intensity, on its third day", ({ device, intensity, days }) => {
    const d = deviceIndex(device);
    const campaign = slow(d, WEDNESDAY_1037, days, intensity);
    const found = run({ device: d, until: campaign.end.getTime() + 3 * DAY, incidents: [campaign] });
    expect(found).toHaveLength(1);
    const alert = found[0]!;
    const at = Date.parse(alert.observed.ts);
    expect(at).toBeGreaterThanOrEqual(WEDNESDAY_1037 + 2 * DAY);
    expect(at).toBeLessThan(WEDNESDAY_1037 + 3 * DAY);
    expect(new Date(at).getUTCMinutes()).toBe(0); // judged when an hour completes
    expect(alert).toMatchObject({
      detector: SLOW_EXFILTRATION_DETECTOR_ID,
      anomalyType: SLOW_EXFILTRATION_ANOMALY_TYPE,
      metric: "bandwidthOutBps",
    });
    const evidence = alert.evidence as { days: { excessPct: number }[]; window: string; extraBytes: number; trailing7Days: unknown };
    expect(evidence.days).toHaveLength(3);
    for (const day of evidence.days) expect(day.excessPct).toBeGreaterThan(1);
    expect(evidence.extraBytes).toBeGreaterThan(0);
    expect(evidence.trailing7Days).toBeDefined();
    expect(alert.observed.value).toBeGreaterThan(alert.expected.high);
    expect(alert.contributions!.map((c) => c.feature)).toEqual(
      expect.arrayContaining(["windowOutboundRatio:today", "windowOutboundRatio:-1d", "windowOutboundRatio:-2d"]),
    );
    expect(alert.explanation).toMatch(
      new RegExp(`^Outbound traffic in ${evidence.window} has been above this device's usual for that window on each of the last 3 days: .* the evidence is the same window's totals compared across days\\.$`),
    );
  });

  it.each(["web-dc1-2", "file-hq-1", "db-dc1-2", "fw-hq-1"])(
    "stays quiet for three weeks of ordinary traffic on %s (marketing surge, Sunday backup and Patch Tuesday included)",
    (device) => {
      expect(run({ device: deviceIndex(device), until: LIVE_START + 21 * DAY })).toEqual([]);
    },
  );

  it("takes a device that is busier all day for growth, not a hidden upload", () => {
    const growth = (values: MetricValues, ms: number) =>
      ms >= LIVE_START ? { ...values, bandwidthOutBps: values.bandwidthOutBps! * 1.05 } : values;
    const d = deviceIndex("sw-hq-1");
    const until = LIVE_START + 5 * DAY;
    expect(run({ device: d, until, transform: growth })).toEqual([]);
    // the far side of the day is what tells the two apart
    expect(run({ device: d, until, transform: growth, configs: { maxBackgroundShare: 100 } }).length).toBeGreaterThan(0);
  });

  it("reports where the window's bytes went when the history has flows", () => {
    const d = deviceIndex("file-hq-1");
    const campaign = slow(d, WEDNESDAY_1037, 5, 0.5);
    const [alert] = run({ device: d, until: WEDNESDAY_1037 + 3 * DAY, incidents: [campaign], externalShare: 0.7 });
    expect(alert!.evidence!.windowExternalShare).toBeCloseTo(0.7, 2);
    expect(alert!.explanation).toMatch(/Flow records put 70% of today's window outbound bytes outside the internal subnets\.$/);
  });

  it.each([
    { name: "without a traffic history", history: false, historyFrom: TRAINING_START },
    { name: "with fewer reference days than it needs (history since the Monday)", history: true, historyFrom: LIVE_START },
  ])("says nothing $name", ({ history, historyFrom }) => {
    const d = deviceIndex("file-hq-1");
    const campaign = slow(d, WEDNESDAY_1037, 5, 1);
    if (history) {
      expect(run({ device: d, historyFrom, until: WEDNESDAY_1037 + 3 * DAY, incidents: [campaign] })).toEqual([]);
    } else {
      const { sample } = minuteAt(d, WEDNESDAY_1037 + 3 * DAY, [campaign]);
      expect(slowExfiltrationDetector.run({ sample, baseline: baselineOf(d) })).toEqual([]);
    }
  });

  it("rejects settings that cannot work", () => {
    expect(() => slowExfiltrationDetector.resolveConfig({ days: 1 })).toThrow();
    expect(() => slowExfiltrationDetector.resolveConfig({ blockHours: 0 })).toThrow();
    expect(slowExfiltrationDetector.resolveConfig({ days: 4 }).days).toBe(4);
  });
});
