// The worker's path from telemetry to alerts: store each batch of complete device-minutes, run every
// detector on each minute (lib/detect/detection-engine.ts), decide whether a finding is raised or
// suppressed, and record it. The telemetry router calls `ingest`; history backfills call `store`,
// which skips detection. The evaluation harness runs this same pipeline over an in-memory store.
import { EMPTY_DISPOSITION_CONTEXT, suppressionFor, type DispositionContext } from "@/lib/alerts/alert-disposition";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import type { DetectorDevice, RunnableDetector } from "@/lib/detect/detector";
import type { BaselineIndex } from "@/lib/detect/hour-of-week-baseline";
import { hourOfWeekZScore } from "@/lib/detect/hour-of-week-zscore";
import type { Logger } from "@/lib/log";
import type { MetricSample } from "@/lib/telemetry/metrics";
import type { Clock } from "./clock";
import type { PipelineStore, TelemetryBatch } from "./pipeline-store";

/** Every detector the worker runs on each device-minute. New detectors are added here. */
export const MINUTE_DETECTORS: readonly RunnableDetector[] = [hourOfWeekZScore];

export interface IngestResult {
  stored: number;
  alertsCreated: number;
  alertsUpdated: number;
}

export interface DetectionPipeline {
  /** Stores history without detection (backfills); the engine still sees the minutes. */
  store(samples: readonly MetricSample[]): Promise<number>;
  ingest(batch: TelemetryBatch): Promise<IngestResult>;
  reloadBaselines(): Promise<void>;
  /** Installs baselines trained elsewhere (the evaluation harness trains in memory). */
  setBaselines(byDevice: ReadonlyMap<number, BaselineIndex>, trainedAt: Date): void;
  /** Sim/data time the newest loaded baseline was trained up to, or null without baselines. */
  baselinesTrainedAt(): Date | null;
}

/** How often windows, rules and the calendar are re-read (real time). */
const DISPOSITION_REFRESH_MS = 30_000;

export function detectorDevice(device: DeviceSummary): DetectorDevice {
  return { name: device.name, address: device.managementIp, role: device.role, site: device.site };
}

export function createDetectionPipeline(deps: {
  store: PipelineStore;
  /** Current inventory; devices discovered while running are found too. */
  lookupDevice: (id: number) => DeviceSummary | undefined;
  log: Logger;
  clock: Clock;
  detectors?: readonly RunnableDetector[];
  /** Config overrides per detector id (tuned thresholds). */
  detectorConfigs?: Readonly<Record<string, unknown>>;
  /** Real elapsed ms, for throttling re-reads (the data clock may be a fast replay). */
  elapsedMs?: () => number;
}): DetectionPipeline {
  const { store, log, clock } = deps;
  const elapsed = deps.elapsedMs ?? (() => performance.now());
  const configs = deps.detectorConfigs;
  const engine = new DetectionEngine({
    detectors: deps.detectors ?? MINUTE_DETECTORS,
    ...(configs ? { configFor: (id: string) => configs[id] } : {}),
  });
  let trainedAt: Date | null = null;
  let disposition: DispositionContext = EMPTY_DISPOSITION_CONTEXT;
  let dispositionLoadedAt = -Infinity;

  const refreshDisposition = async () => {
    if (elapsed() - dispositionLoadedAt < DISPOSITION_REFRESH_MS) return;
    disposition = await store.dispositionContext(new Date(clock.now() - 86_400_000));
    dispositionLoadedAt = elapsed();
  };

  return {
    async store(samples) {
      const sorted = [...samples].sort((a, b) => a.ts.getTime() - b.ts.getTime());
      for (const sample of sorted) {
        const device = deps.lookupDevice(sample.deviceId);
        if (device) engine.observe(sample, detectorDevice(device));
      }
      return store.storeTelemetry({ samples: sorted, flows: [], syslog: [] });
    },
    async ingest(batch) {
      const result: IngestResult = { stored: await store.storeTelemetry(batch), alertsCreated: 0, alertsUpdated: 0 };
      await refreshDisposition();
      const flowsOf = new Map(batch.flows.map((f) => [`${f.deviceId}|${f.ts.getTime()}`, f]));
      for (const sample of batch.samples) {
        const device = deps.lookupDevice(sample.deviceId);
        if (!device) continue;
        const flows = flowsOf.get(`${sample.deviceId}|${sample.ts.getTime()}`);
        const { detections, failures } = engine.observe(sample, detectorDevice(device), flows);
        for (const f of failures) log.error("detector failed", { detector: f.detector, deviceId: sample.deviceId, error: f.error.message });
        for (const detection of detections) {
          const suppression = suppressionFor(detection, device, sample.ts, disposition);
          const recorded = await store.recordAlert({
            deviceId: sample.deviceId,
            detection,
            ...(suppression ? { suppressedBy: suppression } : {}),
          });
          if (recorded.created) {
            result.alertsCreated += 1;
            log.info(suppression ? `alert recorded as suppressed (${suppression.kind})` : "alert raised", {
              alertId: recorded.alertId,
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
      const loaded = await store.loadBaselines();
      engine.setBaselines(loaded.byDevice);
      trainedAt = loaded.trainedAt;
    },
    setBaselines(byDevice, at) {
      engine.setBaselines(byDevice);
      trainedAt = at;
    },
    baselinesTrainedAt: () => trainedAt,
  };
}
