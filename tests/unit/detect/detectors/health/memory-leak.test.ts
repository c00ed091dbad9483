// The memory-leak detector over the forecast path the worker and the evaluation share: hourly memory
// means → ForecastWatch.refit (MSTL, capacity = the exhaustion level) → memoryLeakFindings. A steady
// climb forecast to exhaustion is found with the forecast's ETA (or the trend line's, when the forecast
// falls short); a step, a daily cycle, a sawtooth of restarts, thin data and a climb too slow to matter
// this week are not.
import { describe, expect, it } from "vitest";
import type { Detection } from "@/lib/detect/detector";
import { memoryLeak } from "@/lib/detect/detectors/health/memory-leak";
import type { HistoryPoint, MetricForecast } from "@/lib/detect/models/metric-forecast";
import { ForecastWatch, MEMORY_CAPACITY_PCT, memoryLeakFindings } from "@/lib/detect/models/forecast-watch";
import { normalNoise } from "@/lib/simulator/prng";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2);
const HOURS = 72;
const AT = new Date(T0 + HOURS * HOUR);
const DEVICE = { name: "app-server-2", address: "10.0.0.12", role: "server", site: "hq" };

/** Hourly memory % for three days: `f(hour)` plus a little noise. */
function series(f: (h: number) => number): HistoryPoint[] {
  return Array.from({ length: HOURS }, (_, h) => ({ ts: new Date(T0 + h * HOUR), value: f(h) + 0.2 * normalNoise(11, h) }));
}

/** Fits the worker's way and returns the leak findings. */
async function findings(history: HistoryPoint[]): Promise<{ detections: Detection[]; forecast: MetricForecast | undefined }> {
  const watch = new ForecastWatch({ method: "mstl", horizonHours: 168 });
  const { fitted, failures } = await watch.refit([{ deviceId: 1, metric: "memoryPct", history, capacity: MEMORY_CAPACITY_PCT }]);
  expect(failures).toEqual([]);
  return { detections: memoryLeakFindings(fitted, AT, () => DEVICE).map((f) => f.detection), forecast: fitted[0]?.forecast };
}

// a leak: 40% climbing 0.4 points an hour, over a small daily wobble
const leak = series((h) => 40 + 0.4 * h + Math.sin((2 * Math.PI * h) / 24));

describe("memory leak", () => {
  it("finds a steady climb forecast to exhaustion, with the forecast's ETA as evidence", async () => {
    const { detections, forecast } = await findings(leak);
    expect(detections).toHaveLength(1);
    const d = detections[0]!;
    expect(d.anomalyType).toBe("memory_leak");
    expect(d.metric).toBe("memoryPct");
    const eta = forecast!.capacityEta!;
    expect(d.evidence!.exhaustionEta).toBe(eta.toISOString());
    // 68% now, +0.4/h: about 67 h to 95%
    expect(d.evidence!.hoursToExhaustion).toBeGreaterThan(40);
    expect(d.evidence!.hoursToExhaustion).toBeLessThan(100);
    // the least-squares line over one day of the wobble: a little under the true 0.4
    expect(d.evidence!.slopePctPerHour).toBeGreaterThan(0.25);
    expect(d.evidence!.slopePctPerHour).toBeLessThan(0.5);
    expect(d.explanation).toMatch(new RegExp(`forecast reaches 95% at ${eta.toISOString()}`));
    expect(d.explanation).toMatch(/^Memory of app-server-2 rose steadily/);
    expect(["medium", "high"]).toContain(d.severity);
  });

  it("follows the settings tuned for the device (the Tuning page's overrides reach the refit's check)", async () => {
    const watch = new ForecastWatch({ method: "mstl", horizonHours: 168 });
    const { fitted } = await watch.refit([{ deviceId: 1, metric: "memoryPct", history: leak, capacity: MEMORY_CAPACITY_PCT }]);
    const asked: string[] = [];
    const off = memoryLeakFindings(fitted, AT, () => DEVICE, (device) => (asked.push(device.name), { enabled: false }));
    expect(off).toEqual([]);
    expect(asked).toEqual(["app-server-2"]);
    // an ETA further out than the tuned horizon is not a finding yet
    expect(memoryLeakFindings(fitted, AT, () => DEVICE, () => ({ maxEtaHours: 12 }))).toEqual([]);
    expect(memoryLeakFindings(fitted, AT, () => DEVICE, () => undefined)).toHaveLength(1);
  });

  it("finds a leak of the last day that the forecast leaves short of exhaustion, by the window's trend line", async () => {
    const { forecast } = await findings(leak);
    // flat for two days, then 1.5 points an hour: 45% → ~80% over the last day
    const lastDay = series((h) => (h < 48 ? 45 : 45 + 1.5 * (h - 47)));
    const [d] = memoryLeak.run({ deviceId: 1, device: DEVICE, history: lastDay, forecast: { ...forecast!, capacityEta: null }, at: AT });
    expect(d).toBeDefined();
    expect(d!.evidence).toMatchObject({ etaFrom: "trend line" });
    // the line ends near 81%: about 9–10 h more at 1.5 an hour
    expect(d!.evidence!.hoursToExhaustion).toBeGreaterThan(6);
    expect(d!.evidence!.hoursToExhaustion).toBeLessThan(14);
    expect(d!.explanation).toMatch(/the trend line reaches 95% at/);
    expect(d!.severity).toBe("critical");
    // the same climb, restarted in the last hour: over for now
    const restarted = lastDay.map((p, h) => (h === HOURS - 1 ? { ...p, value: 45 } : p));
    expect(memoryLeak.run({ deviceId: 1, history: restarted, forecast: { ...forecast!, capacityEta: null }, at: AT })).toEqual([]);
  });

  it("is not fooled by what merely rises: a step, a daily cycle, restarts every eight hours, even when handed a forecast with an ETA", async () => {
    const withEta = (await findings(leak)).forecast!;
    const step = series((h) => (h < 60 ? 40 : 75));
    const daily = series((h) => 50 + 15 * Math.sin((2 * Math.PI * (h - 6)) / 24));
    const sawtooth = series((h) => 40 + 1.5 * (h % 8));
    for (const history of [step, daily, sawtooth]) {
      expect(memoryLeak.run({ deviceId: 1, history, forecast: withEta, at: AT })).toEqual([]);
      expect((await findings(history)).detections).toEqual([]);
    }
  });

  it("does not judge thin data, nor a climb whose forecast stays below exhaustion this week", async () => {
    const withEta = (await findings(leak)).forecast!;
    const thin = leak.filter((_, h) => h % 3 === 0);
    expect(memoryLeak.run({ deviceId: 1, history: thin, forecast: withEta, at: AT })).toEqual([]);
    // 0.05 points an hour from 30%: hundreds of days to go
    expect((await findings(series((h) => 30 + 0.05 * h))).detections).toEqual([]);
  });
});
