// Human-readable metric values, shared by detector explanations and the UI so both read alike.
import { METRIC_INFO, type MetricName } from "@/lib/telemetry/metrics";

interface Scale {
  factor: number;
  /** Text placed after the number, including any leading space. */
  suffix: string;
}

// Rates scale by SI prefixes; percentages and milliseconds keep their unit.
const SCALES: Record<MetricName, readonly Scale[]> = {
  bandwidthInBps: bitScales(),
  bandwidthOutBps: bitScales(),
  packetsPerSec: countScales("pps"),
  flowsPerSec: countScales("flows/s"),
  connectionsPerSec: countScales("conn/s"),
  cpuPct: [{ factor: 1, suffix: "%" }],
  memoryPct: [{ factor: 1, suffix: "%" }],
  latencyMs: [
    { factor: 1, suffix: " ms" },
    { factor: 1000, suffix: " s" },
  ],
  packetLossPct: [{ factor: 1, suffix: "%" }],
  distinctPeers: countScales("peers/min"),
  distinctDstPorts: countScales("ports/min"),
  syslogMessages: countScales("msgs/min"),
  syslogErrors: countScales("msgs/min"),
  syslogFailures: countScales("msgs/min"),
};

/** e.g. "912 Mbps", "1.24 Gbps", "45.2k pps", "42.3%", "0.85 ms"; "—" for null or non-finite. */
export function formatMetricValue(metric: MetricName, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const scale = pickScale(metric, Math.abs(value));
  return `${formatNumber(metric, value / scale.factor)}${scale.suffix}`;
}

/** "120–294 Mbps": both ends in the unit of the larger one, so the range reads at a glance. */
export function formatMetricRange(metric: MetricName, low: number, high: number): string {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return "—";
  const scale = pickScale(metric, Math.max(Math.abs(low), Math.abs(high)));
  return `${formatNumber(metric, low / scale.factor)}–${formatNumber(metric, high / scale.factor)}${scale.suffix}`;
}

function pickScale(metric: MetricName, magnitude: number): Scale {
  const scales = SCALES[metric];
  let chosen = scales[0] ?? { factor: 1, suffix: "" };
  for (const scale of scales) {
    // Compare after rounding so 999.7 kbps becomes "1 Mbps", not "1000 kbps".
    if (roundForDisplay(magnitude / scale.factor) >= 1) chosen = scale;
  }
  return chosen;
}

function formatNumber(metric: MetricName, scaled: number): string {
  if (METRIC_INFO[metric].unit === "%") {
    // One decimal reads well for percentages; tiny ones (packet loss) need two to not show 0.0.
    const abs = Math.abs(scaled);
    return scaled.toFixed(abs > 0 && abs < 1 ? 2 : 1);
  }
  return trimZeros(roundForDisplay(scaled).toFixed(decimalsFor(scaled)));
}

// Three significant digits without exponent notation: 912, 45.2, 1.24, 0.85.
function decimalsFor(scaled: number): number {
  const abs = Math.abs(scaled);
  if (abs >= 100) return 0;
  if (abs >= 10) return 1;
  return 2;
}

function roundForDisplay(scaled: number): number {
  const factor = 10 ** decimalsFor(scaled);
  return Math.round(scaled * factor) / factor;
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

function bitScales(): Scale[] {
  return [
    { factor: 1, suffix: " bps" },
    { factor: 1e3, suffix: " kbps" },
    { factor: 1e6, suffix: " Mbps" },
    { factor: 1e9, suffix: " Gbps" },
    { factor: 1e12, suffix: " Tbps" },
  ];
}

function countScales(unit: string): Scale[] {
  return [
    { factor: 1, suffix: ` ${unit}` },
    { factor: 1e3, suffix: `k ${unit}` },
    { factor: 1e6, suffix: `M ${unit}` },
    { factor: 1e9, suffix: `G ${unit}` },
  ];
}
