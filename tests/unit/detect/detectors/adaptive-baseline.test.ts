import { describe, expect, it } from "vitest";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import type { Detection, DetectorDevice } from "@/lib/detect/detector";
import { adaptiveBaseline } from "@/lib/detect/detectors/adaptive-baseline";
import { mulberry32 } from "@/lib/simulator/prng";
import { emptyMetricValues, type MetricValues } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 5); // a Monday
const ROUTER: DetectorDevice = { name: "core-rtr-hq-1", address: "10.1.0.1", role: "core-router", site: "hq" };

/** Runs one router minute by minute through the adaptive baseline alone; returns its detections. */
function runRouter(days: number, values: (ts: number, rand: () => number) => Partial<MetricValues>): Detection[] {
  const engine = new DetectionEngine({ detectors: [adaptiveBaseline] });
  const rand = mulberry32(11);
  const out: Detection[] = [];
  for (let ts = START; ts < START + days * DAY; ts += MINUTE) {
    const sample = { deviceId: 1, ts: new Date(ts), values: { ...emptyMetricValues(), ...values(ts, rand) } };
    out.push(...engine.observe(sample, ROUTER).detections);
  }
  return out;
}

/** An ordinary router minute: CPU around 25 %, traffic with a daily rhythm. */
function ordinary(ts: number, rand: () => number): Partial<MetricValues> {
  const hour = (ts / HOUR) % 24;
  const busy = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI));
  return {
    cpuPct: 25 + 10 * busy + 4 * (rand() - 0.5),
    bandwidthInBps: 4e8 * (1 + busy) * (1 + 0.1 * (rand() - 0.5)),
    bandwidthOutBps: 3e8 * (1 + busy) * (1 + 0.1 * (rand() - 0.5)),
    packetsPerSec: 6e4 * (1 + busy) * (1 + 0.1 * (rand() - 0.5)),
  };
}

/** 30-minute windows, starting at these offsets from START. */
const within = (ts: number, starts: number[], minutes = 30) => starts.some((s) => ts >= START + s && ts < START + s + minutes * MINUTE);
const alertedIn = (detections: Detection[], start: number, minutes = 30) =>
  detections.some((d) => {
    const t = Date.parse(d.observed.ts);
    return t >= START + start && t < START + start + minutes * MINUTE;
  });

describe("adaptive baseline", () => {
  it("raises CPU exhaustion every time a usually idle router hits its ceiling, however often it did lately", () => {
    // four exhaustions within a week, from day 4 on: by the rarity bar alone the later ones look ordinary
    const exhaustions = [4 * DAY + 20 * HOUR, 5 * DAY + 10 * HOUR, 7 * DAY + 15 * HOUR, 8 * DAY + 3 * HOUR];
    const detections = runRouter(9, (ts, rand) => {
      const v = ordinary(ts, rand);
      return within(ts, exhaustions) ? { ...v, cpuPct: 95 + 5 * rand() } : v;
    });
    for (const e of exhaustions) expect(alertedIn(detections, e), `exhaustion at day ${(e / DAY).toFixed(2)}`).toBe(true);
    const exhaustion = detections.find((d) => alertedIn([d], exhaustions[3]!))!;
    expect(exhaustion.metric).toBe("cpuPct");
    expect(exhaustion.severity === "high" || exhaustion.severity === "critical").toBe(true);
    // one alert per exhaustion, nothing on the ordinary days around them (the first two days are the cold start)
    const afterColdStart = detections.filter((d) => Date.parse(d.observed.ts) >= START + 2 * DAY);
    expect(afterColdStart.filter((d) => !exhaustions.some((e) => alertedIn([d], e)))).toEqual([]);
  });

  it("judges a router that is busy at 85–92 % by its rarity, not as exhausted at 96 %", () => {
    const detections = runRouter(6, (ts, rand) => ({ ...ordinary(ts, rand), cpuPct: 88 + 4 * (rand() - 0.5) + (rand() < 0.002 ? 8 : 0) }));
    expect(detections.filter((d) => Date.parse(d.observed.ts) >= START + 2 * DAY && d.evidence?.saturated)).toEqual([]);
  });

  it("alerts once for an incident that lasts, and again for a new one after the metric has recovered", () => {
    const floods = [4 * DAY + 2 * HOUR, 4 * DAY + 14 * HOUR];
    const detections = runRouter(5, (ts, rand) => {
      const v = ordinary(ts, rand);
      return within(ts, floods, 90) ? { ...v, bandwidthInBps: 8 * v.bandwidthInBps!, packetsPerSec: 8 * v.packetsPerSec! } : v;
    });
    for (const f of floods) {
      const inFlood = detections.filter((d) => alertedIn([d], f, 90)).map((d) => Date.parse(d.observed.ts));
      // the flood's first minutes may sharpen the reading (a rarer one is new), then it is one open
      // incident: nothing more over its 90 minutes (the alert store folds repeats within 15 minutes)
      expect(inFlood.length, `flood at day ${(f / DAY).toFixed(2)}`).toBeGreaterThanOrEqual(1);
      expect(Math.max(...inFlood) - (START + f)).toBeLessThan(15 * MINUTE);
    }
    expect(detections.filter((d) => !floods.some((f) => alertedIn([d], f, 90)) && Date.parse(d.observed.ts) >= START + 2 * DAY)).toEqual([]);
  });
});
