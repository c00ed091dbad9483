// The detector contract: pure functions from telemetry (+ baselines) to detections, each with a
// validated config, run side by side so one failing detector never silences the others.
import type { z } from "zod";
import type { BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import type { MultivariateModel } from "@/lib/detect/models/multivariate-model";
import type { OneClassSvmModel } from "@/lib/detect/models/one-class-svm-model";
import type { TrafficHistoryView } from "@/lib/detect/baseline/traffic-history";
import type { FlowProfileView } from "@/lib/detect/baseline/flow-profile";
import type { DeviceMinuteFlows } from "@/lib/telemetry/flow-rollup";
import type { Severity } from "@/lib/detect/severity";
import type { MetricName, MetricSample } from "@/lib/telemetry/metrics";
import type { ScoredSample } from "@/lib/detect/streaming/metric-stream";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import type { SyslogSecurityMinute } from "@/lib/telemetry/syslog/security-rollup";

export interface Detection {
  /** Detector id, e.g. "hour-of-week-zscore". */
  detector: string;
  /** e.g. "metric_spike" | "metric_drop". */
  anomalyType: string;
  metric: MetricName;
  severity: Severity;
  /** |z| for z-score detectors. */
  score: number;
  /** `ts` is ISO 8601. */
  observed: { value: number; ts: string };
  /** The normal range the value left; baseline statistics where the detector has them. */
  expected: {
    low: number;
    high: number;
    mean?: number;
    std?: number;
    median?: number;
    p95?: number;
    p99?: number;
    hourOfWeek?: number;
    sampleCount?: number;
  };
  /** Deterministic human text: observed vs expected, change, z. */
  explanation: string;
  /** What drove the score, largest first (multivariate and flow detectors). */
  contributions?: Contribution[];
  /** Supporting facts, e.g. top talkers or the focused destination of an exfiltration. */
  evidence?: Record<string, unknown>;
  /** A finding a maintenance window does not excuse (a configuration change by a user not allowed to make any). */
  ignoresMaintenance?: boolean;
  /** Set by the pipeline when it records the finding (`alertDedupKey`: device + alert type); detectors leave it out. */
  dedupKey?: string;
}

/** A device-minute's flow rollup without the rollup's own bookkeeping fields. */
export type DeviceFlowSummary = Omit<DeviceMinuteFlows, "address" | "exporter" | "minute">;

export interface Contribution {
  /** A metric name or a detector-specific feature name. */
  feature: string;
  value: number;
  expected?: number;
  /** Share of the score, 0..1; contributions of one detection sum to at most 1. */
  share: number;
}

/** The inventory facts a detector may use. */
export interface DetectorDevice {
  name: string;
  /** Management / primary IP address, when known. */
  address: string | null;
  role: string;
  site: string;
}

/** What the worker has for one device-minute. */
export interface DetectorInput {
  sample: MetricSample;
  /** The device's trained hour-of-week baseline; empty before its first training (cold start). */
  baseline: BaselineIndex;
  /** This sample scored by the device's online model, per metric reported (after the warm-up). */
  streams?: ReadonlyMap<MetricName, ScoredSample>;
  /** The device's previous minutes, oldest first, for detectors that look at a window. */
  recent?: readonly MetricSample[];
  device?: DetectorDevice;
  /** This minute's flow rollup for the device; absent when no flows were seen. */
  flows?: DeviceFlowSummary;
  /** The device's outbound totals per day and hour (multi-day detectors); absent when not kept. */
  trafficHistory?: TrafficHistoryView;
  /** This minute's protocol mix, internal contacts and geography against the device's usual; absent until it has had flows. */
  flowProfile?: FlowProfileView;
  /** The Isolation Forest of the device's role, when one has been trained. */
  multivariateModel?: MultivariateModel;
  /** The One-Class SVM of the device's role, when one has been trained (comparison detector). */
  oneClassSvmModel?: OneClassSvmModel;
  /** This minute's failed logins, neighbour changes and configuration changes from syslog; absent when none. */
  syslog?: SyslogSecurityMinute;
  /** The device's earlier minutes that had such events (the last `RECENT_MINUTES`), oldest first. */
  recentSyslog?: readonly TimedSecurityMinute[];
  /**
   * Routing neighbour changes per UTC day before this minute (index 0: today so far, up to 28 days) and
   * the days the device has been seen (slow flapping); absent until it has had a change.
   */
  neighborChangeHistory?: { perDay: readonly number[]; days: number };
  /** Configuration facts read this minute, with the device's previous reading (null: the first one). */
  config?: { facts: DeviceConfigFacts; previous: DeviceConfigFacts | null };
}

export interface TimedSecurityMinute {
  ts: Date;
  events: SyslogSecurityMinute;
}

/** What the registry, the tuning dashboard and the alert pipeline know about a detector besides running it. */
export interface DetectorMeta<Id extends string = string> {
  readonly id: Id;
  readonly description: string;
  /**
   * The setting its score is compared with (raised when score > it), e.g. "threshold" for the z-score
   * detectors (score = |z|), "k" for IQR fences and EWMA, "minZ" for most flow threats; null if none.
   */
  readonly scoreField: string | null;
  /** The anomaly types its findings carry (before `alertTypeOf` maps metric-shaped ones to a label). */
  readonly alertTypes: readonly string[];
  /** The alert type campaign correlation treats as a threat (attack behaviour); absent for health and capacity. */
  readonly threatType?: string;
}

export interface DetectorDefinition<Config, Input = DetectorInput, Id extends string = string> extends DetectorMeta<Id> {
  readonly configSchema: z.ZodType<Config>;
  readonly defaultConfig: Config;
  detect(input: Input, config: Config): Detection[];
  /**
   * Destination ports the flow rollup must count exactly in every device-minute for this detector at
   * `config` (`watchedDstPorts`): a signal of a few kB a minute never makes a busy host's top ports.
   */
  readonly rollupWatchPorts?: (config: Config) => readonly number[];
}

/** The part of a detector that `runDetectors` needs; independent of the config type. */
export interface RunnableDetector<Input = DetectorInput> {
  readonly id: string;
  readonly description: string;
  /** Validates `overrides` merged over the defaults, then detects. Throws on invalid config. */
  run(input: Input, overrides?: unknown): Detection[];
  /** The ports the rollup must watch for it with `overrides` (see DetectorDefinition.rollupWatchPorts). Throws on invalid config. */
  rollupWatchPortsFor?(overrides?: unknown): readonly number[];
}

export interface Detector<Config, Input = DetectorInput, Id extends string = string>
  extends DetectorDefinition<Config, Input, Id>,
    Omit<RunnableDetector<Input>, "id" | "description"> {
  /** Defaults overlaid with `overrides` (a plain object, e.g. stored settings), validated. */
  resolveConfig(overrides?: unknown): Config;
}

export interface DetectorFailure {
  detector: string;
  error: Error;
}

export interface RunDetectorsResult {
  detections: Detection[];
  failures: DetectorFailure[];
}

export interface RunDetectorsOptions {
  /** Per-detector config overrides keyed by detector id. */
  configs?: Readonly<Record<string, unknown>>;
}

/** Wraps a definition with config resolution; throws at definition time if the default is invalid. */
export function defineDetector<Config, Input = DetectorInput, const Id extends string = string>(
  definition: DetectorDefinition<Config, Input, Id>,
): Detector<Config, Input, Id> {
  const defaultConfig = definition.configSchema.parse(definition.defaultConfig);

  const resolveConfig = (overrides?: unknown): Config => {
    if (overrides === undefined || overrides === null) return defaultConfig;
    if (typeof overrides !== "object" || Array.isArray(overrides)) {
      throw new TypeError(`${definition.id}: config overrides must be an object`);
    }
    return definition.configSchema.parse({ ...defaultConfig, ...overrides });
  };

  const { rollupWatchPorts } = definition;
  return {
    ...definition,
    defaultConfig,
    resolveConfig,
    run: (input, overrides) => definition.detect(input, resolveConfig(overrides)),
    ...(rollupWatchPorts ? { rollupWatchPortsFor: (overrides?: unknown) => rollupWatchPorts(resolveConfig(overrides)) } : {}),
  };
}

/** Runs every detector; an exception (including invalid config) is reported, never rethrown. */
export function runDetectors<Input = DetectorInput>(
  detectors: readonly RunnableDetector<Input>[],
  input: Input,
  options: RunDetectorsOptions = {},
): RunDetectorsResult {
  const detections: Detection[] = [];
  const failures: DetectorFailure[] = [];
  for (const detector of detectors) {
    try {
      // Collected first so a detector that fails half-way contributes nothing partial.
      const found = Array.from(detector.run(input, options.configs?.[detector.id]));
      for (const detection of found) detections.push(detection);
    } catch (error) {
      failures.push({ detector: detector.id, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return { detections, failures };
}
