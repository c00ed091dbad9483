// Flags the metric of a device that is most surprising against its own online model (what the device
// has been doing lately, at this time of day and of the week: lib/detect/streaming/metric-stream.ts),
// from the device's first hours on. One detection per device-minute at most: when several metrics
// move together (an incident usually moves several), the most surprising names the alert and the
// others are its contributions, so an analyst gets one alert per incident rather than one per metric.
import { z } from "zod";
import { defineDetector, type Contribution, type Detection } from "@/lib/detect/detector";
import { clampToMetric } from "@/lib/detect/explain/clamp-to-metric";
import { explainDeviation } from "@/lib/detect/explain/explain-deviation";
import { MIN_STD_ABSOLUTE } from "@/lib/detect/baseline/std-floor";
import type { Severity } from "@/lib/detect/severity";
import { MAX_RARITY_DAYS, type ScoredSample } from "@/lib/detect/streaming/metric-stream";
import { METRIC_INFO, METRICS, type MetricName } from "@/lib/telemetry/metrics";

export const ADAPTIVE_BASELINE_ID = "adaptive-baseline";

export const adaptiveBaselineConfigSchema = z.object({
  /**
   * Alert when the device shows a deviation this rare only about once in this many days: each metric's
   * tail probability against its own recent deviations, per day of samples (so the bar means the same
   * at any polling interval), times the number of metrics the device reports.
   */
  minRarityDays: z.number().finite().positive(),
  /** …and the value is at least this many normal spreads from what was expected (practical size). */
  minDeviation: z.number().finite().min(0),
  /** …and at least this many times the metric's smallest meaningful change (MIN_STD_ABSOLUTE). */
  minAbsoluteChange: z.number().finite().min(0),
  /** Only these metrics; all when omitted. */
  metrics: z.array(z.enum(METRICS)).optional(),
});

export type AdaptiveBaselineConfig = z.infer<typeof adaptiveBaselineConfigSchema>;

/**
 * Metrics whose fall is good news (less loss, lower latency, fewer errors or ports): only a rise is a
 * finding. Traffic volume, CPU and peers are judged both ways (a drop to nothing is a link going down).
 */
const RISE_ONLY: ReadonlySet<MetricName> = new Set(["packetLossPct", "latencyMs", "syslogErrors", "syslogFailures", "distinctDstPorts"]);

/**
 * Utilisations with a ceiling: a device at 95 % of it while its usual band stays under 80 % is exhausted
 * (a router at 100 % CPU drops control traffic), however often it has been there lately, so the rarity
 * bar does not apply; the deviation and one-alert-per-incident rules still do.
 */
const SATURATION_METRICS: ReadonlySet<MetricName> = new Set(["cpuPct", "memoryPct"]);
const SATURATED_SHARE = 0.95;
const USUAL_CEILING_SHARE = 0.8;

/** The band drawn as "usual": expected ± this many spreads (mean absolute errors). */
const BAND_SPREADS = 3;

export const adaptiveBaseline = defineDetector<AdaptiveBaselineConfig>({
  id: ADAPTIVE_BASELINE_ID,
  description:
    "Learns each metric online from the device's first samples (recent level, time of day, day of week) and flags values far more surprising than the device's own history of deviations.",
  configSchema: adaptiveBaselineConfigSchema,
  // Tuned on NAB, jumpstarter-d3 and the simulator suite at once (README, "Detection on real data").
  defaultConfig: { minRarityDays: 7, minDeviation: 3, minAbsoluteChange: 1 },
  scoreField: "minRarityDays",
  alertTypes: ["metric_spike", "metric_drop"],
  detect({ sample, streams }, config) {
    if (!streams) return [];
    const hits: { metric: MetricName; scored: ScoredSample }[] = [];
    // The bar is per device: a device reporting 14 metrics has 14 chances a day to show something
    // rare in one of them, so each metric must be that many times rarer (Bonferroni).
    const bar = config.minRarityDays * Math.max(1, streams.size);
    for (const metric of config.metrics ?? METRICS) {
      const scored = streams.get(metric);
      if (!scored) continue;
      if (scored.raw < config.minDeviation) continue;
      if (scored.rarityDays < bar && !isSaturated(metric, scored)) continue;
      if (scored.residual < 0 && RISE_ONLY.has(metric)) continue;
      if (!isNewFinding(scored)) continue;
      if (Math.abs(scored.residual) < config.minAbsoluteChange * MIN_STD_ABSOLUTE[metric]) continue;
      hits.push({ metric, scored });
    }
    if (hits.length === 0) return [];
    hits.sort((a, b) => b.scored.rarityDays - a.scored.rarityDays || b.scored.surprise - a.scored.surprise);
    const { metric, scored } = hits[0]!;
    const low = clampToMetric(metric, scored.expected - BAND_SPREADS * scored.spread);
    const high = clampToMetric(metric, scored.expected + BAND_SPREADS * scored.spread);
    const total = hits.reduce((sum, h) => sum + h.scored.surprise, 0);
    const contributions: Contribution[] = hits.map((h) => ({
      feature: h.metric,
      value: h.scored.value,
      expected: h.scored.expected,
      share: h.scored.surprise / total,
    }));
    const days = scored.rarityDays;
    const detection: Detection = {
      detector: ADAPTIVE_BASELINE_ID,
      anomalyType: scored.residual > 0 ? "metric_spike" : "metric_drop",
      metric,
      severity: days < bar ? "high" : rarityToSeverity(days, bar),
      score: days,
      observed: { value: scored.value, ts: sample.ts.toISOString() },
      expected: { low, high, mean: scored.expected, median: scored.expected, std: scored.spread },
      explanation: explainDeviation({
        metric,
        value: scored.value,
        reference: scored.expected,
        referenceLabel: "the expected",
        context: `from ${describeBasis(scored)}`,
        score: `${scored.persistent ? "a run of deviations" : "a deviation"} this device shows ${describeRarity(days)}`,
        rangeLabel: "usual range",
        low,
        high,
      }),
      contributions,
      evidence: {
        rarityDays: Number(days.toPrecision(3)),
        surprise: Number(scored.surprise.toFixed(2)),
        deviationSpreads: Number(scored.raw.toFixed(1)),
        basis: scored.basis,
        persistent: scored.persistent,
        ...(isSaturated(metric, scored) ? { saturated: true } : {}),
        ...(hits.length > 1 ? { alsoUnusual: hits.slice(1).map((h) => h.metric) } : {}),
      },
    };
    return [detection];
  },
});

/**
 * One alert per incident: while an episode of deviations on this metric lasts (up to a day back) only
 * a larger surprise is a new finding (the open alert already tells the analyst about the rest); after
 * six quiet hours the next deviation is a new incident.
 */
export function isNewFinding(scored: Pick<ScoredSample, "surprise" | "priorMax">): boolean {
  return scored.surprise > scored.priorMax;
}

function isSaturated(metric: MetricName, scored: ScoredSample): boolean {
  const max = METRIC_INFO[metric].max;
  if (!SATURATION_METRICS.has(metric) || max === undefined) return false;
  return scored.value >= SATURATED_SHARE * max && scored.expected + BAND_SPREADS * scored.spread <= USUAL_CEILING_SHARE * max;
}

/** medium at the bar, high when rarer than once a month, critical when rarer than once a year. */
export function rarityToSeverity(days: number, minDays: number): Severity {
  if (days >= Math.max(365, 100 * minDays)) return "critical";
  if (days >= Math.max(30, 10 * minDays)) return "high";
  return "medium";
}

function describeRarity(days: number): string {
  if (days >= MAX_RARITY_DAYS) return "never before";
  if (days >= 365) return `about once in ${Math.round(days / 365)} year${days >= 730 ? "s" : ""}`;
  if (days >= 2) return `about once in ${Math.round(days)} days`;
  return `about once in ${Math.max(1, Math.round(days * 24))} hours`;
}

function describeBasis(scored: ScoredSample): string {
  switch (scored.basis) {
    case "day profile":
      return "this time of day";
    case "week profile":
      return "this hour of the week";
    case "level":
      return "its recent level";
  }
}
