// The business calendar: announced surges (a marketing campaign, a sale) with the traffic multiplier
// the business expects, so a spike of that size on the affected devices is not raised as an attack.
//
// Policy (what a surge explains):
// - only spikes, only in traffic-volume metrics (bandwidth in/out, packets, flows, connections,
//   distinct peers): more customers mean more of those and nothing else;
// - never a drop, and never a detection typed as exfiltration, slow exfiltration, port scan, link down,
//   CPU exhaustion, degradation or config drift: more customers do not send data to one outside
//   destination, probe ports, take a link down or make a device slow, even if a busy device gets slow;
// - (a CPU or memory rise on a device whose traffic rose within the surge in the same minute is also
//   explained: lib/alerts/alert-disposition.ts applies that, since it needs the minute's other findings);
// - and only up to the announced size: observed ≤ normal level × expectedIncrease × tolerance (1.5 by
//   default, because announcements are estimates). A DDoS hiding behind a sale is usually far bigger.
import { alertTypeOf } from "@/lib/alerts/alert-type";
import { globMatches } from "@/lib/alerts/suppression-rules";
import type { Detection } from "@/lib/detect/detector";
import type { MetricName } from "@/lib/telemetry/metrics";

/** A calendar entry (the scenario's and the simulator's fit), optionally limited to some devices. */
export interface SurgeEntry {
  start: Date;
  /** Exclusive. */
  end: Date;
  name: string;
  /** Expected traffic multiplier on the affected devices, e.g. 4 = four times the usual. */
  expectedIncrease: number;
  /**
   * Scope: device names, sites and roles (globs with * and ?, case-insensitive). A device is affected
   * when it matches every list that is given (any entry of a list); no list (or only empty ones) is
   * the whole fleet.
   */
  devices?: readonly string[];
  sites?: readonly string[];
  roles?: readonly string[];
}

export interface SurgeDevice {
  name: string;
  site?: string;
  role?: string;
}

export const DEFAULT_SURGE_TOLERANCE = 1.5;

const SURGE_METRICS: ReadonlySet<MetricName> = new Set([
  "bandwidthInBps",
  "bandwidthOutBps",
  "packetsPerSec",
  "flowsPerSec",
  "connectionsPerSec",
  "distinctPeers",
]);

const NEVER_EXPLAINED: ReadonlySet<string> = new Set([
  "exfiltration",
  "slow_exfiltration",
  "port_scan",
  "link_down",
  "cpu_exhaustion",
  "degradation",
  "config_drift",
]);

function inList(list: readonly string[] | undefined, value: string | undefined): boolean {
  if (!list || list.length === 0) return true;
  return value !== undefined && list.some((p) => globMatches(p, value));
}

function affects(entry: SurgeEntry, device: SurgeDevice): boolean {
  return inList(entry.devices, device.name) && inList(entry.sites, device.site) && inList(entry.roles, device.role);
}

/**
 * The surge announced for `device` at `at` (start ≤ at < end), or undefined. When several overlap,
 * the one with the largest expectedIncrease (it explains the most); ties go to the earlier entry.
 */
export function expectedSurgeAt<E extends SurgeEntry>(entries: readonly E[], device: SurgeDevice, at: Date): E | undefined {
  const t = at.getTime();
  let best: E | undefined;
  for (const e of entries) {
    if (t < e.start.getTime() || t >= e.end.getTime() || !affects(e, device)) continue;
    if (!best || e.expectedIncrease > best.expectedIncrease) best = e;
  }
  return best;
}

export type SurgeCheckedDetection = Pick<Detection, "anomalyType" | "metric" | "observed" | "expected"> &
  Partial<Pick<Detection, "contributions">>;

/**
 * Whether the announced surge explains this detection (see the policy at the top). `baselineExpected`
 * is the device's normal level of the metric at this time; without it, the detection's expected
 * median, then mean.
 */
export function withinExpectedSurge(
  detection: SurgeCheckedDetection,
  entry: SurgeEntry | undefined,
  baselineExpected?: number,
  options: { tolerance?: number } = {},
): boolean {
  if (!entry) return false;
  if (!SURGE_METRICS.has(detection.metric)) return false;
  if (detection.anomalyType === "metric_drop" || NEVER_EXPLAINED.has(alertTypeOf(detection))) return false;
  const observed = detection.observed.value;
  const normal = baselineExpected ?? detection.expected.median ?? detection.expected.mean;
  if (normal === undefined || !Number.isFinite(normal) || normal < 0 || !Number.isFinite(observed)) return false;
  // Only a rise is something a surge could explain.
  if (observed <= normal) return false;
  const tolerance = options.tolerance ?? DEFAULT_SURGE_TOLERANCE;
  return observed <= normal * entry.expectedIncrease * tolerance;
}
