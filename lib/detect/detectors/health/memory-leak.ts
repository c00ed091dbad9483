// Memory leak: memory use climbing slowly and steadily over the last `windowHours` (hourly means), and
// reaching `exhaustionPct` within `maxEtaHours`: the ETA is the evidence. It is the device's seasonal
// forecast's (the scheduled MSTL forecast of lib/detect/models/forecast-watch.ts, fitted with
// `exhaustionPct` as its capacity) when that one gets there in time, else the window's own trend line
// carried forward: MSTL fits weeks of history with a smooth trend, so a leak of a day or two often
// leaves its forecast short of exhaustion (on the simulator suite it gave no ETA at 5 of 6 daily checks
// inside leaks that ended at 92 %). A leak is told from what merely looks like one by its shape:
//   - a rise of at least `minRisePct` points along the least-squares line through the window;
//   - spread over the window: each quarter's mean above the one before (a daily cycle climbs for half
//     a day and falls back; a window of a day or more sees both halves);
//   - not a step: no single hour carries more than `maxStepShare` of the rise (a reconfiguration or a
//     new process moves memory once, then it stays);
//   - few resets: at most `maxResets` hour-to-hour drops of `resetDropPct` points or more, and the last
//     hour not already fallen back below the line (by 2 × `resetDropPct`: restarted, the leak is over).
// Runs when the forecasts are refitted (worker: every 10 minutes of real time; evaluation: daily), not
// per minute. Pure.
import { z } from "zod";
import { linearRegression } from "simple-statistics";
import { defineDetector, type Detection, type DetectorDevice } from "@/lib/detect/detector";
import type { HistoryPoint, MetricForecast } from "@/lib/detect/models/metric-forecast";
import { round1 } from "@/lib/detect/detectors/flow/flow-threat-signals";

export const MEMORY_LEAK_DETECTOR_ID = "memory-leak";
export const MEMORY_LEAK_TYPE = "memory_leak";

const HOUR = 3_600_000;

export const memoryLeakConfigSchema = z.object({
  enabled: z.boolean(),
  /** Points of memory % the window's trend line must rise by. */
  minRisePct: z.number().finite().positive(),
  windowHours: z.number().int().min(8).max(24 * 14),
  /** Hourly means the window needs (thin data is not judged). */
  minHours: z.number().int().min(8),
  /** The largest share of the rise one hour may carry. */
  maxStepShare: z.number().finite().gt(0).max(1),
  maxResets: z.number().int().min(0),
  resetDropPct: z.number().finite().positive(),
  /** Memory % at which the device is taken as exhausted (the forecast's capacity). */
  exhaustionPct: z.number().finite().gt(0).max(100),
  /** Raised only when the forecast reaches exhaustion within this many hours. */
  maxEtaHours: z.number().int().min(1),
});
export type MemoryLeakConfig = z.infer<typeof memoryLeakConfigSchema>;

export interface MemoryLeakInput {
  deviceId: number;
  device?: DetectorDevice;
  /** The device's hourly memory % means, oldest first (what the forecast was fitted on). */
  history: readonly HistoryPoint[];
  /** The forecast fitted on them with `capacity` = `exhaustionPct`. */
  forecast: MetricForecast;
  /** When the forecast was made (data time): the end of the window. */
  at: Date;
}

export const memoryLeak = defineDetector<MemoryLeakConfig, MemoryLeakInput, typeof MEMORY_LEAK_DETECTOR_ID>({
  id: MEMORY_LEAK_DETECTOR_ID,
  description:
    "Memory leak: memory use rising slowly and steadily over the last day (no step, few resets) and forecast (or on its trend line) to reach exhaustion within a week; checked when the forecasts are refitted. Needs a memory source.",
  scoreField: "minRisePct",
  alertTypes: [MEMORY_LEAK_TYPE],
  configSchema: memoryLeakConfigSchema,
  defaultConfig: { enabled: true, minRisePct: 5, windowHours: 24, minHours: 18, maxStepShare: 0.4, maxResets: 1, resetDropPct: 3, exhaustionPct: 95, maxEtaHours: 168 },
  detect(input, config): Detection[] {
    if (!config.enabled) return [];
    const end = input.at.getTime();
    const start = end - config.windowHours * HOUR;
    const points = input.history.filter((p) => p.ts.getTime() >= start && p.ts.getTime() < end && Number.isFinite(p.value));
    if (points.length < config.minHours) return [];

    const { m: slopePerHour, b: intercept } = linearRegression(points.map((p) => [(p.ts.getTime() - start) / HOUR, p.value]));
    const rise = slopePerHour * config.windowHours;
    if (!(rise >= config.minRisePct)) return [];
    const byForecast = input.forecast.capacityEta;
    const lineAtEnd = intercept + rise;
    // memory already back far below the line: the process was restarted, the leak is over for now
    if (points[points.length - 1]!.value < lineAtEnd - 2 * config.resetDropPct) return [];
    const byTrend = new Date(end + Math.max(0, (config.exhaustionPct - lineAtEnd) / slopePerHour) * HOUR);
    const inTime = (eta: Date | null | undefined): eta is Date => !!eta && eta.getTime() - end <= config.maxEtaHours * HOUR;
    const fromForecast = inTime(byForecast);
    const eta = fromForecast ? byForecast : inTime(byTrend) ? byTrend : undefined;
    if (!eta) return [];

    const q = Math.floor(points.length / 4);
    const quarters = [0, 1, 2, 3].map((i) => points.slice(i * q, i === 3 ? points.length : (i + 1) * q));
    const means = quarters.map((qs) => qs.reduce((s, p) => s + p.value, 0) / qs.length);
    if (!means.every((m, i) => i === 0 || m > means[i - 1]!)) return [];

    let largestStep = 0;
    let resets = 0;
    for (let i = 1; i < points.length; i++) {
      // only consecutive hours: a gap's difference is several hours' worth
      if (points[i]!.ts.getTime() - points[i - 1]!.ts.getTime() > HOUR) continue;
      const d = points[i]!.value - points[i - 1]!.value;
      if (d > largestStep) largestStep = d;
      if (-d >= config.resetDropPct) resets++;
    }
    if (largestStep > config.maxStepShare * rise || resets > config.maxResets) return [];

    const last = points[points.length - 1]!.value;
    const hoursLeft = Math.max(0, (eta.getTime() - end) / HOUR);
    const severity = hoursLeft <= 24 ? "critical" : hoursLeft <= 72 ? "high" : "medium";
    const target = input.device?.name ?? `device ${input.deviceId}`;
    const etaText = hoursLeft < 48 ? `${Math.round(hoursLeft)} h` : `${round1(hoursLeft / 24)} days`;
    return [
      {
        detector: MEMORY_LEAK_DETECTOR_ID,
        anomalyType: MEMORY_LEAK_TYPE,
        metric: "memoryPct",
        severity,
        score: rise,
        observed: { value: round1(last), ts: new Date(end).toISOString() },
        expected: { low: 0, high: config.exhaustionPct, mean: round1(means[0]!) },
        explanation:
          `Memory of ${target} rose steadily from ${round1(means[0]!)}% to ${round1(means[3]!)}% (quarter means) over the last ${config.windowHours} h, ` +
          `${round1(slopePerHour)} points an hour with no single hour above ${round1(largestStep)} points and ${resets} reset${resets === 1 ? "" : "s"}: ` +
          `${fromForecast ? `the ${input.forecast.method} forecast` : "the trend line"} reaches ${config.exhaustionPct}% at ${eta.toISOString()} (in ${etaText}). Looks like a memory leak.`,
        evidence: {
          windowHours: config.windowHours,
          hours: points.length,
          slopePctPerHour: Math.round(slopePerHour * 1000) / 1000,
          risePct: round1(rise),
          quarterMeansPct: means.map(round1),
          largestHourlyRisePct: round1(largestStep),
          resets,
          memoryPct: round1(last),
          exhaustionPct: config.exhaustionPct,
          exhaustionEta: eta.toISOString(),
          hoursToExhaustion: round1(hoursLeft),
          forecastMethod: input.forecast.method,
          etaFrom: fromForecast ? "forecast" : "trend line",
        },
      },
    ];
  },
});
