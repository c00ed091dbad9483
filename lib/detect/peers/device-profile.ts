// A device's behavioural profile (what its recent minutes look like, summed up in a few numbers) and its
// configuration facts encoded as numbers, the input of peer-group clustering. Pure: no DB, no clock.
//
// Terms: a *feature* is one number per device (e.g. `bandwidthOutBpsMean`), always in the original unit of
// its metric; a feature with no data is null (feature-matrix.ts imputes it with the fleet median for
// clustering only, and never reports an imputed value as observed). A *config feature* is a 0/1 flag where
// 1 means the fact is true (`telnetEnabled` = 1: telnet is on); null when the fact is unknown.
import { mean, quantileSorted } from "simple-statistics";
import { DEVICE_METRICS, FLOW_COUNT_METRICS, METRIC_INFO, SYSLOG_METRICS, type MetricName, type MetricSample } from "@/lib/telemetry/metrics";

/** What is known about a device's management-plane configuration; null = not known. */
export interface DeviceConfigFacts {
  snmpVersion: "v1" | "v2c" | "v3" | null;
  telnetEnabled: boolean | null;
  sshEnabled: boolean | null;
  httpMgmtEnabled: boolean | null;
  /** Compared as an opaque label: only "same as the peers or not" matters. */
  firmware?: string;
  ntpSynced?: boolean;
}

/**
 * How a feature is compared across devices: rates span four orders of magnitude between roles (a DNS
 * server's 12 Mbps, a core router's 3.5 Gbps), so z-scoring raw values would let a few routers set the
 * scale; they are compared as log1p of the value. "log" is for ratios (> 0); percentages and shares stay linear.
 */
export type FeatureScale = "linear" | "log1p" | "log";

export interface ProfileFeatureInfo {
  label: string;
  /** Unit of the feature's value ("×" for ratios, "share" for 0..1 fractions). */
  unit: string;
  /**
   * The metric a chart of this feature shows, used as a detection's `metric`; for the derived features
   * the closest one (out/in ratio → bandwidth out, business-hours share → bandwidth in).
   */
  metric: MetricName;
  scale: FeatureScale;
  /** True when the value is in the metric's own unit, so it can be formatted like the metric. */
  inMetricUnit: boolean;
}

/** Metrics summarised by mean and p95 (p95 catches bursty devices whose mean looks ordinary). */
const MEAN_AND_P95: readonly MetricName[] = [...DEVICE_METRICS, ...FLOW_COUNT_METRICS];
/** Syslog counts are sparse and bursty; their mean rate is the useful summary. */
const MEAN_ONLY: readonly MetricName[] = SYSLOG_METRICS;
const LINEAR_METRICS: ReadonlySet<MetricName> = new Set(["cpuPct", "memoryPct", "packetLossPct"]);

function metricFeatures(): [string, ProfileFeatureInfo][] {
  const entries: [string, ProfileFeatureInfo][] = [];
  const add = (metric: MetricName, stat: "Mean" | "P95") => {
    const info = METRIC_INFO[metric];
    entries.push([
      `${metric}${stat}`,
      {
        label: `${info.label} (${stat === "Mean" ? "mean" : "p95"})`,
        unit: info.unit,
        metric,
        scale: LINEAR_METRICS.has(metric) ? "linear" : "log1p",
        inMetricUnit: true,
      },
    ]);
  };
  for (const metric of MEAN_AND_P95) {
    add(metric, "Mean");
    add(metric, "P95");
  }
  for (const metric of MEAN_ONLY) add(metric, "Mean");
  return entries;
}

/** Every behavioural feature `buildDeviceProfile` produces, in a fixed order (the order of matrix columns). */
export const PROFILE_FEATURE_INFO: Readonly<Record<string, ProfileFeatureInfo>> = Object.fromEntries([
  ...metricFeatures(),
  [
    "outInRatio",
    { label: "Out/in traffic ratio", unit: "×", metric: "bandwidthOutBps", scale: "log", inMetricUnit: false },
  ],
  [
    "businessHoursTrafficShare",
    {
      label: "Business-hours traffic share",
      unit: "share",
      metric: "bandwidthInBps",
      scale: "linear",
      inMetricUnit: false,
    },
  ],
]);

export const PROFILE_FEATURES: readonly string[] = Object.keys(PROFILE_FEATURE_INFO);

export const CONFIG_FEATURES = ["snmpInsecure", "telnetEnabled", "sshEnabled", "httpMgmtEnabled", "ntpSynced"] as const;
export type ConfigFeature = (typeof CONFIG_FEATURES)[number];

export interface ConfigFeatureInfo {
  label: string;
  /** The value that weakens the device (1 = the flag set is the risk, 0 = the flag missing is). */
  riskyValue: 0 | 1;
  /** How the two values read in a sentence: [value 0, value 1]. */
  phrases: readonly [string, string];
}

export const CONFIG_FEATURE_INFO: Readonly<Record<ConfigFeature, ConfigFeatureInfo>> = {
  snmpInsecure: { label: "SNMP v1/v2c", riskyValue: 1, phrases: ["SNMPv3 only", "SNMP v1/v2c in use"] },
  telnetEnabled: { label: "Telnet", riskyValue: 1, phrases: ["telnet disabled", "telnet enabled"] },
  sshEnabled: { label: "SSH", riskyValue: 0, phrases: ["SSH disabled", "SSH enabled"] },
  httpMgmtEnabled: {
    label: "HTTP management",
    riskyValue: 1,
    phrases: ["HTTP management disabled", "HTTP management enabled"],
  },
  ntpSynced: { label: "NTP sync", riskyValue: 0, phrases: ["NTP not synced", "NTP synced"] },
};

/** 0/1 flags from the facts; null where a fact is unknown (never imputed as "off"). */
export function encodeConfigFacts(facts: DeviceConfigFacts | null | undefined): Record<ConfigFeature, number | null> {
  const flag = (value: boolean | null | undefined) => (value === null || value === undefined ? null : value ? 1 : 0);
  const snmp = facts?.snmpVersion ?? null;
  return {
    snmpInsecure: snmp === null ? null : snmp === "v3" ? 0 : 1,
    telnetEnabled: flag(facts?.telnetEnabled),
    sshEnabled: flag(facts?.sshEnabled),
    httpMgmtEnabled: flag(facts?.httpMgmtEnabled),
    ntpSynced: flag(facts?.ntpSynced),
  };
}

export interface DeviceProfileInput {
  /** The device's name, unique in the fleet. */
  device: string;
  /** Its recent minute samples, any order (e.g. the last 7 days). */
  samples: readonly MetricSample[];
  config?: DeviceConfigFacts | null;
}

export interface DeviceProfileOptions {
  /**
   * Business hours, in UTC shifted by `utcOffsetHours`: [startHour, endHour) on Monday–Friday.
   * Default 08–18 at offset 0 (the simulator's curves are in UTC).
   */
  businessHours?: { startHour: number; endHour: number; utcOffsetHours?: number };
  /** A feature needs at least this many non-null minutes, else it is null. Default 1. */
  minSamples?: number;
}

export interface DeviceProfile {
  device: string;
  /** Every key of PROFILE_FEATURE_INFO; null where the device had no (or too little) data. */
  features: Record<string, number | null>;
  config?: DeviceConfigFacts;
  /** Minutes the profile was built from. */
  sampleCount: number;
}

const DEFAULT_BUSINESS_HOURS = { startHour: 8, endHour: 18, utcOffsetHours: 0 };

/**
 * Sums up a device's recent minutes: mean and p95 of each metric (nulls and non-finite values ignored),
 * the out/in traffic ratio, and how much of its traffic falls in business hours.
 *
 * `outInRatio` = (mean out + 1) / (mean in + 1) in bps over minutes reporting both; the +1 bps keeps an
 * idle device finite. `businessHoursTrafficShare` = mean traffic (in + out) per business-hours minute
 * divided by the sum of the business-hours and off-hours means: 0.5 means no daily pattern, near 1 an
 * office-hours-only device. Using means rather than byte totals keeps it independent of how many
 * business-hours minutes the window happens to contain; null when either period has no samples.
 */
export function buildDeviceProfile(input: DeviceProfileInput, opts: DeviceProfileOptions = {}): DeviceProfile {
  const minSamples = opts.minSamples ?? 1;
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new RangeError("buildDeviceProfile: minSamples must be an integer ≥ 1");
  }
  const hours = { ...DEFAULT_BUSINESS_HOURS, ...opts.businessHours };
  const { samples } = input;
  const features: Record<string, number | null> = {};

  const column = (metric: MetricName): number[] => {
    const values: number[] = [];
    for (const sample of samples) {
      const value = sample.values[metric];
      if (value !== null && Number.isFinite(value)) values.push(value);
    }
    return values;
  };
  for (const metric of [...MEAN_AND_P95, ...MEAN_ONLY]) {
    const values = column(metric).sort((a, b) => a - b);
    const enough = values.length >= minSamples && values.length > 0;
    features[`${metric}Mean`] = enough ? mean(values) : null;
    if (MEAN_AND_P95.includes(metric)) features[`${metric}P95`] = enough ? quantileSorted(values, 0.95) : null;
  }

  let inSum = 0;
  let outSum = 0;
  let bothCount = 0;
  const traffic = { business: 0, businessCount: 0, off: 0, offCount: 0 };
  for (const sample of samples) {
    const inBps = sample.values.bandwidthInBps;
    const outBps = sample.values.bandwidthOutBps;
    if (inBps === null || outBps === null || !Number.isFinite(inBps) || !Number.isFinite(outBps)) continue;
    inSum += inBps;
    outSum += outBps;
    bothCount++;
    if (isBusinessHour(sample.ts, hours)) {
      traffic.business += inBps + outBps;
      traffic.businessCount++;
    } else {
      traffic.off += inBps + outBps;
      traffic.offCount++;
    }
  }
  const enoughTraffic = bothCount >= minSamples && bothCount > 0;
  features.outInRatio = enoughTraffic ? (outSum / bothCount + 1) / (inSum / bothCount + 1) : null;
  const businessMean = traffic.businessCount > 0 ? traffic.business / traffic.businessCount : null;
  const offMean = traffic.offCount > 0 ? traffic.off / traffic.offCount : null;
  features.businessHoursTrafficShare =
    enoughTraffic && businessMean !== null && offMean !== null && businessMean + offMean > 0
      ? businessMean / (businessMean + offMean)
      : null;

  const profile: DeviceProfile = { device: input.device, features, sampleCount: samples.length };
  if (input.config) profile.config = input.config;
  return profile;
}

function isBusinessHour(ts: Date, hours: { startHour: number; endHour: number; utcOffsetHours: number }): boolean {
  const local = new Date(ts.getTime() + hours.utcOffsetHours * 3_600_000);
  const day = local.getUTCDay();
  if (day === 0 || day === 6) return false;
  const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
  return hour >= hours.startHour && hour < hours.endHour;
}
