// Volumetric DDoS: packets and inbound bytes far above what this device sees at this hour of the week,
// with flows or connections up too, while outbound traffic stays where it was. A busy day (a marketing
// surge) raises outbound with inbound, so the outbound-relative ratios stay near ×1 and it is not
// flagged; a flood only adds inbound. Flows, when there are any, add who is sending (distinct sources,
// SYN share, top sources) as evidence.
import { z } from "zod";
import type { DetectorInput } from "@/lib/detect/detector";
import { defineFlowThreat, flowThreatSettings } from "@/lib/detect/detectors/flow/define-flow-threat";
import { describeBaselineTime } from "@/lib/detect/explain/explain-deviation";
import {
  deviationOf,
  flowFacts,
  formatRatio,
  metricDeviations,
  ratioWeight,
  relativeRatio,
  round2,
  type Deviations,
  type Signal,
} from "@/lib/detect/detectors/flow/flow-threat-signals";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import type { MetricSample } from "@/lib/telemetry/metrics";

export const DDOS_DETECTOR_ID = "flow-ddos";
export const DDOS_ANOMALY_TYPE = "ddos";

export const ddosConfigSchema = z.object({
  /** Packets/s ratio relative to the outbound ratio (×1 = in step with the device's load). */
  minPacketRatio: z.number().finite().min(1),
  /** Inbound-bandwidth ratio relative to the outbound ratio. */
  minInboundRatio: z.number().finite().min(1),
  /** The larger of the flows/s and connections/s ratios, relative to the outbound ratio. */
  minRateRatio: z.number().finite().min(1),
  /** Packets/s and inbound bandwidth must each be at least this many stds above their mean. */
  minZ: flowThreatSettings.minZ,
  confirmMinutes: flowThreatSettings.confirmMinutes,
});

export type DdosConfig = z.infer<typeof ddosConfigSchema>;

interface Signature {
  d: Deviations;
  packets: number;
  inbound: number;
  rate: number;
}

function signature(sample: MetricSample, input: DetectorInput, config: DdosConfig): Signature | undefined {
  // the packet rate first: on an ordinary minute nothing else needs looking up
  const pps = deviationOf(sample, input.baseline, "packetsPerSec");
  if (!pps || pps.z < config.minZ) return undefined;
  const d: Deviations = {
    packetsPerSec: pps,
    ...metricDeviations(sample, input.baseline, ["bandwidthInBps", "bandwidthOutBps", "flowsPerSec", "connectionsPerSec"]),
  };
  const { bandwidthInBps: bwIn, bandwidthOutBps: bwOut, flowsPerSec: flows, connectionsPerSec: conns } = d;
  if (!bwIn || !(flows || conns) || bwIn.z < config.minZ) return undefined;
  const packets = relativeRatio(pps, bwOut);
  const inbound = relativeRatio(bwIn, bwOut);
  const rate = Math.max(flows ? relativeRatio(flows, bwOut) : 0, conns ? relativeRatio(conns, bwOut) : 0);
  if (packets < config.minPacketRatio || inbound < config.minInboundRatio || rate < config.minRateRatio) return undefined;
  return { d, packets, inbound, rate };
}

export const ddosDetector = defineFlowThreat({
  id: DDOS_DETECTOR_ID,
  anomalyType: DDOS_ANOMALY_TYPE,
  description:
    "Volumetric DDoS: packets/s and inbound bandwidth far above this hour of the week's usual, with flows or connections up, while outbound traffic stays usual.",
  configSchema: ddosConfigSchema,
  defaultConfig: { minPacketRatio: 3, minInboundRatio: 3, minRateRatio: 3, minZ: 6, confirmMinutes: 2 },
  holds: signature,
  describe(sig, input) {
    const { sample } = input;
    const { d } = sig;
    const pps = d.packetsPerSec!;
    const bwIn = d.bandwidthInBps!;
    const { bandwidthOutBps: bwOut, flowsPerSec: flows, connectionsPerSec: conns } = d;
    const bytesPerPacket = packetSize(pps.value, bwIn.value, bwOut?.value);
    const usualBytesPerPacket = packetSize(pps.mean, bwIn.mean, bwOut?.mean);

    const signals: Signal[] = [
      { feature: "packetsPerSec", value: pps.value, expected: pps.mean, weight: ratioWeight(sig.packets) },
      { feature: "bandwidthInBps", value: bwIn.value, expected: bwIn.mean, weight: ratioWeight(sig.inbound) },
    ];
    if (conns) signals.push({ feature: "connectionsPerSec", value: conns.value, expected: conns.mean, weight: ratioWeight(relativeRatio(conns, bwOut)) });
    if (flows) signals.push({ feature: "flowsPerSec", value: flows.value, expected: flows.mean, weight: ratioWeight(relativeRatio(flows, bwOut)) });
    if (bytesPerPacket !== undefined && usualBytesPerPacket !== undefined) {
      signals.push({ feature: "bytesPerPacket", value: bytesPerPacket, expected: usualBytesPerPacket, weight: 0.5 * ratioWeight(bytesPerPacket / usualBytesPerPacket) });
    }

    const evidence: Record<string, unknown> = {
      packetRatio: round2(pps.ratio),
      inboundRatio: round2(bwIn.ratio),
      outboundRatio: bwOut ? round2(bwOut.ratio) : null,
      connectionRatio: conns ? round2(conns.ratio) : null,
      flowRatio: flows ? round2(flows.ratio) : null,
      bytesPerPacket: bytesPerPacket === undefined ? null : Math.round(bytesPerPacket),
      usualBytesPerPacket: usualBytesPerPacket === undefined ? null : Math.round(usualBytesPerPacket),
      baselineSource: pps.expected.source,
    };
    let flowText = "";
    if (input.flows && input.flows.flows > 0) {
      const facts = flowFacts(input.flows);
      evidence.flows = facts;
      const peers = metricDeviations(sample, input.baseline, ["distinctPeers"]).distinctPeers;
      if (peers) signals.push({ feature: "distinctPeers", value: peers.value, expected: peers.mean, weight: ratioWeight(peers.ratio) });
      flowText =
        ` Flows show ${facts.distinctPeers} distinct peers, ${Math.round(facts.synShare * 100)}% SYN-flagged` +
        (facts.topInbound[0] ? `, most inbound bytes from ${facts.topInbound[0].peer}` : "") +
        ".";
    }

    const sizeText =
      bytesPerPacket !== undefined && usualBytesPerPacket !== undefined
        ? `, ${Math.round(bytesPerPacket)} bytes per packet (usually ${Math.round(usualBytesPerPacket)})`
        : "";
    const rates = [conns ? `connections/s ${formatRatio(conns.ratio)}` : "", flows ? `flows/s ${formatRatio(flows.ratio)}` : ""]
      .filter(Boolean)
      .join(", ");
    const explanation =
      `Packets/s ${formatMetricValue("packetsPerSec", pps.value)} is ${formatRatio(pps.ratio)} the usual ` +
      `${formatMetricValue("packetsPerSec", pps.mean)} for ${describeBaselineTime(pps.expected)} and bandwidth in ` +
      `${formatMetricValue("bandwidthInBps", bwIn.value)} is ${formatRatio(bwIn.ratio)}` +
      (bwOut ? `, while bandwidth out stays ${formatRatio(bwOut.ratio)}` : "") +
      `; ${rates}${sizeText} (z = ${pps.z.toFixed(1)}): a volumetric flood towards the device.` +
      flowText;

    return { deviation: pps, signals, evidence, explanation };
  },
});

/** Bytes per packet over both directions; undefined without packets. */
function packetSize(pps: number, inBps: number, outBps: number | undefined): number | undefined {
  if (!(pps > 0)) return undefined;
  return (inBps + (outBps ?? 0)) / 8 / pps;
}
