// Jitter: latency that varies far more from one minute to the next than it usually does for this
// device at this hour. The sources report one latency value per poll (SNMP/Prometheus `latencyMs`),
// not per packet, so RFC 3550's interarrival jitter is approximated by its per-poll analogue: the
// absolute difference between successive latency samples. The window's jitter is the MEDIAN of those
// differences, so one latency spike (two large differences) is a spike for the adaptive baseline, not
// jitter. "Usual" is the larger of:
//   - the hour-of-week baseline's robust spread (MAD / 0.6745 = σ, and a series of independent
//     samples of spread σ has median |Δ| ≈ 0.954 σ): what this hour normally looks like; and
//   - the median |Δ| of the device's earlier minutes (before the window): a series already noisy this
//     last hour does not alert again for the same noise.
// Raised when the window's jitter is `minRatio`× the usual AND at least `minJitterMs` (a rise from
// 0.2 to 1 ms matters to nobody; VoIP is hurt from about 30 ms). Needs a trained baseline with
// `minBaselineSamples` samples for the hour and `minPairs` successive pairs in the window (thin data
// is not judged). Pure.
import { z } from "zod";
import { defineDetector, type Detection, type DetectorInput } from "@/lib/detect/detector";
import { expectedFor } from "@/lib/detect/baseline/hour-of-week-baseline";
import { describeHourOfWeek } from "@/lib/detect/baseline/hour-of-week";
import { MIN_STD_ABSOLUTE } from "@/lib/detect/baseline/std-floor";
import { severityFor } from "@/lib/detect/severity";
import { round2 } from "@/lib/detect/detectors/flow/flow-threat-signals";

export const JITTER_DETECTOR_ID = "latency-jitter";
export const JITTER_TYPE = "jitter";

/** Median |Δ| of independent normal samples over their σ: √2 × 0.6745. */
const MEDIAN_ABS_DIFF_PER_SIGMA = Math.SQRT2 * 0.6745;
/** Successive samples further apart than this are not a pair (a gap in polling). */
const MAX_PAIR_GAP_MS = 5 * 60_000;
/** Jitter past this hurts a VoIP call audibly (ITU-T G.114-era guidance, common vendor figure). */
const VOIP_POOR_MS = 30;

export const jitterConfigSchema = z.object({
  enabled: z.boolean(),
  /** Raised when the window's jitter is at least this many times the usual. */
  minRatio: z.number().finite().min(1),
  /** …and at least this many milliseconds. */
  minJitterMs: z.number().finite().min(0),
  /** Minutes of latency the window's jitter is taken over (this one and the previous ones). */
  windowMinutes: z.number().int().min(3).max(60),
  /** Successive pairs the window needs to be judged. */
  minPairs: z.number().int().min(2),
  /** Samples the baseline's bucket for the hour needs (its spread is otherwise unknown). */
  minBaselineSamples: z.number().int().min(2),
  /** Earlier pairs needed before the earlier minutes' jitter counts as usual too. */
  minEarlierPairs: z.number().int().min(2),
});
export type JitterConfig = z.infer<typeof jitterConfigSchema>;

interface Point {
  t: number;
  v: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** |Δ| of successive points (oldest first) not further apart than a polling gap. */
export function successiveDifferences(points: readonly Point[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (b.t > a.t && b.t - a.t <= MAX_PAIR_GAP_MS) out.push(Math.abs(b.v - a.v));
  }
  return out;
}

export const latencyJitter = defineDetector<JitterConfig, DetectorInput, typeof JITTER_DETECTOR_ID>({
  id: JITTER_DETECTOR_ID,
  description:
    "Jitter: latency varying from one poll to the next (median absolute successive difference, the per-poll stand-in for RFC 3550 interarrival jitter) far more than usual for the device at this hour. Needs a latency source and a trained baseline.",
  scoreField: "minRatio",
  alertTypes: [JITTER_TYPE],
  configSchema: jitterConfigSchema,
  defaultConfig: { enabled: true, minRatio: 3, minJitterMs: 10, windowMinutes: 10, minPairs: 7, minBaselineSamples: 20, minEarlierPairs: 20 },
  detect(input, config): Detection[] {
    const now = input.sample.ts.getTime();
    const current = input.sample.values.latencyMs;
    if (!config.enabled || current === null || !Number.isFinite(current)) return [];

    const windowStart = now - (config.windowMinutes - 1) * 60_000;
    const window: Point[] = [];
    const earlier: Point[] = [];
    for (const s of input.recent ?? []) {
      const v = s.values.latencyMs;
      const t = s.ts.getTime();
      if (v === null || !Number.isFinite(v) || t >= now) continue;
      (t >= windowStart ? window : earlier).push({ t, v });
    }
    window.push({ t: now, v: current });
    const diffs = successiveDifferences(window);
    if (diffs.length < config.minPairs) return [];
    const jitter = median(diffs);
    // nearly every minute stops here, before the baseline lookup
    if (jitter < config.minJitterMs) return [];
    const bucket = expectedFor(input.baseline, "latencyMs", input.sample.ts);
    if (!bucket || bucket.sampleCount < config.minBaselineSamples) return [];

    const sigma = Math.max(bucket.mad / 0.6745, MIN_STD_ABSOLUTE.latencyMs);
    const fromBaseline = MEDIAN_ABS_DIFF_PER_SIGMA * sigma;
    const earlierDiffs = successiveDifferences(earlier);
    const fromEarlier = earlierDiffs.length >= config.minEarlierPairs ? median(earlierDiffs) : 0;
    const usual = Math.max(fromBaseline, fromEarlier);
    const score = jitter / usual;
    if (score < config.minRatio) return [];

    const values = window.map((p) => p.v);
    const meanLatency = values.reduce((a, b) => a + b, 0) / values.length;
    const meanJitter = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    const quality = jitter >= VOIP_POOR_MS ? "poor" : "degraded";
    const target = input.device?.name ?? `device ${input.sample.deviceId}`;
    const hour = describeHourOfWeek(bucket.hourOfWeek);
    const usualText = fromEarlier > fromBaseline ? `${round2(fromEarlier)} ms over the previous minutes` : `${round2(fromBaseline)} ms usual for ${hour}`;
    return [
      {
        detector: JITTER_DETECTOR_ID,
        anomalyType: JITTER_TYPE,
        metric: "latencyMs",
        severity: severityFor(score, config.minRatio),
        score,
        observed: { value: round2(jitter), ts: input.sample.ts.toISOString() },
        expected: { low: 0, high: round2(usual * config.minRatio), median: round2(usual), hourOfWeek: bucket.hourOfWeek, sampleCount: bucket.sampleCount },
        explanation:
          `Latency of ${target} jumped by a median ${round2(jitter)} ms from one poll to the next over the last ${config.windowMinutes} min ` +
          `(mean ${round2(meanJitter)} ms; latency ${round2(Math.min(...values))}–${round2(Math.max(...values))} ms, mean ${round2(meanLatency)} ms) ` +
          `against ${usualText}: ${round2(score)}× the usual jitter. ` +
          `VoIP quality ${quality} (interarrival jitter past ~${VOIP_POOR_MS} ms is audible; this is the per-poll latency variation, not RFC 3550's per-packet figure).`,
        evidence: {
          windowMinutes: config.windowMinutes,
          jitterMs: round2(jitter),
          meanJitterMs: round2(meanJitter),
          usualJitterMs: round2(usual),
          usualFrom: fromEarlier > fromBaseline ? "earlier minutes" : "baseline",
          baselineJitterMs: round2(fromBaseline),
          ...(fromEarlier > 0 ? { earlierJitterMs: round2(fromEarlier) } : {}),
          latencyMs: { min: round2(Math.min(...values)), mean: round2(meanLatency), max: round2(Math.max(...values)) },
          pairs: diffs.length,
          voipQuality: quality,
        },
      },
    ];
  },
});
