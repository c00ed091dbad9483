// Protocol distribution change: the device's protocol mix — TCP/UDP/ICMP/other shares of bytes and of
// flows, and the bytes per service class of destination port — far from its own usual mix for this
// hour ("UDP 80 % of bytes where it is usually 20 %"). The distance is Jensen–Shannon (base 2, so
// 0 = same mix, 1 = nothing in common), computed after shrinking the minute's shares towards the usual
// mix with a pseudo-count of `shrinkFlows` flows, so a minute of a few flows cannot look far away; a
// minute also needs `minFlows` flows and `minBytes` bytes to count at all. The usual mix is the
// device's own, learnt per hour of the week and per hour of the day (`FlowProfile`); the nearer of the
// two is used, so a weekly backup that changes the mix every Sunday at 02:00 is usual once seen. A
// device whose hour has not been learnt yet (cold start) is not judged. A minute with `maxFlowsRatio`
// times the device's usual flows for the hour (its trained baseline) is not judged either: a flood or
// a scan moves the mix too, and the DDoS and scan detectors report it (on the simulator suite this
// detector had added a second alert, and a two-type "campaign", to 17 of its floods and scans).
import { z } from "zod";
import { defineDetector, type DetectorInput } from "@/lib/detect/detector";
import {
  MIX_PARTS,
  PROTOCOL_GROUPS,
  SERVICE_CLASSES,
  type MinuteMix,
  type MixReference,
} from "@/lib/detect/baseline/flow-profile";
import { describeHourOfWeek } from "@/lib/detect/baseline/hour-of-week";
import { expectedFor } from "@/lib/detect/baseline/hour-of-week-baseline";
import { round2 } from "@/lib/detect/detectors/flow/flow-threat-signals";
import { severityFor } from "@/lib/detect/severity";

export const PROTOCOL_SHIFT_DETECTOR_ID = "flow-protocol-shift";
export const PROTOCOL_SHIFT_ANOMALY_TYPE = "protocol_shift";

export const protocolShiftConfigSchema = z.object({
  /** Jensen–Shannon distance (0..1) from the usual mix at or above which a minute is far. */
  minDistance: z.number().finite().min(0.05).max(1),
  /** A minute needs at least this many flows… */
  minFlows: z.number().int().min(1),
  /** …and this many bytes (in + out) to be judged. */
  minBytes: z.number().finite().min(0),
  /** Pseudo-count (flows) of the usual mix added to the minute's before comparing. */
  shrinkFlows: z.number().finite().min(0),
  /** Minutes the usual mix of an hour must have been learnt from before it is used. */
  minReferenceMinutes: z.number().int().min(1),
  /** Far minutes in a row (the previous ones as far as kept) before alerting. */
  confirmMinutes: z.number().int().min(1).max(10),
  /** A minute with this many times the usual flows for the hour is a flood's or a scan's, not judged here. */
  maxFlowsRatio: z.number().finite().gt(1),
});

export type ProtocolShiftConfig = z.infer<typeof protocolShiftConfigSchema>;

/** Jensen–Shannon distance (square root of the divergence, base 2) of two distributions over `from..to`. */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, from = 0, to = p.length): number {
  let sumP = 0;
  let sumQ = 0;
  for (let i = from; i < to; i++) {
    sumP += p[i]!;
    sumQ += q[i]!;
  }
  if (!(sumP > 0) || !(sumQ > 0)) return 0;
  let divergence = 0;
  for (let i = from; i < to; i++) {
    const a = p[i]! / sumP;
    const b = q[i]! / sumQ;
    const m = (a + b) / 2;
    if (a > 0) divergence += 0.5 * a * Math.log2(a / m);
    if (b > 0) divergence += 0.5 * b * Math.log2(b / m);
  }
  return Math.sqrt(Math.max(0, Math.min(1, divergence)));
}

type Part = keyof typeof MIX_PARTS;

interface Judged {
  reference: MixReference;
  distance: number;
  /** The part that moved most, with its distance. */
  part: Part;
  parts: Record<Part, number>;
  shrunk: Float64Array;
}

/** The minute's mix shrunk towards `usual` by `k` pseudo-flows. */
function shrink(m: MinuteMix, usual: Float64Array, k: number): Float64Array {
  const w = m.flows / (m.flows + k);
  const out = new Float64Array(m.mix.length);
  for (let i = 0; i < out.length; i++) out[i] = w * m.mix[i]! + (1 - w) * usual[i]!;
  return out;
}

/** The minute judged against the nearer of its usual mixes; undefined when too small or nothing learnt. */
function judge(m: MinuteMix, input: DetectorInput, config: ProtocolShiftConfig): Judged | undefined {
  if (m.flows < config.minFlows || m.bytes < config.minBytes) return undefined;
  const refs = (input.flowProfile?.references(m.ts) ?? []).filter((r) => r.minutes >= config.minReferenceMinutes);
  let best: Judged | undefined;
  for (const reference of refs) {
    const shrunk = shrink(m, reference.mix, config.shrinkFlows);
    const parts = {} as Record<Part, number>;
    let part: Part = "bytes";
    for (const name of Object.keys(MIX_PARTS) as Part[]) {
      const [from, to] = MIX_PARTS[name];
      parts[name] = jensenShannonDistance(shrunk, reference.mix, from, to);
      if (parts[name] > parts[part]) part = name;
    }
    const distance = parts[part];
    if (!best || distance < best.distance) best = { reference, distance, part, parts, shrunk };
  }
  return best;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** Names and shares of one part, e.g. [["UDP", 0.8, 0.2], …], largest change first. */
function shares(part: Part, now: ArrayLike<number>, usual: ArrayLike<number>): { name: string; now: number; usual: number }[] {
  const [from, to] = MIX_PARTS[part];
  const names: readonly string[] = part === "services" ? SERVICE_CLASSES.map((c) => c.name) : PROTOCOL_GROUPS;
  const out = [];
  for (let i = from; i < to; i++) out.push({ name: names[i - from]!, now: round2(now[i]!), usual: round2(usual[i]!) });
  return out.sort((a, b) => Math.abs(b.now - b.usual) - Math.abs(a.now - a.usual));
}

const PART_TEXT: Record<Part, string> = { bytes: "of bytes", flows: "of flows", services: "of bytes by service" };

export const protocolShiftDetector = defineDetector({
  id: PROTOCOL_SHIFT_DETECTOR_ID,
  description:
    "Protocol distribution change: the device's TCP/UDP/ICMP shares of bytes and flows, or its bytes per service port, far from its own usual mix for this hour (Jensen–Shannon distance, shrunk towards the usual mix for small minutes). Needs flow data.",
  configSchema: protocolShiftConfigSchema,
  scoreField: "minDistance",
  alertTypes: [PROTOCOL_SHIFT_ANOMALY_TYPE],
  threatType: PROTOCOL_SHIFT_ANOMALY_TYPE,
  defaultConfig: { minDistance: 0.3, minFlows: 20, minBytes: 50_000, shrinkFlows: 20, minReferenceMinutes: 45, confirmMinutes: 3, maxFlowsRatio: 4 },
  detect(input, config) {
    const profile = input.flowProfile;
    const m = profile?.mix;
    if (!profile || !m) return [];
    // the minute's flows/s as the baseline learnt them (an interface's own counter when one reports it, else the flows')
    const usualFlows = expectedFor(input.baseline, "flowsPerSec", input.sample.ts);
    const flowsPerSec = input.sample.values.flowsPerSec ?? m.flows / 60;
    if (usualFlows && usualFlows.median > 0 && flowsPerSec >= config.maxFlowsRatio * usualFlows.median) return [];
    const now = judge(m, input, config);
    if (!now || now.distance < config.minDistance) return [];
    // each of the previous confirmMinutes − 1 minutes must have had flows and been far too
    const earlier = profile.recentMixes.filter((r) => r.ts >= m.ts - (config.confirmMinutes - 1) * 60_000 && r.ts < m.ts);
    if (earlier.length < config.confirmMinutes - 1) return [];
    for (const r of earlier) {
      const j = judge(r, input, config);
      if (!j || j.distance < config.minDistance) return [];
    }

    const { reference, part } = now;
    const moved = shares(part, m.mix, reference.mix);
    const top = moved[0]!;
    const when = reference.kind === "hour-of-week" ? describeHourOfWeek(reference.hour) : `${String(reference.hour).padStart(2, "0")}:00 UTC on any day`;
    const topPorts = input.flows?.topDstPorts ?? [];
    const portText = topPorts.length > 0 ? ` Top destination ports: ${topPorts.slice(0, 3).map((p) => `${p.port} (${pct(p.bytes / m.bytes)})`).join(", ")}.` : "";
    const explanation =
      `${top.name} ${pct(top.now)} ${PART_TEXT[part]} where it is usually ${pct(top.usual)} for ${when}` +
      (moved[1] && Math.abs(moved[1].now - moved[1].usual) >= 0.05 ? `, ${moved[1].name} ${pct(moved[1].now)} against ${pct(moved[1].usual)}` : "") +
      ` (Jensen–Shannon distance ${now.distance.toFixed(2)} ≥ ${config.minDistance}, ${m.flows} flows this minute, usual mix learnt over ${Math.round(reference.minutes)} minutes).` +
      portText;
    const seconds = 60;
    return [
      {
        detector: PROTOCOL_SHIFT_DETECTOR_ID,
        anomalyType: PROTOCOL_SHIFT_ANOMALY_TYPE,
        metric: "flowsPerSec",
        severity: severityFor(now.distance, config.minDistance),
        score: Math.round(now.distance * 1000) / 1000,
        observed: { value: m.flows / seconds, ts: input.sample.ts.toISOString() },
        expected: { low: 0, high: config.minDistance },
        explanation,
        contributions: (Object.keys(now.parts) as Part[])
          .map((p) => ({ feature: `${p}Distance`, value: round2(now.parts[p]), share: 0 }))
          .map((c, _i, all) => ({ ...c, share: Math.round((c.value / Math.max(1e-9, all.reduce((s, x) => s + x.value, 0))) * 1000) / 1000 }))
          .sort((a, b) => b.share - a.share),
        evidence: {
          distance: round2(now.distance),
          movedPart: part,
          distances: { bytes: round2(now.parts.bytes), flows: round2(now.parts.flows), services: round2(now.parts.services) },
          reference: { kind: reference.kind, hour: reference.hour, minutes: Math.round(reference.minutes) },
          protocolBytes: shares("bytes", m.mix, reference.mix),
          protocolFlows: shares("flows", m.mix, reference.mix),
          services: shares("services", m.mix, reference.mix).slice(0, 5),
          topDstPorts: topPorts,
          flows: m.flows,
          bytes: Math.round(m.bytes),
        },
      },
    ];
  },
});
