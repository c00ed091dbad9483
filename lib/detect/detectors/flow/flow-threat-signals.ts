// What the flow-threat detectors (DDoS, application-layer DDoS, port scan, exfiltration, unusual
// peers, upload ratio) share: each metric of a minute compared with the device's hour-of-week
// baseline, confirmation over the previous minutes, and the flow facts they cite as evidence.
//
// Terms: a metric's *ratio* is value / baseline mean (×1 = usual). A *relative ratio* divides one
// metric's ratio by another's: the time-of-day curve, the weekend dip and a busy day move every
// traffic metric of a device together, so relative ratios stay near 1 whatever the load, and an
// attack's signature (packets up but not outbound bytes; connections up but not bandwidth) stands
// out even in the hours where the load itself ramps up or down.
import { clampToMetric } from "@/lib/detect/explain/clamp-to-metric";
import type { Contribution, DeviceFlowSummary, DetectorInput } from "@/lib/detect/detector";
import { expectedFor, type BaselineIndex, type ExpectedBucket } from "@/lib/detect/baseline/hour-of-week-baseline";
import { effectiveStd, MIN_STD_ABSOLUTE } from "@/lib/detect/baseline/std-floor";
import type { TopTalker } from "@/lib/telemetry/flow-rollup";
import type { MetricName, MetricSample } from "@/lib/telemetry/metrics";

/** Relative std floor (1 % of the mean), as the hour-of-week z-score uses. */
export const MIN_RELATIVE_STD = 0.01;

export interface MetricDeviation {
  metric: MetricName;
  value: number;
  /** Baseline mean for this hour of the week. */
  mean: number;
  /** The std the z was computed with (floored). */
  std: number;
  /** value / mean, the mean floored at MIN_STD_ABSOLUTE so a near-zero baseline cannot explode it. */
  ratio: number;
  z: number;
  expected: ExpectedBucket;
}

export type Deviations = Partial<Record<MetricName, MetricDeviation>>;

/** The deviation of one metric, undefined when the sample lacks it or the baseline does not know it. */
export function deviationOf(sample: MetricSample, baseline: BaselineIndex, metric: MetricName): MetricDeviation | undefined {
  const value = sample.values[metric];
  if (value === null || !Number.isFinite(value)) return undefined;
  const expected = expectedFor(baseline, metric, sample.ts);
  if (!expected || !Number.isFinite(expected.mean) || !Number.isFinite(expected.std)) return undefined;
  const mean = expected.mean;
  const std = effectiveStd(metric, expected.std, mean, MIN_RELATIVE_STD);
  return {
    metric,
    value,
    mean,
    std,
    ratio: value / Math.max(mean, MIN_STD_ABSOLUTE[metric]),
    z: (value - mean) / std,
    expected,
  };
}

/** The deviation of each listed metric the sample reports and the baseline knows. */
export function metricDeviations(sample: MetricSample, baseline: BaselineIndex, metrics: readonly MetricName[]): Deviations {
  const out: Deviations = {};
  for (const metric of metrics) {
    const d = deviationOf(sample, baseline, metric);
    if (d) out[metric] = d;
  }
  return out;
}

/** a.ratio / b.ratio; b defaults to ×1 when missing (the load is then assumed usual). */
export function relativeRatio(a: MetricDeviation, b: MetricDeviation | undefined): number {
  return a.ratio / Math.max(b?.ratio ?? 1, 1e-6);
}

/**
 * Whether `holds` is true for this minute and for each of the previous `minutes − 1` minutes that
 * `recent` has. A minute `recent` lacks (a gap, or no window kept at all) is not required, so the
 * detectors still work on single samples; a minute that is there and disagrees vetoes.
 */
export function confirmedOver(
  input: Pick<DetectorInput, "sample" | "recent">,
  minutes: number,
  holds: (sample: MetricSample) => boolean,
): boolean {
  if (!holds(input.sample)) return false;
  if (minutes <= 1 || !input.recent || input.recent.length === 0) return true;
  const now = input.sample.ts.getTime();
  const wanted = new Set<number>();
  for (let k = 1; k < minutes; k++) wanted.add(now - k * 60_000);
  for (let i = input.recent.length - 1; i >= 0 && wanted.size > 0; i--) {
    const s = input.recent[i]!;
    const t = s.ts.getTime();
    if (t < now - (minutes - 1) * 60_000) break;
    if (!wanted.delete(t)) continue;
    if (!holds(s)) return false;
  }
  return true;
}

/**
 * How many minutes in a row, ending with this one, `holds` is true (looking back through `recent`,
 * stopping at the first gap or failing minute).
 */
export function sustainedMinutes(
  input: Pick<DetectorInput, "sample" | "recent">,
  holds: (sample: MetricSample) => boolean,
): number {
  if (!holds(input.sample)) return 0;
  let count = 1;
  let expectTs = input.sample.ts.getTime() - 60_000;
  const recent = input.recent ?? [];
  for (let i = recent.length - 1; i >= 0; i--) {
    const s = recent[i]!;
    if (s.ts.getTime() !== expectTs || !holds(s)) break;
    count += 1;
    expectTs -= 60_000;
  }
  return count;
}

export interface Signal {
  feature: string;
  value: number;
  expected?: number;
  /** How strongly it points at the anomaly; shares are proportional to it. */
  weight: number;
}

/** Contributions with shares proportional to the signals' weights (summing to 1), largest first. */
export function contributionsOf(signals: readonly Signal[]): Contribution[] {
  const usable = signals.filter((s) => Number.isFinite(s.value) && Number.isFinite(s.weight) && s.weight > 0);
  const total = usable.reduce((sum, s) => sum + s.weight, 0);
  if (total <= 0) return [];
  return usable
    .map((s) => ({
      feature: s.feature,
      value: round(s.value),
      ...(s.expected !== undefined && Number.isFinite(s.expected) ? { expected: round(s.expected) } : {}),
      share: Math.round((s.weight / total) * 1000) / 1000,
    }))
    .sort((a, b) => b.share - a.share);
}

/** Weight of a ratio signal: how many doublings (or halvings) away from usual it is. */
export function ratioWeight(ratio: number): number {
  return ratio > 0 && Number.isFinite(ratio) ? Math.abs(Math.log2(ratio)) : 0;
}

/** Outside weekday working hours (08:00–18:00 UTC, Monday–Friday): when nobody watches uploads. */
export function isOffHours(ts: Date): boolean {
  const day = ts.getUTCDay();
  const hour = ts.getUTCHours();
  return day === 0 || day === 6 || hour < 8 || hour >= 18;
}

/** "×9.8", "×1.03", "×0.42": how the text writes a ratio. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "×—";
  return `×${ratio >= 10 ? ratio.toFixed(0) : ratio >= 1.5 ? ratio.toFixed(1) : ratio.toFixed(2)}`;
}

/** The flow facts every flow-threat detection cites when the minute had flows. */
export interface FlowFacts {
  flows: number;
  distinctPeers: number;
  distinctDstPorts: number;
  synShare: number;
  bytesPerFlow: number;
  bytesPerPacket: number;
  topInbound: TopTalker[];
  topOutbound: TopTalker[];
}

export function flowFacts(flows: DeviceFlowSummary, top = 5): FlowFacts {
  const bytes = flows.bytesIn + flows.bytesOut;
  const packets = flows.packetsIn + flows.packetsOut;
  return {
    flows: flows.flows,
    distinctPeers: flows.distinctPeers,
    distinctDstPorts: flows.distinctDstPorts,
    synShare: flows.flows > 0 ? round(flows.tcpSynFlows / flows.flows) : 0,
    bytesPerFlow: flows.flows > 0 ? Math.round(bytes / flows.flows) : 0,
    bytesPerPacket: packets > 0 ? Math.round(bytes / packets) : 0,
    topInbound: flows.topTalkers.filter((t) => t.direction === "in").slice(0, top),
    topOutbound: flows.topTalkers.filter((t) => t.direction === "out").slice(0, top),
  };
}

/** Four significant digits: enough for a reader, stable in snapshots. */
export function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(x))));
  const f = 10 ** Math.min(digits, 6);
  return Math.round(x * f) / f;
}

/** A detection's `expected` block for a deviation: mean ± `width` stds, within what the metric can take. */
export function expectedBlock(d: MetricDeviation, width: number) {
  const e = d.expected;
  return {
    low: clampToMetric(d.metric, d.mean - width * d.std),
    high: clampToMetric(d.metric, d.mean + width * d.std),
    mean: d.mean,
    std: d.std,
    median: e.median,
    p95: e.p95,
    p99: e.p99,
    hourOfWeek: e.hourOfWeek,
    sampleCount: e.sampleCount,
  };
}

/** Two decimals, for ratios in evidence. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** One decimal, for percentages and durations in evidence. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
