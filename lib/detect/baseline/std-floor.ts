// The smallest spread a detector may divide by, shared by every detector and the baseline growth cap
// so "too small to matter" means the same thing everywhere. Kept apart from the detectors so the
// baseline module can use it without importing a detector (and forming an import cycle).
import type { MetricName } from "@/lib/telemetry/metrics";

/**
 * Smallest std ever used, in the metric's own unit, so a series that is exactly constant (often 0,
 * e.g. packet loss) does not turn a negligible wobble into a huge z.
 */
export const MIN_STD_ABSOLUTE: Readonly<Record<MetricName, number>> = {
  bandwidthInBps: 1_000,
  bandwidthOutBps: 1_000,
  packetsPerSec: 1,
  flowsPerSec: 0.5,
  connectionsPerSec: 0.5,
  cpuPct: 0.5,
  memoryPct: 0.5,
  latencyMs: 0.1,
  packetLossPct: 0.05,
  distinctPeers: 1,
  distinctDstPorts: 1,
  syslogMessages: 1,
  syslogErrors: 1,
  syslogFailures: 1,
};

/**
 * max(std, minStd × |center|, MIN_STD_ABSOLUTE[metric]): a std (or std-equivalent spread such as
 * MAD / 0.6745) floored relative to the level and absolutely, so near-constant series stay quiet.
 */
export function effectiveStd(metric: MetricName, std: number, center: number, minStd: number): number {
  return Math.max(std, minStd * Math.abs(center), MIN_STD_ABSOLUTE[metric]);
}
