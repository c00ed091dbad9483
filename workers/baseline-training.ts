// Retrains every device's hour-of-week baselines over a sliding window of stored samples (so the
// baselines follow slow drift), guarded against poisoning: alerts analysts confirmed are left out
// of training, and a bucket whose median or p95 grows by more than 20 % and beyond its sampling
// noise waits for an analyst's approval while the previous one stays in use (`capBaselineGrowth`).
// It stays held while retrains keep proposing the grown level and is released by the first proposal
// back within noise, so a thin, noisy bucket neither gets held nor stays frozen.
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import { confirmedIncidentRanges, loadLatestBaselines, saveBaselines } from "@/lib/db/baseline-queries";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { readSamples } from "@/lib/db/sample-queries";
import {
  buildBaselineIndex,
  capBaselineGrowth,
  metricOfKey,
  trainBaselineIndex,
  type BaselineBucket,
  type BaselineIndex,
  type BaselineKey,
  type BaselineRow,
  type TimeRange,
} from "@/lib/detect/baseline/hour-of-week-baseline";
import type { MetricSample } from "@/lib/telemetry/metrics";
import type { Logger } from "@/lib/log";

export const TRAINING_WINDOW_DAYS = 14;

/** Left out either side of a confirmed alert: the build-up and tail of an incident are not normal either. */
export const CONFIRMED_ALERT_MARGIN_MS = 15 * 60_000;

export interface TrainingSummary {
  /** Devices that got a new baseline version. */
  devicesTrained: number;
  /** Active buckets written (including previous buckets kept in place of held ones). */
  buckets: number;
  /** Buckets held for approval. */
  held: number;
  /** Confirmed-alert ranges left out of training, over all devices. */
  excludedRanges: number;
}

export async function trainBaselines(deps: {
  prisma: PrismaClient;
  pool: pg.Pool;
  devices: readonly DeviceSummary[];
  /** Data time the training window ends at (exclusive). */
  until: Date;
  log: Logger;
  windowDays?: number;
  /** Largest accepted growth of a bucket's median or p95 between retrains (default 0.2). */
  maxGrowth?: number;
  /** Standard errors of sampling noise a growth must also exceed to be held (default DEFAULT_NOISE_K, 4). */
  noiseK?: number;
  /** Sees each trained device's window, its baseline in use and what was left out (for other models). */
  onDevice?: (device: DeviceSummary, samples: readonly MetricSample[], baseline: BaselineIndex, exclude: readonly TimeRange[]) => void;
}): Promise<TrainingSummary> {
  const started = Date.now();
  const from = new Date(deps.until.getTime() - (deps.windowDays ?? TRAINING_WINDOW_DAYS) * 86_400_000);
  const exclusions = await confirmedIncidentRanges(deps.prisma, {
    deviceIds: deps.devices.map((d) => d.id),
    from,
    until: deps.until,
    marginMs: CONFIRMED_ALERT_MARGIN_MS,
  });
  const previous = await loadLatestBaselines(deps.prisma);
  const summary: TrainingSummary = { devicesTrained: 0, buckets: 0, held: 0, excludedRanges: 0 };
  for (const device of deps.devices) {
    const samples = await readSamples(deps.pool, device.id, from, deps.until);
    if (samples.length === 0) continue;
    const exclude = exclusions.get(device.id) ?? [];
    const trained = trainBaselineIndex(samples, { exclude });
    // Nothing learnable (all excluded or too thin): keep the previous version rather than erase it.
    if (trained.size === 0) continue;
    const before = previous.get(device.id);
    const { accepted, held } = capBaselineGrowth(before && buildBaselineIndex(before.rows), trained, {
      maxGrowth: deps.maxGrowth,
      noiseK: deps.noiseK,
    });
    const rows = [...accepted].map(([key, bucket]) => toRow(key, bucket));
    const pending = held.map((h) => toRow(h.key, h.proposed));
    await saveBaselines(deps.prisma, device.id, rows, deps.until, pending);
    deps.onDevice?.(device, samples, accepted, exclude);
    if (held.length > 0) {
      deps.log.warn("baseline buckets held for approval", {
        device: device.name,
        held: held.length,
        maxGrowthPct: Math.round(held.reduce((max, h) => Math.max(max, h.growth), 0) * 100),
        // how far beyond sampling noise the least clear-cut of them grew (≥ noiseK)
        minStandardErrors: Math.round(held.reduce((min, h) => Math.min(min, h.standardErrors), Infinity) * 10) / 10,
      });
    }
    summary.devicesTrained += 1;
    summary.buckets += rows.length;
    summary.held += held.length;
    summary.excludedRanges += exclude.length;
  }
  deps.log.info("baselines trained", {
    devices: deps.devices.length,
    ...summary,
    window: `${from.toISOString()}..${deps.until.toISOString()}`,
    ms: Date.now() - started,
  });
  return summary;
}

function toRow(key: BaselineKey, bucket: BaselineBucket): BaselineRow {
  // Keys come from trainBaselineIndex / buildBaselineIndex, which only ever use known metrics.
  return { ...bucket, metric: metricOfKey(key)! };
}
