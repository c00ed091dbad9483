// Unusual peers: the device suddenly talks to far more distinct hosts than it does at this hour of the
// week, without a matching rise in flows — fan-out (a worm spreading, beaconing to rotating addresses,
// a host sweep), not more of the usual conversations. A flood or a busy day brings more flows along
// with more peers and is left to the DDoS detector or to nobody. Needs the distinct-peer count, which
// only flows provide: on metrics alone it stays silent.
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
  round2,
  type Signal,
} from "@/lib/detect/detectors/flow/flow-threat-signals";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import type { MetricSample } from "@/lib/telemetry/metrics";

export const UNUSUAL_PEERS_DETECTOR_ID = "flow-unusual-peers";
export const UNUSUAL_PEERS_ANOMALY_TYPE = "unusual_peers";

export const unusualPeersConfigSchema = z.object({
  /** Distinct peers at least this many times the usual. */
  minPeerRatio: z.number().finite().min(1),
  /** …and at least this many more peers than usual (small counts double easily). */
  minExtraPeers: z.number().finite().min(0),
  /** …and at least this many stds above the mean. */
  minZ: flowThreatSettings.minZ,
  /** Flows/s may grow at most this share of the peers' growth (more of everything is load, not fan-out). */
  maxFlowShare: z.number().finite().positive(),
  confirmMinutes: flowThreatSettings.confirmMinutes,
});

export type UnusualPeersConfig = z.infer<typeof unusualPeersConfigSchema>;

function holds(sample: MetricSample, input: DetectorInput, config: UnusualPeersConfig): boolean {
  const peers = deviationOf(sample, input.baseline, "distinctPeers");
  if (!peers || peers.z < config.minZ || peers.ratio < config.minPeerRatio) return false;
  if (peers.value - peers.mean < config.minExtraPeers) return false;
  const flowRate = deviationOf(sample, input.baseline, "flowsPerSec");
  return !flowRate || flowRate.ratio <= config.maxFlowShare * peers.ratio;
}

export const unusualPeersDetector = defineFlowThreat({
  id: UNUSUAL_PEERS_DETECTOR_ID,
  anomalyType: UNUSUAL_PEERS_ANOMALY_TYPE,
  description:
    "Unusual peers: far more distinct peers than this hour of the week's usual without a matching rise in flows (fan-out to new hosts). Needs flow data.",
  configSchema: unusualPeersConfigSchema,
  defaultConfig: { minPeerRatio: 3, minExtraPeers: 20, minZ: 6, maxFlowShare: 0.5, confirmMinutes: 3 },
  holds,
  describe(_held, input) {
    const { sample } = input;
    const d = metricDeviations(sample, input.baseline, ["distinctPeers", "flowsPerSec"]);
    const peers = d.distinctPeers!;
    const flowRate = d.flowsPerSec;
    const signals: Signal[] = [{ feature: "distinctPeers", value: peers.value, expected: peers.mean, weight: ratioWeight(peers.ratio) }];
    if (flowRate) signals.push({ feature: "peersPerFlowRatio", value: peers.ratio / flowRate.ratio, expected: 1, weight: ratioWeight(peers.ratio / flowRate.ratio) });

    const evidence: Record<string, unknown> = {
      peerRatio: round2(peers.ratio),
      flowRatio: flowRate ? round2(flowRate.ratio) : null,
      extraPeers: Math.round(peers.value - peers.mean),
      baselineSource: peers.expected.source,
    };
    let flowText = "";
    if (input.flows && input.flows.flows > 0) {
      const facts = flowFacts(input.flows);
      evidence.flows = facts;
      evidence.topPeers = [...facts.topOutbound, ...facts.topInbound].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
      flowText = ` This minute's flows: ${facts.flows} flows, ${facts.distinctDstPorts} destination ports.`;
    }

    const explanation =
      `Distinct peers ${formatMetricValue("distinctPeers", peers.value)} is ${formatRatio(peers.ratio)} the usual ` +
      `${formatMetricValue("distinctPeers", peers.mean)} for ${describeBaselineTime(peers.expected)}` +
      (flowRate ? ` while flows/s is ${formatRatio(flowRate.ratio)}` : "") +
      ` (z = ${peers.z.toFixed(1)}): the device is reaching many hosts it does not usually talk to.` +
      flowText;

    return { deviation: peers, signals, evidence, explanation };
  },
});
