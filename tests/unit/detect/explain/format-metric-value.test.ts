import { describe, expect, it } from "vitest";
import { formatMetricRange, formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import type { MetricName } from "@/lib/telemetry/metrics";

describe("formatMetricValue", () => {
  it.each<{ name: string; metric: MetricName; value: number | null; text: string }>([
    { name: "bits under a kilobit", metric: "bandwidthInBps", value: 800, text: "800 bps" },
    { name: "kilobits", metric: "bandwidthInBps", value: 12_500, text: "12.5 kbps" },
    { name: "megabits, three significant digits", metric: "bandwidthOutBps", value: 912_345_678, text: "912 Mbps" },
    { name: "gigabits", metric: "bandwidthOutBps", value: 1_240_000_000, text: "1.24 Gbps" },
    { name: "whole numbers lose trailing zeros", metric: "bandwidthOutBps", value: 2_000_000_000, text: "2 Gbps" },
    { name: "rounding up moves to the next unit", metric: "bandwidthInBps", value: 999_700, text: "1 Mbps" },
    { name: "zero", metric: "bandwidthInBps", value: 0, text: "0 bps" },
    { name: "packets in thousands", metric: "packetsPerSec", value: 45_210, text: "45.2k pps" },
    { name: "packets in millions", metric: "packetsPerSec", value: 1_036_929, text: "1.04M pps" },
    { name: "flows", metric: "flowsPerSec", value: 320, text: "320 flows/s" },
    { name: "connections", metric: "connectionsPerSec", value: 1500, text: "1.5k conn/s" },
    { name: "percent with one decimal", metric: "cpuPct", value: 42.345, text: "42.3%" },
    { name: "full CPU", metric: "cpuPct", value: 100, text: "100.0%" },
    { name: "tiny packet loss keeps two decimals", metric: "packetLossPct", value: 0.05, text: "0.05%" },
    { name: "no loss", metric: "packetLossPct", value: 0, text: "0.0%" },
    { name: "sub-millisecond latency", metric: "latencyMs", value: 0.85, text: "0.85 ms" },
    { name: "latency in ms", metric: "latencyMs", value: 142.3, text: "142 ms" },
    { name: "latency in seconds", metric: "latencyMs", value: 1500, text: "1.5 s" },
    { name: "missing value", metric: "cpuPct", value: null, text: "—" },
    { name: "NaN", metric: "cpuPct", value: Number.NaN, text: "—" },
  ])("$name: $value → $text", ({ metric, value, text }) => {
    expect(formatMetricValue(metric, value)).toBe(text);
  });
});

describe("formatMetricRange", () => {
  it.each<{ name: string; metric: MetricName; low: number; high: number; text: string }>([
    { name: "shared unit", metric: "bandwidthOutBps", low: 120e6, high: 294e6, text: "120–294 Mbps" },
    { name: "unit of the larger end", metric: "bandwidthInBps", low: 800e3, high: 1.2e6, text: "0.8–1.2 Mbps" },
    { name: "from zero", metric: "bandwidthInBps", low: 0, high: 30e6, text: "0–30 Mbps" },
    { name: "percentages", metric: "cpuPct", low: 12.04, high: 100, text: "12.0–100.0%" },
  ])("$name → $text", ({ metric, low, high, text }) => {
    expect(formatMetricRange(metric, low, high)).toBe(text);
  });
});
