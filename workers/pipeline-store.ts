// Where the detection pipeline keeps what it sees and finds. The worker uses Postgres; the evaluation
// harness keeps everything in memory, so both run the same pipeline code (workers/detection-pipeline.ts).
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import type { DispositionContext, Suppression } from "@/lib/alerts/alert-disposition";
import type { DetectorOverride } from "@/lib/alerts/alert-thresholds";
import type { Campaign } from "@/lib/alerts/campaign-correlator";
import { recordDetection } from "@/lib/alerts/record-detection";
import { loadLatestBaselines } from "@/lib/db/baseline-queries";
import { saveCampaign } from "@/lib/db/campaign-queries";
import { currentCalendarEntries, listDetectorSettings, listSuppressionRules } from "@/lib/db/detection-settings-queries";
import { currentMaintenanceWindows } from "@/lib/db/maintenance-queries";
import {
  insertSamples,
  markDevicesSeen,
  readSamplesOfDevices,
  upsertFlowRollups,
  upsertSyslogRollups,
  type FlowRollupRow,
  type SyslogRollupRow,
} from "@/lib/db/sample-queries";
import type { Detection } from "@/lib/detect/detector";
import { buildBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import type { MetricSample } from "@/lib/telemetry/metrics";

/** Complete device-minutes from the telemetry router: merged samples and the rollups behind them. */
export interface TelemetryBatch {
  samples: MetricSample[];
  flows: FlowRollupRow[];
  syslog: SyslogRollupRow[];
}

export interface AlertRecord {
  deviceId: number;
  /** With the dedup key the pipeline set (`alertDedupKey`). */
  detection: Detection & { dedupKey: string };
  /** Why the alert is recorded as suppressed instead of raised; absent when raised. */
  suppressedBy?: Suppression;
  /** Dedup cooldown (default 15 min); fleet-wide daily findings use a longer one. */
  cooldownMs?: number;
}

export interface PipelineStore {
  /** Stores device-minutes (and their rollups); returns how many samples were written. */
  storeTelemetry(batch: TelemetryBatch): Promise<number>;
  loadBaselines(): Promise<{ byDevice: Map<number, BaselineIndex>; trainedAt: Date | null }>;
  /** What decides an alert's fate and the detectors' thresholds, as of `since` (re-read periodically). */
  loadSettings(since: Date): Promise<PipelineSettings>;
  /** Records a detection as a new alert, or as a repeat of a recent one (dedup cooldown). */
  recordAlert(record: AlertRecord): Promise<{ created: boolean; alertId: number }>;
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

export function postgresPipelineStore(prisma: PrismaClient, pool: pg.Pool): PipelineStore {
  return {
    async storeTelemetry({ samples, flows, syslog }) {
      await upsertFlowRollups(pool, flows);
      await upsertSyslogRollups(pool, syslog);
      if (samples.length === 0) return 0;
      const stored = await insertSamples(pool, samples);
      let newest = samples[0]!.ts;
      for (const s of samples) if (s.ts > newest) newest = s.ts;
      await markDevicesSeen(pool, [...new Set(samples.map((s) => s.deviceId))], newest);
      return stored;
    },
    async loadBaselines() {
      const loaded = await loadLatestBaselines(prisma);
      let trainedAt: Date | null = null;
      for (const b of loaded.values()) if (!trainedAt || b.trainedAt > trainedAt) trainedAt = b.trainedAt;
      return { byDevice: new Map([...loaded].map(([id, b]) => [id, buildBaselineIndex(b.rows)])), trainedAt };
    },
    async loadSettings(since) {
      const [windows, rules, calendar, overrides] = await Promise.all([
        currentMaintenanceWindows(prisma, since),
        listSuppressionRules(prisma),
        currentCalendarEntries(prisma, since),
        listDetectorSettings(prisma),
      ]);
      return { disposition: { windows, rules, calendar }, overrides };
    },
    async recordAlert({ deviceId, detection, suppressedBy, cooldownMs }) {
      const recorded = await recordDetection(prisma, { deviceId, detection, suppressedBy, cooldownMs });
      return { created: recorded.created, alertId: recorded.alert.id };
    },
    async recordCampaign(campaign, deviceIds) {
      await saveCampaign(prisma, campaign, deviceIds);
    },
    readSamples: (deviceIds, from, to) => readSamplesOfDevices(pool, deviceIds, from, to),
  };
}
