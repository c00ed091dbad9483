// Where the detection pipeline keeps what it sees and finds. The worker uses Postgres; the evaluation
// harness keeps everything in memory, so both run the same pipeline code (workers/detection-pipeline.ts).
import crypto from "node:crypto";
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import type { DispositionContext, Suppression } from "@/lib/alerts/alert-disposition";
import type { DetectorOverride } from "@/lib/alerts/alert-thresholds";
import type { Campaign } from "@/lib/alerts/campaign-correlator";
import { recordDetection } from "@/lib/db/alert-recording-queries";
import { baselineGeneration, loadLatestBaselines } from "@/lib/db/baseline-queries";
import { saveCampaign } from "@/lib/db/campaign-queries";
import { currentCalendarEntries, listDetectorSettings, listSuppressionRules } from "@/lib/db/detection-settings-queries";
import { currentMaintenanceWindows } from "@/lib/db/maintenance-queries";
import { readSamplesOfDevices, storeTelemetryOnce, type FlowRollupRow, type PartitionCommit, type SyslogRollupRow } from "@/lib/db/sample-queries";
import type { Detection } from "@/lib/detect/detector";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import { buildBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import type { MetricSample } from "@/lib/telemetry/metrics";

/** Complete device-minutes from the telemetry router: merged samples and the rollups behind them. */
export interface TelemetryBatch {
  samples: MetricSample[];
  flows: FlowRollupRow[];
  syslog: SyslogRollupRow[];
  /** Configuration facts polled in these minutes (the latest per device-minute); not stored, judged only. */
  facts?: { deviceId: number; ts: Date; facts: DeviceConfigFacts }[];
  /** Set by the router: every minute before it that the router held is in this batch or an earlier one. */
  until?: Date;
  /** Distributed mode: stored only while the partition's lease is held, recording `until` as committed. */
  commit?: PartitionCommit;
}

export interface AlertRecord {
  deviceId: number;
  /** With the dedup key the pipeline set (`alertDedupKey`). */
  detection: Detection & { dedupKey: string };
  /** Why the alert is recorded as suppressed instead of raised; absent when raised. */
  suppressedBy?: Suppression;
  /** Dedup cooldown (default 15 min); fleet-wide daily findings use a longer one. */
  cooldownMs?: number;
  /** Names this recording: a retry with the same key (after a timeout that committed) changes nothing. */
  key?: string;
}

export interface PipelineStore {
  /**
   * Stores device-minutes (and their rollups) all at once; returns how many samples were written.
   * Storing the same batch object again (a retry) adds nothing twice, whether or not the first
   * attempt committed.
   */
  storeTelemetry(batch: TelemetryBatch): Promise<number>;
  loadBaselines(): Promise<{ byDevice: Map<number, BaselineIndex>; trainedAt: Date | null }>;
  /**
   * Changes whenever the stored baselines may have (a retrain, an approval): the pipeline reloads them
   * when it does. Absent where baselines are only installed directly (the evaluation harness).
   */
  baselineGeneration?(): Promise<string>;
  /** What decides an alert's fate and the detectors' thresholds, as of `since` (re-read periodically). */
  loadSettings(since: Date): Promise<PipelineSettings>;
  /**
   * Records a detection as a new alert, or as a repeat of a recent one (dedup cooldown). With a `key`,
   * a repeated call is a no-op answering `replayed: true` and the alert the key's dedup key points to.
   */
  recordAlert(record: AlertRecord): Promise<{ created: boolean; alertId: number; replayed?: boolean }>;
  /** Saves a campaign the correlator created or grew, linking its member alerts. */
  recordCampaign(campaign: Campaign, deviceIds: number[]): Promise<void>;
  /** Some devices' stored minutes in [from, to), by device then oldest first (warming the online models). */
  readSamples(deviceIds: readonly number[], from: Date, to: Date): Promise<MetricSample[]>;
}

export interface PipelineSettings {
  /** Maintenance windows, suppression rules and the business calendar. */
  disposition: DispositionContext;
  /** Tuned detector settings (global, per role, per device). */
  overrides: DetectorOverride[];
}

/** Default of how long one batch's write may take before it is abandoned (FLUSH_DEADLINE_SEC). */
const DEFAULT_DEADLINE_MS = 40_000;

export function postgresPipelineStore(prisma: PrismaClient, pool: pg.Pool, options: { deadlineMs?: number } = {}): PipelineStore {
  // A batch is retried as the same object (the router's pending queue), so it keeps its key.
  const batchKeys = new WeakMap<TelemetryBatch, string>();
  return {
    async storeTelemetry(batch) {
      let key = batchKeys.get(batch);
      if (!key) batchKeys.set(batch, (key = `telemetry:${crypto.randomUUID()}`));
      const { stored } = await storeTelemetryOnce(pool, key, batch, options.deadlineMs ?? DEFAULT_DEADLINE_MS);
      return stored;
    },
    async loadBaselines() {
      const loaded = await loadLatestBaselines(prisma);
      let trainedAt: Date | null = null;
      for (const b of loaded.values()) if (!trainedAt || b.trainedAt > trainedAt) trainedAt = b.trainedAt;
      return { byDevice: new Map([...loaded].map(([id, b]) => [id, buildBaselineIndex(b.rows)])), trainedAt };
    },
    baselineGeneration: () => baselineGeneration(prisma),
    async loadSettings(since) {
      const [windows, rules, calendar, overrides] = await Promise.all([
        currentMaintenanceWindows(prisma, since),
        listSuppressionRules(prisma),
        currentCalendarEntries(prisma, since),
        listDetectorSettings(prisma),
      ]);
      return { disposition: { windows, rules, calendar }, overrides };
    },
    async recordAlert({ deviceId, detection, suppressedBy, cooldownMs, key }) {
      const recorded = await recordDetection(prisma, { deviceId, detection, suppressedBy, cooldownMs, writeKey: key });
      return { created: recorded.created, alertId: recorded.alert.id, ...(recorded.replayed ? { replayed: true } : {}) };
    },
    async recordCampaign(campaign, deviceIds) {
      await saveCampaign(prisma, campaign, deviceIds);
    },
    readSamples: (deviceIds, from, to) => readSamplesOfDevices(pool, deviceIds, from, to),
  };
}
