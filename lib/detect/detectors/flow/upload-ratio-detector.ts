// Upload/download ratio: the device's outbound/inbound balance has shifted well above what is usual at
// this hour of the week and stayed there for a while — uploads that are too small or too gradual for the
// exfiltration detector, but a change in what the device does (a host turned into a file source, a
// sync client gone astray). Above the exfiltration detector's bar it stays quiet, so one upload gets
// one alert.
import { z } from "zod";
import { defineDetector, type DetectorInput } from "@/lib/detect/detector";
import { describeBaselineTime } from "@/lib/detect/explain/explain-deviation";
import {
  contributionsOf,
  deviationOf,
  expectedBlock,
  flowFacts,
  formatRatio,
  isOffHours,
  ratioWeight,
  relativeRatio,
  round2,
  sustainedMinutes,
  type Signal,
} from "@/lib/detect/detectors/flow/flow-threat-signals";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { severityFor } from "@/lib/detect/severity";
import type { MetricSample } from "@/lib/telemetry/metrics";

export const UPLOAD_RATIO_DETECTOR_ID = "flow-upload-ratio";
export const UPLOAD_RATIO_ANOMALY_TYPE = "upload_ratio";

export const uploadRatioConfigSchema = z.object({
  /** Outbound ratio relative to the inbound ratio (×1 = the usual balance). */
  minRatioShift: z.number().finite().min(1),
  /** Where the exfiltration detector takes over, in working hours (its `minOutboundRatio`). */
  maxRatioShift: z.number().finite().min(1),
  /** The same outside working hours (its `minOutboundRatioOffHours`). */
  maxRatioShiftOffHours: z.number().finite().min(1),
  /** Outbound itself at least this many times the usual (a drop in downloads alone is not an upload). */
  minOutboundRatio: z.number().finite().min(1),
  /** Outbound at least this many stds above its mean. */
  minZ: z.number().finite().positive(),
  /** Minutes in a row the shift must last (from `recent`); without that many minutes it stays silent. */
  minMinutes: z.number().int().min(1).max(60),
});

export type UploadRatioConfig = z.infer<typeof uploadRatioConfigSchema>;

function shifted(sample: MetricSample, input: DetectorInput, config: UploadRatioConfig): boolean {
  const out = deviationOf(sample, input.baseline, "bandwidthOutBps");
  if (!out || out.z < config.minZ || out.ratio < config.minOutboundRatio) return false;
  const inbound = deviationOf(sample, input.baseline, "bandwidthInBps");
  return inbound !== undefined && relativeRatio(out, inbound) >= config.minRatioShift;
}

export const uploadRatioDetector = defineDetector<UploadRatioConfig>({
  id: UPLOAD_RATIO_DETECTOR_ID,
  description:
    "Upload/download ratio: outbound/inbound balance well above this hour of the week's usual for a sustained period, below the exfiltration detector's bar.",
  configSchema: uploadRatioConfigSchema,
  scoreField: "minRatioShift",
  alertTypes: [UPLOAD_RATIO_ANOMALY_TYPE],
  threatType: UPLOAD_RATIO_ANOMALY_TYPE,
  defaultConfig: { minRatioShift: 2, maxRatioShift: 4, maxRatioShiftOffHours: 3, minOutboundRatio: 1.5, minZ: 4, minMinutes: 15 },
  detect(input, config) {
    const { sample } = input;
    if (!shifted(sample, input, config)) return [];
    const out = deviationOf(sample, input.baseline, "bandwidthOutBps")!;
    const inbound = deviationOf(sample, input.baseline, "bandwidthInBps")!;
    const shift = relativeRatio(out, inbound);
    const offHours = isOffHours(sample.ts);
    if (shift >= (offHours ? config.maxRatioShiftOffHours : config.maxRatioShift)) return [];
    const minutes = sustainedMinutes(input, (s) => shifted(s, input, config));
    if (minutes < config.minMinutes) return [];

    const signals: Signal[] = [
      { feature: "outboundInboundRatio", value: shift, expected: 1, weight: ratioWeight(shift) },
      { feature: "bandwidthOutBps", value: out.value, expected: out.mean, weight: ratioWeight(out.ratio) },
      { feature: "sustainedMinutes", value: minutes, weight: Math.min(1, minutes / 60) },
    ];
    const evidence: Record<string, unknown> = {
      outboundInboundRatio: round2(shift),
      outboundRatio: round2(out.ratio),
      inboundRatio: round2(inbound.ratio),
      sustainedMinutes: minutes,
      offHours,
      baselineSource: out.expected.source,
    };
    let flowText = "";
    if (input.flows && input.flows.flows > 0) {
      const facts = flowFacts(input.flows);
      evidence.flows = facts;
      evidence.topDestinations = facts.topOutbound;
      if (input.flows.bytesOutExternal !== undefined) evidence.bytesOutExternal = Math.round(input.flows.bytesOutExternal);
      const top = facts.topOutbound[0];
      if (top) flowText = ` Top destination this minute: ${top.peer}.`;
    }

    const explanation =
      `Bandwidth out ${formatMetricValue("bandwidthOutBps", out.value)} is ${formatRatio(out.ratio)} the usual ` +
      `${formatMetricValue("bandwidthOutBps", out.mean)} for ${describeBaselineTime(out.expected)} while bandwidth in is ` +
      `${formatRatio(inbound.ratio)}: the upload/download balance is ${formatRatio(shift)} its usual and has been for ` +
      `${minutes} minutes.` +
      flowText;

    return [
      {
        detector: UPLOAD_RATIO_DETECTOR_ID,
        anomalyType: UPLOAD_RATIO_ANOMALY_TYPE,
        metric: "bandwidthOutBps",
        severity: severityFor(shift, config.minRatioShift),
        score: shift,
        observed: { value: out.value, ts: sample.ts.toISOString() },
        expected: expectedBlock(out, config.minZ),
        explanation,
        contributions: contributionsOf(signals),
        evidence,
      },
    ];
  },
});
