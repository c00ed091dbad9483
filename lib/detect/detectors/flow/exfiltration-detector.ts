// Data exfiltration: one large upload out of the network. Outbound bandwidth far above this hour of
// the week's usual while inbound stays where it was (so the upload/download balance jumps), with a
// lower bar outside working hours, when nobody is expected to upload much. A busy day raises inbound
// with outbound and is not flagged; the weekly backup is in the baseline. Flows, when there are any,
// must show the extra leaving the internal subnets (an upload to the internal NAS is not
// exfiltration), and name the focused external destination.
import { z } from "zod";
import type { DetectorInput } from "@/lib/detect/detector";
import { defineFlowThreat, flowThreatSettings } from "@/lib/detect/detectors/flow/define-flow-threat";
import { describeBaselineTime } from "@/lib/detect/explain/explain-deviation";
import {
  deviationOf,
  flowFacts,
  formatRatio,
  isOffHours,
  metricDeviations,
  ratioWeight,
  relativeRatio,
  round2,
  sustainedMinutes,
  type Signal,
} from "@/lib/detect/detectors/flow/flow-threat-signals";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import type { MetricSample } from "@/lib/telemetry/metrics";

export const EXFILTRATION_DETECTOR_ID = "flow-exfiltration";
export const EXFILTRATION_ANOMALY_TYPE = "exfiltration";

export const exfiltrationConfigSchema = z.object({
  /** Outbound ratio relative to the inbound ratio, in working hours (weekdays 08:00–18:00 UTC). */
  minOutboundRatio: z.number().finite().min(1),
  /** The same outside working hours. */
  minOutboundRatioOffHours: z.number().finite().min(1),
  /** Outbound bandwidth must be at least this many stds above its mean. */
  minZ: flowThreatSettings.minZ,
  /** With flows: at least this share of outbound bytes must go outside the internal subnets. */
  minExternalShare: z.number().finite().min(0).max(1),
  confirmMinutes: flowThreatSettings.confirmMinutes,
});

export type ExfiltrationConfig = z.infer<typeof exfiltrationConfigSchema>;

function outboundShift(sample: MetricSample, input: DetectorInput): { shift: number; z: number } | undefined {
  const out = deviationOf(sample, input.baseline, "bandwidthOutBps");
  if (!out) return undefined;
  return { shift: relativeRatio(out, deviationOf(sample, input.baseline, "bandwidthInBps")), z: out.z };
}

function threshold(ts: Date, config: ExfiltrationConfig): number {
  return isOffHours(ts) ? config.minOutboundRatioOffHours : config.minOutboundRatio;
}

function holds(sample: MetricSample, input: DetectorInput, config: ExfiltrationConfig): boolean {
  // outbound first: on an ordinary minute the inbound side needs no lookup
  const out = deviationOf(sample, input.baseline, "bandwidthOutBps");
  if (!out || out.z < config.minZ) return false;
  return relativeRatio(out, deviationOf(sample, input.baseline, "bandwidthInBps")) >= threshold(sample.ts, config);
}

export const exfiltrationDetector = defineFlowThreat({
  id: EXFILTRATION_DETECTOR_ID,
  anomalyType: EXFILTRATION_ANOMALY_TYPE,
  description:
    "Data exfiltration: outbound bandwidth far above this hour of the week's usual while inbound stays usual, with a lower bar outside working hours; flows must show the bytes leaving the internal subnets.",
  configSchema: exfiltrationConfigSchema,
  defaultConfig: { minOutboundRatio: 4, minOutboundRatioOffHours: 3, minZ: 6, minExternalShare: 0.5, confirmMinutes: 2 },
  holds,
  describe(_held, input, config) {
    const { sample } = input;
    const f = input.flows;
    const externalShare = f && f.bytesOut > 0 && f.bytesOutExternal !== undefined ? f.bytesOutExternal / f.bytesOut : undefined;
    // most bytes staying inside the internal subnets: an internal transfer, not exfiltration
    if (externalShare !== undefined && externalShare < config.minExternalShare) return undefined;

    const d = metricDeviations(sample, input.baseline, ["bandwidthOutBps", "bandwidthInBps", "packetsPerSec"]);
    const bwOut = d.bandwidthOutBps!;
    const bwIn = d.bandwidthInBps;
    const shift = relativeRatio(bwOut, bwIn);
    const offHours = isOffHours(sample.ts);
    // how long the upload has run: minutes in a row at half the bar or more
    const sustained = sustainedMinutes(input, (s) => {
      const x = outboundShift(s, input);
      return x !== undefined && x.shift >= threshold(s.ts, config) / 2;
    });
    const extraBytes = Math.max(0, bwOut.value - bwOut.mean) * 60 / 8;

    const signals: Signal[] = [
      { feature: "bandwidthOutBps", value: bwOut.value, expected: bwOut.mean, weight: ratioWeight(bwOut.ratio) },
      { feature: "outboundInboundRatio", value: shift, expected: 1, weight: ratioWeight(shift) },
    ];
    if (offHours) signals.push({ feature: "offHours", value: 1, weight: 0.5 });
    if (sustained > 1) signals.push({ feature: "sustainedMinutes", value: sustained, weight: Math.min(1, sustained / 30) });

    const evidence: Record<string, unknown> = {
      outboundRatio: round2(bwOut.ratio),
      inboundRatio: bwIn ? round2(bwIn.ratio) : null,
      outboundInboundRatio: round2(shift),
      offHours,
      sustainedMinutes: sustained,
      extraBytesThisMinute: Math.round(extraBytes),
      baselineSource: bwOut.expected.source,
    };
    let flowText = "";
    if (f && f.flows > 0) {
      const facts = flowFacts(f);
      evidence.flows = facts;
      if (f.bytesOutExternal !== undefined) evidence.bytesOutExternal = Math.round(f.bytesOutExternal);
      if (externalShare !== undefined) {
        evidence.externalShare = round2(externalShare);
        signals.push({ feature: "externalShare", value: externalShare, weight: externalShare });
      }
      const top = facts.topOutbound[0];
      if (top && f.bytesOut > 0) {
        const focus = top.bytes / f.bytesOut;
        evidence.destination = { peer: top.peer, bytes: top.bytes, share: round2(focus) };
        signals.push({ feature: "destinationFocus", value: focus, weight: focus });
        flowText =
          ` Flows show ${Math.round(focus * 100)}% of the minute's outbound bytes going to ${top.peer}` +
          (externalShare !== undefined ? `, ${Math.round(externalShare * 100)}% leaving the internal subnets` : "") +
          ".";
      }
    }

    const explanation =
      `Bandwidth out ${formatMetricValue("bandwidthOutBps", bwOut.value)} is ${formatRatio(bwOut.ratio)} the usual ` +
      `${formatMetricValue("bandwidthOutBps", bwOut.mean)} for ${describeBaselineTime(bwOut.expected)}` +
      (bwIn ? ` while bandwidth in is ${formatRatio(bwIn.ratio)}` : "") +
      ` (z = ${bwOut.z.toFixed(1)}), ${offHours ? "outside" : "during"} working hours, for ${sustained} minute${sustained === 1 ? "" : "s"} so far: ` +
      `a large upload out of the network.` +
      flowText;

    return { deviation: bwOut, signals, evidence, explanation };
  },
});
