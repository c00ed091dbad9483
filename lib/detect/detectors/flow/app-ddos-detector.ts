// Slow application-layer DDoS (Slowloris-like): many clients each holding a connection open with a
// trickle of bytes. Connections/s and flows/s jump far above this hour of the week's usual while
// bandwidth and packets barely move, and connections grow at least as much as flows (a port scan is
// the opposite: flows far ahead of connections). Flows, when there are any, add the count of long,
// low-byte flows and the clients as evidence.
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

export const APP_DDOS_DETECTOR_ID = "flow-app-ddos";
export const APP_DDOS_ANOMALY_TYPE = "app_ddos";

export const appDdosConfigSchema = z.object({
  /** Connections/s ratio relative to the outbound-bandwidth ratio (×1 = in step with the load). */
  minConnectionRatio: z.number().finite().min(1),
  /** Flows/s ratio relative to the outbound-bandwidth ratio. */
  minFlowRatio: z.number().finite().min(1),
  /** Inbound bandwidth may rise at most this much relative to outbound ("barely moves"). */
  maxInboundRatio: z.number().finite().min(1),
  /** Packets/s may rise at most this much relative to outbound (a volumetric flood is the DDoS detector's). */
  maxPacketRatio: z.number().finite().min(1),
  /** Connections must grow at least this share of the flows' growth (a port scan's is far lower). */
  minConnectionShare: z.number().finite().positive(),
  /** Connections/s must be at least this many stds above its mean. */
  minZ: flowThreatSettings.minZ,
  confirmMinutes: flowThreatSettings.confirmMinutes,
});

export type AppDdosConfig = z.infer<typeof appDdosConfigSchema>;

interface Signature {
  d: Deviations;
  connections: number;
  flows: number;
  inbound: number;
}

function signature(sample: MetricSample, input: DetectorInput, config: AppDdosConfig): Signature | undefined {
  // the connection rate first: on an ordinary minute nothing else needs looking up
  const conns = deviationOf(sample, input.baseline, "connectionsPerSec");
  if (!conns || conns.z < config.minZ) return undefined;
  const d: Deviations = {
    connectionsPerSec: conns,
    ...metricDeviations(sample, input.baseline, ["flowsPerSec", "bandwidthInBps", "bandwidthOutBps", "packetsPerSec"]),
  };
  const { flowsPerSec: flowRate, bandwidthInBps: bwIn, bandwidthOutBps: bwOut, packetsPerSec: pps } = d;
  if (!flowRate || !bwIn) return undefined;
  const connections = relativeRatio(conns, bwOut);
  const flows = relativeRatio(flowRate, bwOut);
  const inbound = relativeRatio(bwIn, bwOut);
  if (connections < config.minConnectionRatio || flows < config.minFlowRatio) return undefined;
  if (inbound > config.maxInboundRatio || (pps && relativeRatio(pps, bwOut) > config.maxPacketRatio)) return undefined;
  if (conns.ratio < config.minConnectionShare * flowRate.ratio) return undefined;
  return { d, connections, flows, inbound };
}

export const appDdosDetector = defineFlowThreat({
  id: APP_DDOS_DETECTOR_ID,
  anomalyType: APP_DDOS_ANOMALY_TYPE,
  description:
    "Slow application-layer DDoS: connections/s and flows/s far above this hour of the week's usual while bandwidth and packets barely move.",
  configSchema: appDdosConfigSchema,
  defaultConfig: {
    minConnectionRatio: 4,
    minFlowRatio: 3,
    maxInboundRatio: 2,
    maxPacketRatio: 2.5,
    minConnectionShare: 0.6,
    minZ: 6,
    confirmMinutes: 2,
  },
  holds: signature,
  describe(sig, input) {
    const { sample } = input;
    const { d } = sig;
    const conns = d.connectionsPerSec!;
    const flowRate = d.flowsPerSec!;
    const bwIn = d.bandwidthInBps!;
    const { bandwidthOutBps: bwOut, packetsPerSec: pps } = d;
    const memory = metricDeviations(sample, input.baseline, ["memoryPct"]).memoryPct;

    // bytes each new connection brings in: a slow client brings a trickle
    const bytesPerConnection = conns.value > 0 ? bwIn.value / 8 / conns.value : undefined;
    const usualBytesPerConnection = conns.mean > 0 ? bwIn.mean / 8 / conns.mean : undefined;
    const signals: Signal[] = [
      { feature: "connectionsPerSec", value: conns.value, expected: conns.mean, weight: ratioWeight(sig.connections) },
      { feature: "flowsPerSec", value: flowRate.value, expected: flowRate.mean, weight: ratioWeight(sig.flows) },
    ];
    if (bytesPerConnection !== undefined && usualBytesPerConnection !== undefined) {
      signals.push({ feature: "inboundBytesPerConnection", value: bytesPerConnection, expected: usualBytesPerConnection, weight: 0.5 * ratioWeight(bytesPerConnection / usualBytesPerConnection) });
    }
    if (memory && memory.z > 3) signals.push({ feature: "memoryPct", value: memory.value, expected: memory.mean, weight: 0.5 });

    const evidence: Record<string, unknown> = {
      connectionRatio: round2(conns.ratio),
      flowRatio: round2(flowRate.ratio),
      inboundRatio: round2(bwIn.ratio),
      outboundRatio: bwOut ? round2(bwOut.ratio) : null,
      packetRatio: pps ? round2(pps.ratio) : null,
      memoryRisePoints: memory ? round2(memory.value - memory.mean) : null,
      bytesPerConnection: bytesPerConnection === undefined ? null : Math.round(bytesPerConnection),
      usualBytesPerConnection: usualBytesPerConnection === undefined ? null : Math.round(usualBytesPerConnection),
      baselineSource: conns.expected.source,
    };
    let flowText = "";
    const f = input.flows;
    if (f && f.flows > 0) {
      const facts = flowFacts(f);
      evidence.flows = facts;
      if (f.longLowByteFlows !== undefined) {
        evidence.longLowByteFlows = f.longLowByteFlows;
        const share = f.longLowByteFlows / f.flows;
        signals.push({ feature: "longLowByteFlowShare", value: share, weight: share });
        flowText = ` Flows show ${f.longLowByteFlows} of ${f.flows} flows lasting 30 s or more at a trickle, from ${facts.distinctPeers} distinct peers.`;
      } else {
        flowText = ` Flows show ${f.flows} flows from ${facts.distinctPeers} distinct peers, ${facts.bytesPerFlow} bytes per flow.`;
      }
    }

    const memoryText = memory && memory.z > 3 ? `, memory ${(memory.value - memory.mean).toFixed(1)} points above usual` : "";
    const explanation =
      `Connections/s ${formatMetricValue("connectionsPerSec", conns.value)} is ${formatRatio(conns.ratio)} the usual ` +
      `${formatMetricValue("connectionsPerSec", conns.mean)} for ${describeBaselineTime(conns.expected)} and flows/s ` +
      `${formatRatio(flowRate.ratio)}, yet bandwidth in is only ${formatRatio(bwIn.ratio)}` +
      (bwOut ? ` (out ${formatRatio(bwOut.ratio)})` : "") +
      `${memoryText} (z = ${conns.z.toFixed(1)}): many connections carrying almost nothing, a slow application-layer attack.` +
      flowText;

    return { deviation: conns, signals, evidence, explanation };
  },
});
