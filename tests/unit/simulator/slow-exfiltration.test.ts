// A slow exfiltration is invisible minute by minute but shows in the days' totals.
import { describe, expect, it } from "vitest";
import { trainBaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { hourOfWeekZScore } from "@/lib/detect/detectors/hour-of-week-zscore";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { applyIncidents, incidentActiveWindows, type Incident } from "@/lib/simulator/incidents";
import { createNetworkModel } from "@/lib/simulator/network-model";
import type { MetricSample } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const DAY = 86_400_000;
const fleet = demoFleet(20, 1);
const model = createNetworkModel({ devices: fleet, seed: 1 });
const FILE_SERVER = fleet.findIndex((d) => d.name === "file-hq-1");
const START = Date.parse("2025-01-20T10:00:00Z"); // a Monday

const slow: Incident = {
  id: "slow_exfiltration-test",
  kind: "slow_exfiltration",
  deviceIndex: FILE_SERVER,
  start: new Date(START),
  end: new Date(START + 6 * DAY + 360 * MINUTE),
  intensity: 0.5,
  dailyMinutes: 360,
};

describe("slow exfiltration", () => {
  const days = Array.from({ length: 7 }, (_, d) => Date.parse("2025-01-20T00:00:00Z") + d * DAY);
  const perDay = days.map((day) => {
    let before = 0;
    let after = 0;
    let maxRatio = 0;
    for (let m = 0; m < 1440; m++) {
      const ts = new Date(day + m * MINUTE);
      const base = model.valuesAt(FILE_SERVER, ts);
      const out = applyIncidents(base, FILE_SERVER, ts, [slow]);
      before += base.bandwidthOutBps ?? 0;
      after += out.bandwidthOutBps ?? 0;
      maxRatio = Math.max(maxRatio, (out.bandwidthOutBps ?? 0) / (base.bandwidthOutBps ?? 1));
    }
    return { weekend: new Date(day).getUTCDay() % 6 === 0, increase: after / before - 1, maxRatio };
  });

  it("spans 7 daily windows", () => {
    expect(incidentActiveWindows(slow)).toHaveLength(7);
  });

  it.each(perDay.map((d, i) => ({ day: i + 1, ...d })))(
    "day $day: outbound total modestly up, no minute more than 6 % above normal",
    ({ weekend, increase, maxRatio }) => {
      // the upload rides on the day's traffic: ~2 % on a working day, less at the weekend
      expect(increase).toBeGreaterThan(weekend ? 0.005 : 0.015);
      expect(increase).toBeLessThan(0.05);
      expect(maxRatio).toBeLessThanOrEqual(1.06);
    },
  );

  it("the week's outbound total rises by more than any ordinary week's noise would explain", () => {
    const total = perDay.reduce((s, d) => s + d.increase, 0) / perDay.length;
    expect(total).toBeGreaterThan(0.015);
  });

  it("the minute-level hour-of-week detector sees at most a stray medium blip on its outbound bandwidth", () => {
    const history: MetricSample[] = [];
    for (let m = 0; m < 14 * 1440; m++) {
      const ts = new Date(START - 10 * 60 * MINUTE - 14 * DAY + m * MINUTE);
      history.push({ deviceId: FILE_SERVER, ts, values: model.valuesAt(FILE_SERVER, ts) });
    }
    const baseline = trainBaselineIndex(history);
    const detections = [];
    for (const w of incidentActiveWindows(slow).slice(0, 3)) {
      for (let ms = w.start.getTime(); ms < w.end.getTime(); ms += MINUTE) {
        const ts = new Date(ms);
        const values = applyIncidents(model.valuesAt(FILE_SERVER, ts), FILE_SERVER, ts, [slow]);
        // turned on: off by default since the adaptive baseline replaced it
        detections.push(...hourOfWeekZScore.run({ sample: { deviceId: FILE_SERVER, ts, values }, baseline }, { enabled: true }));
      }
    }
    const outbound = detections.filter((d) => d.metric === "bandwidthOutBps");
    expect(outbound.length).toBeLessThanOrEqual(3); // of 1080 active minutes
    for (const d of outbound) expect(d.severity).toBe("medium");
  });
});
