// The per-minute detection step the worker and the evaluation harness share: for each device-minute it
// runs every detector with the device's baselines, its recent minutes and the minute's flow rollup,
// then remembers the minute for the next call. Pure and in memory: no database, clock or network —
// the caller (workers/detection-pipeline.ts) stores, disposes and records what it returns.
import {
  runDetectors,
  type DeviceFlowSummary,
  type DetectorDevice,
  type DetectorInput,
  type RunDetectorsResult,
  type RunnableDetector,
  type TimedSecurityMinute,
} from "@/lib/detect/detector";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import type { SyslogSecurityMinute } from "@/lib/telemetry/syslog/security-rollup";
import type { BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import type { MultivariateModel } from "@/lib/detect/models/multivariate-model";
import type { OneClassSvmModel } from "@/lib/detect/models/one-class-svm-model";
import { TrafficHistory } from "@/lib/detect/baseline/traffic-history";
import { FlowProfile, type FlowProfileOptions } from "@/lib/detect/baseline/flow-profile";
import { MetricStream, type ScoredSample } from "@/lib/detect/streaming/metric-stream";
import { METRICS, type MetricName, type MetricSample } from "@/lib/telemetry/metrics";

/** The models a device's role has, trained at each training (not stored). */
export interface DeviceModels {
  multivariate?: MultivariateModel;
  oneClassSvm?: OneClassSvmModel;
}

/** How many previous minutes detectors see (`DetectorInput.recent`). */
export const RECENT_MINUTES = 60;

export interface DetectionEngineOptions {
  detectors: readonly RunnableDetector[];
  /** Config overrides for a detector on a device (tuned thresholds); undefined = defaults. */
  configFor?: (detectorId: string, device: DetectorDevice) => unknown;
  recentMinutes?: number;
  /** The geography resolver and allowed countries for the devices' flow profiles. */
  flowProfile?: FlowProfileOptions;
}

/** What one device-minute gave: the detectors' findings and each reported metric scored by its stream. */
export interface ObservedMinute extends RunDetectorsResult {
  streams: ReadonlyMap<MetricName, ScoredSample>;
}

const NO_BASELINE: BaselineIndex = new Map();

interface DeviceState {
  baseline: BaselineIndex | undefined;
  /** The online model of each metric the device reports (created at its first value). */
  streams: Map<MetricName, MetricStream>;
  models: DeviceModels;
  recent: MetricSample[];
  history: TrafficHistory;
  /** Minutes with syslog security events, within the last `recentMinutes`. */
  recentSyslog: TimedSecurityMinute[];
  /** The latest configuration facts read. */
  config: DeviceConfigFacts | null;
  /** UTC day of the device's first minute here (how much neighbour-change history there is). */
  firstDay: number | null;
  /** Routing neighbour changes per UTC day, oldest first, the last NEIGHBOR_CHANGE_DAYS days with any. */
  neighborChangeDays: { day: number; changes: number }[];
}

const DAY = 86_400_000;
/** Days of neighbour-change counts kept per device (slow flapping compares the last week with the three before). */
export const NEIGHBOR_CHANGE_DAYS = 28;

/** What a device-minute brings besides its metrics and flows. */
export interface MinuteExtras {
  syslog?: SyslogSecurityMinute;
  config?: DeviceConfigFacts;
}

export class DetectionEngine {
  private readonly devices = new Map<number, DeviceState>();
  private readonly recentMinutes: number;
  /** Per device with flows: its protocol mix, internal contacts and geography (kept apart: most devices have none). */
  private readonly flowProfiles = new Map<number, FlowProfile>();

  constructor(private readonly options: DetectionEngineOptions) {
    this.recentMinutes = options.recentMinutes ?? RECENT_MINUTES;
  }

  private state(deviceId: number): DeviceState {
    let s = this.devices.get(deviceId);
    if (!s) {
      s = { baseline: undefined, streams: new Map(), models: {}, recent: [], history: new TrafficHistory(), recentSyslog: [], config: null, firstDay: null, neighborChangeDays: [] };
      this.devices.set(deviceId, s);
    }
    return s;
  }

  /** Replaces every device's baselines (devices missing from `byDevice` lose theirs). */
  setBaselines(byDevice: ReadonlyMap<number, BaselineIndex>): void {
    for (const s of this.devices.values()) s.baseline = undefined;
    for (const [id, index] of byDevice) this.state(id).baseline = index;
  }

  /** Replaces every device's models (usually its role's; devices missing lose theirs). */
  setModels(byDevice: ReadonlyMap<number, DeviceModels>): void {
    for (const s of this.devices.values()) s.models = {};
    for (const [id, models] of byDevice) this.state(id).models = models;
  }

  baselineOf(deviceId: number): BaselineIndex | undefined {
    return this.devices.get(deviceId)?.baseline;
  }

  /**
   * Learns a device-minute without running any detector (warming the online models from stored
   * history when the worker starts, so a restart is not a cold start). Same order rules as `observe`.
   */
  learn(sample: MetricSample): void {
    const s = this.state(sample.deviceId);
    this.scoreStreams(s, sample);
    this.remember(s, sample);
  }

  /**
   * Scores the device-minute with each metric's online model (learning from it), then runs the
   * detectors — from the device's first sample: detectors that need the trained baseline or a role model
   * skip what they lack, while the online models judge a new device once they have seen a few samples
   * (cold start). Then adds the minute to the device's window. Minutes must arrive in time order per
   * device; a repeated or older minute is detected on (its metrics unscored) but not learnt from.
   */
  observe(sample: MetricSample, device: DetectorDevice, flows?: DeviceFlowSummary, extras: MinuteExtras = {}): ObservedMinute {
    const s = this.state(sample.deviceId);
    const streams = this.scoreStreams(s, sample);
    const input: DetectorInput = {
      sample,
      baseline: s.baseline ?? NO_BASELINE,
      streams,
      recent: s.recent,
      device,
      trafficHistory: s.history,
      ...(flows ? { flows } : {}),
      ...(s.models.multivariate ? { multivariateModel: s.models.multivariate } : {}),
      ...(s.models.oneClassSvm ? { oneClassSvmModel: s.models.oneClassSvm } : {}),
      ...(extras.syslog ? { syslog: extras.syslog } : {}),
      ...(s.recentSyslog.length > 0 ? { recentSyslog: s.recentSyslog } : {}),
      ...(extras.config ? { config: { facts: extras.config, previous: s.config } } : {}),
      ...(s.neighborChangeDays.length > 0 ? { neighborChangeHistory: neighborChangeHistory(s, sample.ts.getTime()) } : {}),
    };
    let profile = this.flowProfiles.get(sample.deviceId);
    if (!profile && flows) this.flowProfiles.set(sample.deviceId, (profile = new FlowProfile(this.options.flowProfile)));
    if (profile) input.flowProfile = profile.prepare(sample.ts.getTime(), flows, device);
    const configFor = this.options.configFor;
    const configs = configFor ? Object.fromEntries(this.options.detectors.map((d) => [d.id, configFor(d.id, device)])) : undefined;
    const result = runDetectors(this.options.detectors, input, { configs });
    profile?.commit();
    this.remember(s, sample, flows);
    this.rememberExtras(s, sample.ts.getTime(), extras);
    return { ...result, streams };
  }

  private scoreStreams(s: DeviceState, sample: MetricSample): Map<MetricName, ScoredSample> {
    const streams = new Map<MetricName, ScoredSample>();
    const t = sample.ts.getTime();
    for (const metric of METRICS) {
      const value = sample.values[metric];
      if (value === null || !Number.isFinite(value)) continue;
      let stream = s.streams.get(metric);
      if (!stream) s.streams.set(metric, (stream = new MetricStream()));
      const scored = stream.observe(t, value);
      if (scored) streams.set(metric, scored);
    }
    return streams;
  }

  private rememberExtras(s: DeviceState, t: number, extras: MinuteExtras): void {
    if (extras.config) s.config = extras.config;
    const day = Math.floor(t / DAY);
    s.firstDay ??= day;
    const m = extras.syslog;
    const changes = m ? m.neighborChangesOfOthers + m.neighborChanges.reduce((n, c) => n + c.ups + c.downs, 0) : 0;
    if (changes > 0) {
      const days = s.neighborChangeDays;
      const lastDay = days[days.length - 1];
      if (lastDay && lastDay.day === day) lastDay.changes += changes;
      else if (!lastDay || day > lastDay.day) days.push({ day, changes });
      while (days.length > 0 && days[0]!.day <= day - NEIGHBOR_CHANGE_DAYS) days.shift();
    }
    const horizon = t - this.recentMinutes * 60_000;
    while (s.recentSyslog.length > 0 && s.recentSyslog[0]!.ts.getTime() <= horizon) s.recentSyslog.shift();
    const last = s.recentSyslog[s.recentSyslog.length - 1];
    if (extras.syslog && (!last || t > last.ts.getTime())) s.recentSyslog.push({ ts: new Date(t), events: extras.syslog });
  }

  private remember(s: DeviceState, sample: MetricSample, flows?: DeviceFlowSummary): void {
    const last = s.recent[s.recent.length - 1];
    if (!last || sample.ts.getTime() > last.ts.getTime()) {
      s.recent.push(sample);
      if (s.recent.length > this.recentMinutes) s.recent.shift();
      s.history.add(sample, flows);
    }
  }
}

/** The device's neighbour changes per day before this minute, today first, and how many days it has been seen. */
function neighborChangeHistory(s: DeviceState, t: number): { perDay: number[]; days: number } {
  const today = Math.floor(t / DAY);
  const perDay = new Array<number>(NEIGHBOR_CHANGE_DAYS).fill(0);
  for (const d of s.neighborChangeDays) {
    const age = today - d.day;
    if (age >= 0 && age < NEIGHBOR_CHANGE_DAYS) perDay[age]! += d.changes;
  }
  return { perDay, days: s.firstDay === null ? 0 : today - s.firstDay + 1 };
}
