// Forecasting in the worker: refits every device's 7-day forecasts (MSTL by default: ~70 ms a series
// with flat memory; Prophet via augurs leaks WebAssembly memory per fit, see the README) and checks each
// completed hour against the forecast made before it; memory is forecast too, for the memory-leak
// detector's ETA to exhaustion (not checked hour by hour). Refits are throttled on real time, because the
// demo's data clock can run 60× fast.
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { saveForecast } from "@/lib/db/forecast-queries";
import { hourlyMetricMeans } from "@/lib/db/hourly-sample-queries";
import type { Detection } from "@/lib/detect/detector";
import { FORECAST_METRICS, ForecastWatch, MEMORY_CAPACITY_PCT, memoryLeakFindings, TREND_METRICS, type ForecastTarget } from "@/lib/detect/models/forecast-watch";
import type { Logger } from "@/lib/log";
import { memoryLeak } from "@/lib/detect/detectors/health/memory-leak";
import { detectorDevice, type DetectionPipeline } from "./detection-pipeline";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 28;
/** A memory leak found stays one alert for a day of refits. */
const LEAK_COOLDOWN_MS = DAY;
/** Real time between refits. */
export const REFIT_INTERVAL_MS = 10 * 60_000;

export class ForecastScheduler {
  private readonly watch = new ForecastWatch({ method: "mstl" });
  /** Start of the next hour to check (data time). */
  private nextCheck: number | null = null;
  private lastRefit = -Infinity;
  private running: Promise<void> | undefined;

  constructor(
    private readonly o: {
      prisma: PrismaClient;
      pool: pg.Pool;
      pipeline: DetectionPipeline;
      log: Logger;
      devices: () => readonly DeviceSummary[];
      /** Real elapsed ms (throttling). */
      elapsedMs?: () => number;
    },
  ) {}

  /** Checks completed hours up to `now` (data time) and refits when due; one run at a time. */
  tick(now: number): Promise<void> {
    this.running ??= this.run(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(now: number): Promise<void> {
    const elapsed = this.o.elapsedMs?.() ?? performance.now();
    const devices = this.o.devices();
    const ids = devices.map((d) => d.id);
    const currentHour = Math.floor(now / HOUR) * HOUR;
    // 1. completed hours since the last check, against the forecasts made before them
    if (this.nextCheck !== null && this.nextCheck < currentHour) {
      const means = await hourlyMetricMeans(this.o.pool, ids, FORECAST_METRICS, new Date(this.nextCheck), new Date(currentHour));
      const findings: { deviceId: number; detection: Detection }[] = [];
      for (const [deviceId, byMetric] of means) {
        for (const metric of FORECAST_METRICS) {
          for (const p of byMetric.get(metric) ?? []) {
            // an hour the minute detectors already alerted on needs no second, coarser alert
            if (this.o.pipeline.alertedBetween(deviceId, p.ts.getTime(), p.ts.getTime() + HOUR)) continue;
            const detection = this.watch.check(deviceId, metric, p.ts, p.value);
            if (detection) findings.push({ deviceId, detection });
          }
        }
      }
      if (findings.length > 0) await this.o.pipeline.recordFindings(findings);
    }
    this.nextCheck = Math.max(this.nextCheck ?? currentHour, currentHour);

    // 2. refit from the last four weeks of hourly means
    if (elapsed - this.lastRefit < REFIT_INTERVAL_MS) return;
    this.lastRefit = elapsed;
    const started = Date.now();
    const history = await hourlyMetricMeans(this.o.pool, ids, [...FORECAST_METRICS, ...TREND_METRICS], new Date(currentHour - HISTORY_DAYS * DAY), new Date(currentHour));
    const targets: ForecastTarget[] = [];
    for (const d of devices) {
      for (const metric of [...FORECAST_METRICS, ...TREND_METRICS]) {
        const points = history.get(d.id)?.get(metric);
        if (!points) continue;
        const capacity = metric === "cpuPct" ? 90 : metric === "memoryPct" ? MEMORY_CAPACITY_PCT : d.capacityBps ?? undefined;
        targets.push({ deviceId: d.id, metric, history: points, ...(capacity !== undefined ? { capacity } : {}) });
      }
    }
    const { fitted, failures } = await this.watch.refit(targets);
    for (const f of failures) this.o.log.warn("forecast failed", { deviceId: f.deviceId, metric: f.metric, error: f.error });
    for (const { target, forecast } of fitted) {
      await saveForecast(this.o.prisma, {
        deviceId: target.deviceId,
        metric: target.metric,
        generatedAt: new Date(currentHour),
        forecast,
        ...(target.capacity !== undefined ? { capacity: target.capacity } : {}),
      });
    }
    this.o.log.info("forecasts refitted", { series: fitted.length, ms: Date.now() - started });
    // memory forecast to exhaustion after a steady climb: the last complete hour is the window's end
    const byId = new Map(devices.map((d) => [d.id, d]));
    const leaks = memoryLeakFindings(
      fitted,
      new Date(currentHour),
      (id) => {
        const d = byId.get(id);
        return d ? detectorDevice(d) : undefined;
      },
      (device) => this.o.pipeline.detectorConfig(memoryLeak.id, device),
    );
    if (leaks.length > 0) await this.o.pipeline.recordFindings(leaks.map((f) => ({ ...f, cooldownMs: LEAK_COOLDOWN_MS })));
  }
}
