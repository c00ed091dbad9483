// The fast path's volumetric-flood detector: one host's inbound traffic over a short window (5 s by
// default) against what the host's own recent windows carried. The minute DDoS detector
// (ddos-detector.ts) needs a whole minute plus the lateness allowance; this one judges each window as
// it closes, so a flood is alerted seconds after its flows arrive. Its notions are the minute
// detector's: packets/s or inbound bandwidth several times the usual, relative to the outbound ratio (a
// busy day raises outbound with inbound and is not flagged; a flood only adds inbound), with the same
// default ratios. Either one suffices here, each with its own absolute minimum (as FastNetMon's pps and
// bps thresholds): a flood of small packets need not triple the bandwidth of a host that usually
// receives large ones, and a flood of large packets need not triple its packet rate. The "usual" is the host's recent windows: the larger of their EWMA and
// their decaying peak, floored, so a host's ordinary bursts are the bar; a host too new to have a
// baseline needs a much larger absolute rate. Flows/s and distinct sources are evidence, not
// required: one window may hold a single long-lived flood flow.
// Pure: the window (counts, start, length) and the baseline come in as data; no clock.
import { z } from "zod";
import { defineDetector, type Detection } from "@/lib/detect/detector";
import { ddosDetector } from "@/lib/detect/detectors/flow/ddos-detector";
import { contributionsOf, formatRatio, ratioWeight, round, round2, type Signal } from "@/lib/detect/detectors/flow/flow-threat-signals";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { severityFor } from "@/lib/detect/severity";

export const FAST_FLOOD_DETECTOR_ID = "flow-ddos-fast";
/** The minute DDoS detector's type, so both land in the same alert (dedup key device + type). */
export const FAST_FLOOD_ANOMALY_TYPE = ddosDetector.alertTypes[0]!;

/** The per-second rates a window is judged on, in this order in every baseline. */
export const WINDOW_RATES = ["packetsPerSec", "inboundBps", "flowsPerSec", "distinctSources", "outboundBps"] as const;
export type WindowRate = (typeof WINDOW_RATES)[number];

export interface PeerCount {
  peer: string;
  bytes: number;
}

export interface PortCount {
  /** "protocol/port", e.g. "17/53". */
  port: string;
  packets: number;
}

/** One host's traffic in one closed window. */
export interface HostWindow {
  host: string;
  startMs: number;
  windowMs: number;
  /**
   * When it was judged: its end once closed, or earlier for a window still open whose counts so far
   * already hold a flood (rates are still per its whole length, so an open window never looks busier
   * than it will be).
   */
  judgedAtMs: number;
  packetsIn: number;
  bytesIn: number;
  flowsIn: number;
  synFlowsIn: number;
  distinctSources: number;
  packetsOut: number;
  bytesOut: number;
  topSources: readonly PeerCount[];
  topPorts: readonly PortCount[];
}

/** What the host's earlier windows taught, per rate: EWMA and decaying peak. */
export interface HostWindowBaseline {
  /** Windows learnt so far. */
  windows: number;
  mean: Readonly<Record<WindowRate, number>>;
  peak: Readonly<Record<WindowRate, number>>;
}

export interface FastFloodInput {
  window: HostWindow;
  baseline: HostWindowBaseline;
}

export const fastFloodConfigSchema = z.object({
  /** Packets/s ratio to the host's usual windows, relative to the outbound ratio (the minute DDoS detector's default). */
  minPacketRatio: z.number().finite().min(1),
  /** Inbound-bandwidth ratio, relative to the outbound ratio. */
  minInboundRatio: z.number().finite().min(1),
  /** The absolute minimum of a packet-rate finding (tiny hosts never alert), and of a bandwidth finding. */
  minPacketsPerSec: z.number().finite().min(0),
  minInboundBps: z.number().finite().min(0),
  /** A host with fewer learnt windows than this is judged on the cold minima instead. */
  warmupWindows: z.number().int().min(0),
  coldMinPacketsPerSec: z.number().finite().min(0),
  coldMinInboundBps: z.number().finite().min(0),
  /** The usual level is never taken below these (a near-idle host's ×100 is still small). */
  floorPacketsPerSec: z.number().finite().positive(),
  floorBps: z.number().finite().positive(),
  floorFlowsPerSec: z.number().finite().positive(),
});

export type FastFloodConfig = z.infer<typeof fastFloodConfigSchema>;

const ddosDefaults = ddosDetector.defaultConfig;

function floorOf(rate: WindowRate, config: FastFloodConfig): number {
  switch (rate) {
    case "packetsPerSec":
      return config.floorPacketsPerSec;
    case "inboundBps":
    case "outboundBps":
      return config.floorBps;
    case "flowsPerSec":
      return config.floorFlowsPerSec;
    case "distinctSources":
      return 1;
  }
}

/** The per-second rates of a window. */
export function windowRates(w: HostWindow): Record<WindowRate, number> {
  const seconds = w.windowMs / 1000;
  return {
    packetsPerSec: w.packetsIn / seconds,
    inboundBps: (w.bytesIn * 8) / seconds,
    flowsPerSec: w.flowsIn / seconds,
    distinctSources: w.distinctSources,
    outboundBps: (w.bytesOut * 8) / seconds,
  };
}

/** The usual level a rate is compared with: the larger of EWMA and decaying peak, floored. */
export function usualLevel(baseline: HostWindowBaseline, rate: WindowRate, config: FastFloodConfig): number {
  return Math.max(baseline.mean[rate], baseline.peak[rate], floorOf(rate, config));
}

export const fastFloodDetector = defineDetector<FastFloodConfig, FastFloodInput, typeof FAST_FLOOD_DETECTOR_ID>({
  id: FAST_FLOOD_DETECTOR_ID,
  description:
    "Fast path for volumetric floods: each host's inbound packets/s and bandwidth over a short window (seconds) far above its recent windows, while its outbound stays usual; alerts within seconds of the flood's flows arriving.",
  configSchema: fastFloodConfigSchema,
  scoreField: "minPacketRatio",
  alertTypes: [FAST_FLOOD_ANOMALY_TYPE],
  threatType: FAST_FLOOD_ANOMALY_TYPE,
  defaultConfig: {
    minPacketRatio: ddosDefaults.minPacketRatio,
    minInboundRatio: ddosDefaults.minInboundRatio,
    minPacketsPerSec: 5_000,
    minInboundBps: 50e6,
    warmupWindows: 12,
    coldMinPacketsPerSec: 50_000,
    coldMinInboundBps: 500e6,
    floorPacketsPerSec: 200,
    floorBps: 1e6,
    floorFlowsPerSec: 1,
  },
  detect({ window, baseline }, config): Detection[] {
    const rates = windowRates(window);
    const cold = baseline.windows < config.warmupWindows;
    const minPps = cold ? config.coldMinPacketsPerSec : config.minPacketsPerSec;
    const minBps = cold ? config.coldMinInboundBps : config.minInboundBps;
    // the absolute bar first: on an ordinary window nothing else needs computing
    if (rates.packetsPerSec < minPps && rates.inboundBps < minBps) return [];

    const usual = Object.fromEntries(WINDOW_RATES.map((r) => [r, usualLevel(baseline, r, config)])) as Record<WindowRate, number>;
    const ratio = (r: WindowRate) => rates[r] / usual[r];
    // as the minute detector does: a busy day moves outbound with inbound, so divide by the outbound ratio
    const outbound = Math.max(ratio("outboundBps"), 1);
    const packets = ratio("packetsPerSec") / outbound;
    const inbound = ratio("inboundBps") / outbound;
    const byPackets = packets >= config.minPacketRatio && rates.packetsPerSec >= minPps;
    const byBytes = inbound >= config.minInboundRatio && rates.inboundBps >= minBps;
    if (!byPackets && !byBytes) return [];
    // scored on the dimension that holds (the packet rate when both do), against its own ratio
    const [metric, score, threshold] = byPackets
      ? (["packetsPerSec", packets, config.minPacketRatio] as const)
      : (["bandwidthInBps", inbound, config.minInboundRatio] as const);
    const value = byPackets ? rates.packetsPerSec : rates.inboundBps;
    const usualValue = byPackets ? usual.packetsPerSec : usual.inboundBps;
    const usualMean = byPackets ? baseline.mean.packetsPerSec : baseline.mean.inboundBps;

    const signals: Signal[] = [
      { feature: "packetsPerSec", value: rates.packetsPerSec, expected: usual.packetsPerSec, weight: ratioWeight(packets) },
      { feature: "bandwidthInBps", value: rates.inboundBps, expected: usual.inboundBps, weight: ratioWeight(inbound) },
      { feature: "flowsPerSec", value: rates.flowsPerSec, expected: usual.flowsPerSec, weight: 0.5 * ratioWeight(ratio("flowsPerSec")) },
      { feature: "distinctPeers", value: rates.distinctSources, expected: usual.distinctSources, weight: 0.5 * ratioWeight(ratio("distinctSources")) },
    ];
    const endMs = window.startMs + window.windowMs;
    const seconds = window.windowMs / 1000;
    const evidence: Record<string, unknown> = {
      fastPath: true,
      host: window.host,
      window: { start: new Date(window.startMs).toISOString(), end: new Date(endMs).toISOString(), seconds, judgedAt: new Date(window.judgedAtMs).toISOString() },
      coldBaseline: cold,
      baselineWindows: baseline.windows,
      packetsPerSec: round(rates.packetsPerSec),
      usualPacketsPerSec: round(usual.packetsPerSec),
      inboundBps: round(rates.inboundBps),
      usualInboundBps: round(usual.inboundBps),
      outboundBps: round(rates.outboundBps),
      usualOutboundBps: round(usual.outboundBps),
      flowsPerSec: round(rates.flowsPerSec),
      usualFlowsPerSec: round(usual.flowsPerSec),
      packetRatio: round2(packets),
      inboundRatio: round2(inbound),
      outboundRatio: round2(ratio("outboundBps")),
      distinctSources: window.distinctSources,
      synShare: window.flowsIn > 0 ? round2(window.synFlowsIn / window.flowsIn) : 0,
      topSources: window.topSources,
      topPorts: window.topPorts,
    };
    const top = window.topSources[0];
    const explanation =
      `Fast path, ${seconds} s window: packets/s towards ${window.host} ${formatMetricValue("packetsPerSec", rates.packetsPerSec)} is ` +
      `${formatRatio(ratio("packetsPerSec"))} its usual ${formatMetricValue("packetsPerSec", usual.packetsPerSec)}` +
      (cold ? " (no baseline yet: above the cold-start minimum)" : "") +
      ` and bandwidth in ${formatMetricValue("bandwidthInBps", rates.inboundBps)} is ${formatRatio(ratio("inboundBps"))}, ` +
      `while bandwidth out stays ${formatRatio(ratio("outboundBps"))}; ${window.flowsIn} flows from ` +
      `${window.distinctSources} distinct sources` +
      (top ? `, most bytes from ${top.peer}` : "") +
      (window.topPorts[0] ? `, most packets to ${window.topPorts[0].port}` : "") +
      ": a volumetric flood towards the host.";
    return [
      {
        detector: FAST_FLOOD_DETECTOR_ID,
        anomalyType: FAST_FLOOD_ANOMALY_TYPE,
        metric,
        // the stronger of the ratio and the rate against the cold-start bar: a flood that began late in a
        // window is partly in the next window's baseline (its ratio then looks modest), yet 100,000
        // packets/s towards one host is critical whatever the host usually sees
        severity: severityFor(Math.max(score / threshold, byPackets ? rates.packetsPerSec / config.coldMinPacketsPerSec : rates.inboundBps / config.coldMinInboundBps), 1),
        score,
        observed: { value, ts: new Date(window.judgedAtMs).toISOString() },
        expected: { low: 0, high: usualValue * threshold, mean: usualMean },
        explanation,
        contributions: contributionsOf(signals),
        evidence,
      },
    ];
  },
});
