// Port scan: one source probing many ports or hosts with a packet or two each. Flows/s jumps far above
// this hour of the week's usual while bytes and packets barely move (each probe is ~40 bytes), and
// connection attempts grow far less than flows (most probes never become connections; a slow
// application-layer attack is the opposite). Flows, when there are any, add the distinct destination
// ports, the share of 1–2 packet flows and the few sources behind them as evidence.
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

export const PORT_SCAN_DETECTOR_ID = "flow-port-scan";
export const PORT_SCAN_ANOMALY_TYPE = "port_scan";

export const portScanConfigSchema = z.object({
  /** Flows/s ratio relative to the outbound-bandwidth ratio (×1 = in step with the load). */
  minFlowRatio: z.number().finite().min(1),
  /** Connections/s may grow at most this share of the flows' growth (an application-layer attack's is higher). */
  maxConnectionShare: z.number().finite().positive(),
  /** Inbound bandwidth may rise at most this much relative to outbound (probes carry almost nothing). */
  maxInboundRatio: z.number().finite().min(1),
  /** Packets/s may rise at most this much relative to outbound. */
  maxPacketRatio: z.number().finite().min(1),
  /** Flows/s must be at least this many stds above its mean. */
  minZ: flowThreatSettings.minZ,
  confirmMinutes: flowThreatSettings.confirmMinutes,
});

export type PortScanConfig = z.infer<typeof portScanConfigSchema>;

interface Signature {
  d: Deviations;
  flows: number;
}

function signature(sample: MetricSample, input: DetectorInput, config: PortScanConfig): Signature | undefined {
  // the flow rate first: on an ordinary minute nothing else needs looking up
  const flowRate = deviationOf(sample, input.baseline, "flowsPerSec");
  if (!flowRate || flowRate.z < config.minZ) return undefined;
  const d: Deviations = {
    flowsPerSec: flowRate,
    ...metricDeviations(sample, input.baseline, ["connectionsPerSec", "bandwidthInBps", "bandwidthOutBps", "packetsPerSec"]),
  };
  const { connectionsPerSec: conns, bandwidthInBps: bwIn, bandwidthOutBps: bwOut, packetsPerSec: pps } = d;
  const flows = relativeRatio(flowRate, bwOut);
  if (flows < config.minFlowRatio) return undefined;
  if (bwIn && relativeRatio(bwIn, bwOut) > config.maxInboundRatio) return undefined;
  if (pps && relativeRatio(pps, bwOut) > config.maxPacketRatio) return undefined;
  // Exporters without TCP flags report no connections: flows alone must then tell.
  if (conns && conns.ratio > config.maxConnectionShare * flowRate.ratio) return undefined;
  return { d, flows };
}

export const portScanDetector = defineFlowThreat({
  id: PORT_SCAN_DETECTOR_ID,
  anomalyType: PORT_SCAN_ANOMALY_TYPE,
  description:
    "Port scan: flows/s far above this hour of the week's usual with hardly any bytes or packets per flow, and far fewer new connections than flows.",
  configSchema: portScanConfigSchema,
  defaultConfig: { minFlowRatio: 5, maxConnectionShare: 0.6, maxInboundRatio: 2, maxPacketRatio: 2.5, minZ: 6, confirmMinutes: 2 },
  holds: signature,
  describe(sig, input) {
    const { sample } = input;
    const { d } = sig;
    const flowRate = d.flowsPerSec!;
    const { connectionsPerSec: conns, bandwidthInBps: bwIn, bandwidthOutBps: bwOut, packetsPerSec: pps } = d;

    const bytes = (bwIn?.value ?? 0) + (bwOut?.value ?? 0);
    const usualBytes = (bwIn?.mean ?? 0) + (bwOut?.mean ?? 0);
    const bytesPerFlow = flowRate.value > 0 && bytes > 0 ? bytes / 8 / flowRate.value : undefined;
    const usualBytesPerFlow = flowRate.mean > 0 && usualBytes > 0 ? usualBytes / 8 / flowRate.mean : undefined;
    const signals: Signal[] = [{ feature: "flowsPerSec", value: flowRate.value, expected: flowRate.mean, weight: ratioWeight(sig.flows) }];
    if (bytesPerFlow !== undefined && usualBytesPerFlow !== undefined) {
      signals.push({ feature: "bytesPerFlow", value: bytesPerFlow, expected: usualBytesPerFlow, weight: 0.5 * ratioWeight(bytesPerFlow / usualBytesPerFlow) });
    }
    if (conns) signals.push({ feature: "connectionsPerSec", value: conns.value, expected: conns.mean, weight: 0.5 * ratioWeight(relativeRatio(conns, bwOut)) });

    const evidence: Record<string, unknown> = {
      flowRatio: round2(flowRate.ratio),
      connectionRatio: conns ? round2(conns.ratio) : null,
      inboundRatio: bwIn ? round2(bwIn.ratio) : null,
      outboundRatio: bwOut ? round2(bwOut.ratio) : null,
      packetRatio: pps ? round2(pps.ratio) : null,
      bytesPerFlow: bytesPerFlow === undefined ? null : Math.round(bytesPerFlow),
      usualBytesPerFlow: usualBytesPerFlow === undefined ? null : Math.round(usualBytesPerFlow),
      baselineSource: flowRate.expected.source,
    };
    let flowText = "";
    const f = input.flows;
    if (f && f.flows > 0) {
      const facts = flowFacts(f);
      evidence.flows = facts;
      evidence.distinctDstPorts = f.distinctDstPorts;
      evidence.distinctPeers = f.distinctPeers;
      const ports = metricDeviations(sample, input.baseline, ["distinctDstPorts"]).distinctDstPorts;
      signals.push({ feature: "distinctDstPorts", value: f.distinctDstPorts, ...(ports ? { expected: ports.mean } : {}), weight: ports ? ratioWeight(ports.ratio) : 1 });
      let smallText = "";
      if (f.smallFlows !== undefined) {
        evidence.smallFlows = f.smallFlows;
        const share = f.smallFlows / f.flows;
        signals.push({ feature: "smallFlowShare", value: share, weight: share });
        smallText = `, ${Math.round(share * 100)}% of flows with at most 2 packets`;
      }
      flowText = ` Flows show ${f.distinctDstPorts} distinct destination ports from ${f.distinctPeers} peers${smallText}.`;
    }

    const explanation =
      `Flows/s ${formatMetricValue("flowsPerSec", flowRate.value)} is ${formatRatio(flowRate.ratio)} the usual ` +
      `${formatMetricValue("flowsPerSec", flowRate.mean)} for ${describeBaselineTime(flowRate.expected)}` +
      (conns ? ` while connections/s is only ${formatRatio(conns.ratio)}` : "") +
      (bwIn ? ` and bandwidth in ${formatRatio(bwIn.ratio)}` : "") +
      (bytesPerFlow !== undefined && usualBytesPerFlow !== undefined
        ? `; ${Math.round(bytesPerFlow)} bytes per flow against a usual ${Math.round(usualBytesPerFlow)}`
        : "") +
      ` (z = ${flowRate.z.toFixed(1)}): many near-empty probes, a port scan.` +
      flowText;

    return { deviation: flowRate, signals, evidence, explanation };
  },
});
