// The worker's path from telemetry to alerts: store each device-minute, compare it with the
// device's baseline through every registered detector, and record what they find. Sources (the demo
// simulator today; NetFlow/SNMP/syslog collectors later) call `ingest`; history backfills call
// `store`, which skips detection.
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import { activeMaintenanceWindow, type WindowSpec } from "@/lib/alerts/maintenance-window";
import { recordDetection } from "@/lib/alerts/record-detection";
import { loadLatestBaselines } from "@/lib/db/baseline-queries";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { currentMaintenanceWindows } from "@/lib/db/maintenance-queries";
import { insertSamples, markDevicesSeen } from "@/lib/db/sample-queries";
import { runDetectors, type RunnableDetector } from "@/lib/detect/detector";
import { buildBaselineIndex, type BaselineIndex } from "@/lib/detect/hour-of-week-baseline";
import { hourOfWeekZScore } from "@/lib/detect/hour-of-week-zscore";
import type { Logger } from "@/lib/log";
import type { MetricSample } from "@/lib/telemetry/metrics";
import type { Clock } from "./clock";

/** Every detector the worker runs on each device-minute. New detectors are added here. */
export const MINUTE_DETECTORS: readonly RunnableDetector[] = [hourOfWeekZScore];

export interface IngestResult {
  stored: number;
  alertsCreated: number;
  alertsUpdated: number;
}

export interface DetectionPipeline {
  store(samples: readonly MetricSample[]): Promise<number>;
  ingest(samples: readonly MetricSample[]): Promise<IngestResult>;
  reloadBaselines(): Promise<void>;
  /** Sim/data time the newest loaded baseline was trained up to, or null without baselines. */
  baselinesTrainedAt(): Date | null;
}

const WINDOW_REFRESH_MS = 30_000;

export function createDetectionPipeline(deps: {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Current inventory; devices discovered while running are found too. */
  lookupDevice: (id: number) => DeviceSummary | undefined;
  log: Logger;
  clock: Clock;
  detectors?: readonly RunnableDetector[];
  detectorConfigs?: Record<string, unknown>;
}): DetectionPipeline {
  const { prisma, pool, log, clock } = deps;
  const detectors = deps.detectors ?? MINUTE_DETECTORS;
  let baselines = new Map<number, BaselineIndex>();
  let trainedAt: Date | null = null;
  let windows: WindowSpec[] = [];
  let windowsLoadedAt = -Infinity;

  // Throttled on real elapsed time: the data clock may be a demo replay running 60× fast.
  const refreshWindows = async () => {
    if (performance.now() - windowsLoadedAt < WINDOW_REFRESH_MS) return;
    windows = await currentMaintenanceWindows(prisma, new Date(clock.now() - 86_400_000));
    windowsLoadedAt = performance.now();
  };

  const store = async (samples: readonly MetricSample[]) => {
    if (samples.length === 0) return 0;
    const stored = await insertSamples(pool, samples);
    let newest = samples[0]!.ts;
    for (const s of samples) if (s.ts > newest) newest = s.ts;
    await markDevicesSeen(pool, [...new Set(samples.map((s) => s.deviceId))], newest);
    return stored;
  };

  return {
    store,
    async ingest(samples) {
      const result: IngestResult = { stored: await store(samples), alertsCreated: 0, alertsUpdated: 0 };
      await refreshWindows();
      for (const sample of samples) {
        const baseline = baselines.get(sample.deviceId);
        const device = deps.lookupDevice(sample.deviceId);
        if (!baseline || !device) continue;
        const { detections, failures } = runDetectors(detectors, { sample, baseline }, { configs: deps.detectorConfigs });
        for (const f of failures) log.error("detector failed", { detector: f.detector, deviceId: sample.deviceId, error: f.error.message });
        for (const detection of detections) {
          const window = activeMaintenanceWindow(windows, device, sample.ts);
          const recorded = await recordDetection(prisma, {
            deviceId: sample.deviceId,
            detection,
            suppressedBy: window ? { windowId: window.id } : undefined,
          });
          if (recorded.created) {
            result.alertsCreated += 1;
            log.info(window ? "alert recorded as suppressed (maintenance window)" : "alert raised", {
              alertId: recorded.alert.id,
              device: device.name,
              metric: detection.metric,
              severity: detection.severity,
              score: Number(detection.score.toFixed(2)),
            });
          } else {
            result.alertsUpdated += 1;
          }
        }
      }
      return result;
    },
    async reloadBaselines() {
      const loaded = await loadLatestBaselines(prisma);
      baselines = new Map([...loaded].map(([id, b]) => [id, buildBaselineIndex(b.rows)]));
      trainedAt = null;
      for (const b of loaded.values()) if (!trainedAt || b.trainedAt > trainedAt) trainedAt = b.trainedAt;
    },
    baselinesTrainedAt: () => trainedAt,
  };
}
