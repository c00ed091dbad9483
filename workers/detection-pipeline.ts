// The worker's path from telemetry to alerts: store each batch of complete device-minutes, run every
// detector on each minute (lib/detect/detection-engine.ts), decide whether a finding is raised or
// suppressed, and record it. The telemetry router calls `ingest`; history backfills call `store`,
// which skips detection. The evaluation harness runs this same pipeline over an in-memory store.
// `ingest` throws only when the batch could not be stored (the router then retries the same batch,
// which the store applies once). Once stored, the minutes are judged exactly once: an alert whose
// recording fails waits in a bounded queue and is retried under the same key at the next ingest,
// so a retry neither judges a minute twice nor bumps an alert's occurrences twice.
import crypto from "node:crypto";
import { EMPTY_DISPOSITION_CONTEXT, suppressionFor } from "@/lib/alerts/alert-disposition";
import { resolveDetectorConfig, type DetectorOverride } from "@/lib/alerts/alert-thresholds";
import { alertDedupKey, isStrongerFinding } from "@/lib/alerts/alert-dedup-key";
import { alertTypeOf } from "@/lib/alerts/alert-type";
import { CampaignCorrelator } from "@/lib/alerts/campaign-correlator";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { DetectionEngine, type DeviceModels } from "@/lib/detect/detection-engine";
import type { Detection, DetectorDevice, RunnableDetector } from "@/lib/detect/detector";
import type { Severity } from "@/lib/detect/severity";
import type { BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { DETECTORS, rollupWatchPorts, THREAT_ALERT_TYPES } from "@/lib/detect/registry";
import type { Logger } from "@/lib/log";
import type { MetricSample } from "@/lib/telemetry/metrics";
import type { SyslogSecurityMinute } from "@/lib/telemetry/syslog/security-rollup";
import type { FlowProfileOptions } from "@/lib/detect/baseline/flow-profile";
import type { Clock } from "./clock";
import { collectorDroppedTotal } from "./collectors/collector-metrics";
import type { AlertRecord, PipelineSettings, PipelineStore, TelemetryBatch } from "./pipeline-store";

export interface IngestResult {
  stored: number;
  alertsCreated: number;
  alertsUpdated: number;
}

export interface DetectionPipeline {
  /** Stores history without detection (backfills); the engine still sees the minutes. */
  store(samples: readonly MetricSample[]): Promise<number>;
  ingest(batch: TelemetryBatch): Promise<IngestResult>;
  /** Loads the stored baselines now (also done on its own, in the background, whenever their generation changes: see refreshSettings). */
  reloadBaselines(): Promise<void>;
  /**
   * Warms the online models from the devices' stored minutes of the last `WARM_DAYS` before `until`
   * (no detection): the engine's models live in memory, and without this every restart would be a
   * cold start. Runs while the collectors already listen: `store` and `ingest` wait for it, so no
   * live minute reaches a model before its history. Returns the minutes learnt.
   */
  warm(deviceIds: readonly number[], until: Date): Promise<number>;
  /**
   * Whether the device got an alert (raised or suppressed) observed in [from, to) in the last hours:
   * hourly checks skip hours the minute detectors already accounted for.
   */
  alertedBetween(deviceId: number, from: number, to: number): boolean;
  /** Installs the role models (Isolation Forest) the latest training produced. */
  setModels(models: ReadonlyMap<number, DeviceModels>): void;
  /**
   * Records findings that come from fleet-wide or scheduled analysis (peer groups, forecasts) rather
   * than one device-minute, through the same disposition, dedup and correlation as minute detections.
   */
  recordFindings(findings: readonly { deviceId: number; detection: Detection; cooldownMs?: number }[]): Promise<IngestResult>;
  /**
   * A detector's tuned settings for a device (the Tuning page's overrides, re-read with the settings), for
   * detectors run outside the minute path (the memory-leak check at each forecast refit); undefined: its defaults.
   */
  detectorConfig(detectorId: string, device: DetectorDevice): Record<string, unknown> | undefined;
  /** The destination ports the flow rollup must count exactly for the detectors at their current settings. */
  watchedDstPorts(): number[];
  /** Installs baselines (and role models) trained elsewhere: the worker's training, the evaluation's. */
  setBaselines(byDevice: ReadonlyMap<number, BaselineIndex>, trainedAt: Date, models?: ReadonlyMap<number, DeviceModels>): void;
  /** Sim/data time the newest loaded baseline was trained up to, or null without baselines. */
  baselinesTrainedAt(): Date | null;
}

/** How often windows, rules, the calendar, detector settings and the baselines' generation are re-read (real time). */
const SETTINGS_REFRESH_MS = 30_000;
/** How much stored history warms the online models at start: their maturity horizon. */
export const WARM_DAYS = 2;
/** Devices read per query while warming: few round trips, bounded memory. */
const WARM_BATCH_DEVICES = 50;
/** How far back `alertedBetween` can answer. */
const ALERT_MEMORY_MS = 6 * 3_600_000;
/** Alert recordings kept for a retry while the database refuses them; the oldest go beyond this (counted). */
const MAX_PENDING_ALERTS = 10_000;

export function detectorDevice(device: DeviceSummary): DetectorDevice {
  return { name: device.name, address: device.managementIp, role: device.role, site: device.site };
}

/** How sure a single raised alert is, for combining into a campaign's confidence. */
const THREAT_CONFIDENCE: Record<Severity, number> = { low: 0.4, medium: 0.6, high: 0.8, critical: 0.95 };


/**
 * One finding per alert (device + type) per minute: several detectors usually see the same anomaly, and
 * the alert records the strongest by the same rule as its repeats (`isStrongerFinding`: highest
 * severity, then highest score; on a full tie, the first registered detector).
 */
export function strongestPerAlert(deviceId: number, detections: readonly Detection[]): Detection[] {
  const best = new Map<string, Detection>();
  for (const d of detections) {
    const key = alertDedupKey(deviceId, d);
    const current = best.get(key);
    if (!current || isStrongerFinding(d, current)) best.set(key, d);
  }
  return [...best.values()];
}

export function createDetectionPipeline(deps: {
  store: PipelineStore;
  /** Current inventory; devices discovered while running are found too. */
  lookupDevice: (id: number) => DeviceSummary | undefined;
  log: Logger;
  clock: Clock;
  detectors?: readonly RunnableDetector[];
  /** Fleet-wide config overrides per detector id, under any stored settings (tests, evaluation). */
  detectorConfigs?: Readonly<Record<string, Record<string, unknown>>>;
  /** Real elapsed ms, for throttling re-reads (the data clock may be a fast replay). */
  elapsedMs?: () => number;
  /** IP geography and allowed countries for the devices' flow profiles (geo_anomaly); none: not judged. */
  flowProfile?: FlowProfileOptions;
}): DetectionPipeline {
  const { store, log, clock } = deps;
  const elapsed = deps.elapsedMs ?? (() => performance.now());
  const fixed: DetectorOverride[] = Object.entries(deps.detectorConfigs ?? {}).map(([detector, config]) => ({
    detector,
    scope: "global",
    config,
  }));
  let settings: PipelineSettings = { disposition: EMPTY_DISPOSITION_CONTEXT, overrides: fixed };
  let settingsLoadedAt = -Infinity;
  // the rollup's watched ports, derived from `settings` (see watchedDstPorts)
  let watched: { for: PipelineSettings | null; ports: number[] } = { for: null, ports: [] };
  const engine = new DetectionEngine({
    detectors: deps.detectors ?? DETECTORS,
    configFor: (id, device) => resolveDetectorConfig(settings.overrides, id, device),
    ...(deps.flowProfile ? { flowProfile: deps.flowProfile } : {}),
  });
  const correlator = new CampaignCorrelator();
  let trainedAt: Date | null = null;
  // the warm-up in progress (a failed one is logged by its caller and leaves the models cold)
  let warming: Promise<unknown> = Promise.resolve();

  // the stored baselines' generation when they were last loaded (null: installed directly, not reloaded)
  let loadedGeneration: string | null = null;
  let baselineReload: Promise<void> | undefined;
  const reloadBaselines = async () => {
    // read before loading: a change made meanwhile is then seen as a new generation at the next check
    const generation = (await store.baselineGeneration?.()) ?? null;
    const loaded = await store.loadBaselines();
    engine.setBaselines(loaded.byDevice);
    trainedAt = loaded.trainedAt;
    loadedGeneration = generation;
  };

  const refreshSettings = async () => {
    if (elapsed() - settingsLoadedAt < SETTINGS_REFRESH_MS) return;
    const loaded = await store.loadSettings(new Date(clock.now() - 86_400_000));
    settings = { disposition: loaded.disposition, overrides: [...fixed, ...loaded.overrides] };
    settingsLoadedAt = elapsed();
    // Baselines another process changed (the cluster's leader retrained them, an analyst approved a held
    // bucket) reach this pipeline at the same pace as settings, without a restart. Loaded in the
    // background: every device's baselines take a while to read at scale, and minutes keep coming.
    if (loadedGeneration === null || !store.baselineGeneration || baselineReload) return;
    if ((await store.baselineGeneration()) === loadedGeneration) return;
    baselineReload = reloadBaselines()
      .catch((err: unknown) =>
        log.warn("reloading the changed baselines failed; keeping the previous ones until the next check", { error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => {
        baselineReload = undefined;
      });
  };

  // stored minutes are judged whatever happens: on a failed re-read the previous settings still apply
  const refreshSettingsOrKeep = () =>
    refreshSettings().catch((err: unknown) =>
      log.warn("re-reading detection settings or baselines failed; keeping the previous ones", { error: err instanceof Error ? err.message : String(err) }),
    );

  // when each device last had findings (a few hours' worth), for alertedBetween
  const alertTimes = new Map<number, number[]>();
  const noteAlert = (deviceId: number, t: number) => {
    let times = alertTimes.get(deviceId);
    if (!times) alertTimes.set(deviceId, (times = []));
    times.push(t);
    const horizon = t - ALERT_MEMORY_MS;
    while (times.length > 0 && times[0]! < horizon) times.shift();
  };

  // campaign members name their devices; the campaign row stores ids
  const deviceIdOfName = new Map<string, number>();

  // recordings that failed, oldest first, retried with their own keys before anything newer
  interface PendingAlert {
    device: DeviceSummary;
    record: AlertRecord & { key: string };
    at: Date;
  }
  const pendingAlerts: PendingAlert[] = [];

  const handle = async (
    device: DeviceSummary,
    found: Detection,
    at: Date,
    result: IngestResult,
    options: { cooldownMs?: number; sameMinute?: readonly Detection[] } = {},
  ) => {
    const { cooldownMs } = options;
    const suppression = suppressionFor(found, device, at, settings.disposition, options.sameMinute);
    const detection: Detection & { dedupKey: string } = {
      ...found,
      dedupKey: alertDedupKey(device.id, found),
      // a single-metric finding is driven by its metric alone
      contributions: found.contributions ?? [
        { feature: found.metric, value: found.observed.value, expected: found.expected.median ?? found.expected.mean, share: 1 },
      ],
    };
    noteAlert(device.id, at.getTime());
    const pending: PendingAlert = {
      device,
      at,
      record: {
        deviceId: device.id,
        detection,
        key: crypto.randomUUID(),
        ...(suppression ? { suppressedBy: suppression } : {}),
        ...(cooldownMs !== undefined ? { cooldownMs } : {}),
      },
    };
    // behind older failed ones, so an alert's repeats are recorded in order
    if (pendingAlerts.length > 0) queueAlert(pending);
    else if (!(await tryRecord(pending, result))) queueAlert(pending);
  };

  const queueAlert = (pending: PendingAlert) => {
    pendingAlerts.push(pending);
    while (pendingAlerts.length > MAX_PENDING_ALERTS) {
      pendingAlerts.shift();
      collectorDroppedTotal.inc({ collector: "pipeline", reason: "alert_not_recorded" });
    }
  };

  /** Records one alert; false (logged) when the database refused, to be retried with the same key. */
  const tryRecord = async (pending: PendingAlert, result: IngestResult): Promise<boolean> => {
    try {
      const recorded = await store.recordAlert(pending.record);
      if (!recorded.replayed) await afterRecorded(pending, recorded, result);
      return true;
    } catch (err) {
      log.warn("recording an alert failed; will retry", { pending: pendingAlerts.length + 1, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  };

  const retryPendingAlerts = async (result: IngestResult) => {
    while (pendingAlerts.length > 0) {
      if (!(await tryRecord(pendingAlerts[0]!, result))) return;
      pendingAlerts.shift();
    }
  };

  const afterRecorded = async (pending: PendingAlert, recorded: { created: boolean; alertId: number }, result: IngestResult) => {
    const { device, at } = pending;
    const { detection } = pending.record;
    const suppression = pending.record.suppressedBy;
    const type = alertTypeOf(detection);
    if (!recorded.created) {
      result.alertsUpdated += 1;
      return;
    }
    result.alertsCreated += 1;
    log.info(suppression ? `alert recorded as suppressed (${suppression.kind})` : "alert raised", {
      alertId: recorded.alertId,
      device: device.name,
      detector: detection.detector,
      type,
      severity: detection.severity,
      score: Number(detection.score.toFixed(2)),
    });
    if (suppression || !THREAT_ALERT_TYPES.has(type)) return;
    deviceIdOfName.set(device.name, device.id);
    const update = correlator.add({
      alertId: recorded.alertId,
      device: device.name,
      ip: device.managementIp,
      type,
      severity: detection.severity,
      confidence: THREAT_CONFIDENCE[detection.severity],
      ts: at,
    });
    if (update) {
      // the campaign row is a snapshot the next change rewrites: a failed save is not retried
      await store.recordCampaign(update.campaign, update.campaign.devices.flatMap((n) => deviceIdOfName.get(n) ?? [])).catch((err: unknown) =>
        log.warn("saving a campaign failed", { campaign: update.campaign.id, error: err instanceof Error ? err.message : String(err) }),
      );
      log.info(update.created ? "campaign opened" : "campaign grew", {
        campaign: update.campaign.id,
        types: update.campaign.types.join(","),
        severity: update.campaign.severity,
      });
    }
  };

  return {
    async store(samples) {
      await warming;
      const sorted = [...samples].sort((a, b) => a.ts.getTime() - b.ts.getTime());
      // history is learnt, not judged: no detector runs on a backfill
      for (const sample of sorted) if (deps.lookupDevice(sample.deviceId)) engine.learn(sample);
      return store.storeTelemetry({ samples: sorted, flows: [], syslog: [] });
    },
    async ingest(batch) {
      await warming;
      // the only step whose failure hands the batch back to the caller for a retry
      const result: IngestResult = { stored: await store.storeTelemetry(batch), alertsCreated: 0, alertsUpdated: 0 };
      await refreshSettingsOrKeep();
      await retryPendingAlerts(result);
      const flowsOf = new Map(batch.flows.map((f) => [`${f.deviceId}|${f.ts.getTime()}`, f]));
      const securityOf = new Map<string, SyslogSecurityMinute>();
      for (const r of batch.syslog) if (r.security) securityOf.set(`${r.deviceId}|${r.ts.getTime()}`, r.security);
      const factsOf = new Map((batch.facts ?? []).map((f) => [`${f.deviceId}|${f.ts.getTime()}`, f.facts]));
      for (const sample of batch.samples) {
        const device = deps.lookupDevice(sample.deviceId);
        if (!device) continue;
        const key = `${sample.deviceId}|${sample.ts.getTime()}`;
        const flows = flowsOf.get(key);
        const syslog = securityOf.get(key);
        const config = factsOf.get(key);
        const { detections, failures } = engine.observe(sample, detectorDevice(device), flows, { ...(syslog ? { syslog } : {}), ...(config ? { config } : {}) });
        for (const f of failures) log.error("detector failed", { detector: f.detector, deviceId: sample.deviceId, error: f.error.message });
        for (const detection of strongestPerAlert(device.id, detections)) {
          await handle(device, detection, sample.ts, result, { sameMinute: detections });
        }
      }
      return result;
    },
    warm(deviceIds, until) {
      const from = new Date(until.getTime() - WARM_DAYS * 86_400_000);
      const run = (async () => {
        let learnt = 0;
        for (let i = 0; i < deviceIds.length; i += WARM_BATCH_DEVICES) {
          for (const sample of await store.readSamples(deviceIds.slice(i, i + WARM_BATCH_DEVICES), from, until)) {
            engine.learn(sample);
            learnt++;
          }
        }
        return learnt;
      })();
      warming = run.catch(() => undefined);
      return run;
    },
    reloadBaselines,
    alertedBetween(deviceId, from, to) {
      return (alertTimes.get(deviceId) ?? []).some((t) => t >= from && t < to);
    },
    setModels(models) {
      engine.setModels(models);
    },
    async recordFindings(findings) {
      const result: IngestResult = { stored: 0, alertsCreated: 0, alertsUpdated: 0 };
      await refreshSettingsOrKeep();
      await retryPendingAlerts(result);
      for (const f of findings) {
        const device = deps.lookupDevice(f.deviceId);
        if (device) await handle(device, f.detection, new Date(f.detection.observed.ts), result, { cooldownMs: f.cooldownMs });
      }
      return result;
    },
    setBaselines(byDevice, at, models) {
      loadedGeneration = null;
      engine.setBaselines(byDevice);
      if (models) engine.setModels(models);
      trainedAt = at;
    },
    baselinesTrainedAt: () => trainedAt,
    detectorConfig: (detectorId, device) => resolveDetectorConfig(settings.overrides, detectorId, device),
    watchedDstPorts() {
      // every router asks at each flush; the answer changes only with the settings
      if (watched.for !== settings) watched = { for: settings, ports: rollupWatchPorts(deps.detectors ?? DETECTORS, settings.overrides) };
      return watched.ports;
    },
  };
}
