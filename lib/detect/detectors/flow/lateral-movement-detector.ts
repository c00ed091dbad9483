// Lateral movement: an internal host opening sessions to many internal hosts (or ports) it has never
// connected to before, within a few minutes — fan-out to NEW internal peers, the administration
// ports an intruder spreads over (SMB 445, RDP 3389, SSH 22, WinRM 5985/5986, RPC 135) counting
// double. What the device connected to before is learnt by its `FlowProfile`, so an admin's jump host
// reaching its usual servers is not new, and a device is not judged before `learnMinutes` minutes of
// flows (cold start). Distinct from the port scan: only connections that carried more than
// SMALL_FLOW_PACKETS packets count here (sessions); sweeps of bare probes are the port-scan
// detector's (flows/s far above usual with near-empty flows), so one sweep does not alert twice.
import { z } from "zod";
import { defineDetector } from "@/lib/detect/detector";
import type { ContactNovelty } from "@/lib/detect/baseline/flow-profile";
import { severityFor } from "@/lib/detect/severity";
import { SMALL_FLOW_PACKETS } from "@/lib/telemetry/flow-rollup";

export const LATERAL_MOVEMENT_DETECTOR_ID = "flow-lateral-movement";
export const LATERAL_MOVEMENT_ANOMALY_TYPE = "lateral_movement";

/** Ports an intruder moves over; a new connection on one weighs `adminPortWeight`. */
export const ADMIN_PORTS: Readonly<Record<number, string>> = { 22: "SSH", 135: "RPC", 139: "SMB", 445: "SMB", 3389: "RDP", 5985: "WinRM", 5986: "WinRM" };

export const lateralMovementConfigSchema = z.object({
  /** Weighted new connections over the window at or above which the fan-out alerts. */
  minScore: z.number().finite().positive(),
  /** …and at least this many distinct internal hosts never contacted before. */
  minNewPeers: z.number().int().min(1),
  /** Minutes summed (this one and the previous ones). */
  windowMinutes: z.number().int().min(1).max(10),
  /** Weight of a new connection on an administration port (others weigh 1). */
  adminPortWeight: z.number().finite().min(1),
  /** Weight of a new port on a host already contacted (a new host weighs 1). */
  newPortWeight: z.number().finite().min(0).max(1),
  /** Minutes of flows the device must have been learnt over before it is judged. */
  learnMinutes: z.number().int().min(0),
});

export type LateralMovementConfig = z.infer<typeof lateralMovementConfigSchema>;

function weightOf(c: ContactNovelty, config: LateralMovementConfig): number {
  if (c.packets <= SMALL_FLOW_PACKETS) return 0;
  const port = ADMIN_PORTS[c.port] ? config.adminPortWeight : 1;
  return c.newPeer ? port : c.newPort ? config.newPortWeight * port : 0;
}

export const lateralMovementDetector = defineDetector({
  id: LATERAL_MOVEMENT_DETECTOR_ID,
  description:
    "Lateral movement: an internal host opening sessions to many internal hosts or ports it has never contacted before within a few minutes (SMB, RDP, SSH, WinRM weigh double). Probe sweeps are left to the port-scan detector. Needs flow data.",
  configSchema: lateralMovementConfigSchema,
  scoreField: "minScore",
  alertTypes: [LATERAL_MOVEMENT_ANOMALY_TYPE],
  threatType: LATERAL_MOVEMENT_ANOMALY_TYPE,
  defaultConfig: { minScore: 12, minNewPeers: 6, windowMinutes: 5, adminPortWeight: 2, newPortWeight: 0.5, learnMinutes: 1440 },
  detect(input, config) {
    const profile = input.flowProfile;
    if (!profile || profile.flowMinutes < config.learnMinutes) return [];
    const t = input.sample.ts.getTime();
    const current = profile.contacts.filter((c) => c.newPeer || c.newPort);
    if (!current.some((c) => weightOf(c, config) > 0)) return [];
    const windowStart = t - (config.windowMinutes - 1) * 60_000;
    const novel = [...profile.recentContacts.filter((r) => r.ts >= windowStart && r.ts < t).flatMap((r) => r.novel), ...current];

    const byPair = new Map<string, { c: ContactNovelty; w: number }>();
    for (const c of novel) {
      const w = weightOf(c, config);
      if (w > 0) byPair.set(`${c.peer}|${c.port}`, { c, w });
    }
    const score = [...byPair.values()].reduce((s, x) => s + x.w, 0);
    const newPeers = new Set([...byPair.values()].filter((x) => x.c.newPeer).map((x) => x.c.peer));
    if (score < config.minScore || newPeers.size < config.minNewPeers) return [];

    const byPort = new Map<number, number>();
    for (const { c } of byPair.values()) byPort.set(c.port, (byPort.get(c.port) ?? 0) + 1);
    const ports = [...byPort].sort((a, b) => b[1] - a[1]).map(([port, count]) => ({ port, service: ADMIN_PORTS[port] ?? null, count }));
    const portText = ports
      .slice(0, 4)
      .map((p) => `${p.count} on ${p.port}${p.service ? ` (${p.service})` : ""}`)
      .join(", ");
    const dropped = profile.contactsDropped;
    const explanation =
      `${newPeers.size} internal hosts never contacted before by this device in the last ${config.windowMinutes} minutes ` +
      `(${byPair.size} new host/port pairs: ${portText}); weighted score ${score.toFixed(1)} ≥ ${config.minScore}, ` +
      `administration ports counting ×${config.adminPortWeight}. Sessions, not probes: fan-out inside the network.` +
      (dropped > 0 ? ` ${dropped} further connections this minute were not itemised.` : "");
    return [
      {
        detector: LATERAL_MOVEMENT_DETECTOR_ID,
        anomalyType: LATERAL_MOVEMENT_ANOMALY_TYPE,
        metric: "distinctPeers",
        severity: severityFor(score, config.minScore),
        score: Math.round(score * 10) / 10,
        observed: { value: newPeers.size, ts: input.sample.ts.toISOString() },
        expected: { low: 0, high: config.minNewPeers },
        explanation,
        contributions: ports.slice(0, 5).map((p) => ({ feature: `port ${p.port}`, value: p.count, share: Math.round((p.count / byPair.size) * 1000) / 1000 })),
        evidence: {
          newPeers: newPeers.size,
          newPairs: byPair.size,
          score: Math.round(score * 10) / 10,
          ports,
          peers: [...byPair.values()].slice(0, 20).map(({ c }) => ({ peer: c.peer, port: c.port, packets: c.packets, newPeer: c.newPeer })),
          notItemised: dropped,
          learntMinutes: profile.flowMinutes,
        },
      },
    ];
  },
});
