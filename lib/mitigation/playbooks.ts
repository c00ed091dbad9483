// The playbooks: what Tidewatch does about each threat it can mitigate, one typed definition per threat
// (a Record over MitigatedThreat, so a threat added without a playbook does not compile). A playbook
// names the alert types it answers and builds the route from the alert (pure: the alert in, a route
// out, or why there is none). The notification channels carry the alert itself; sending each
// mitigation's proposal and status changes to them too (so a firewall or EDR webhook can act) is not
// built yet. The defaults below are what an admin's stored settings
// (mitigation_playbook_settings) override: manual approval, enabled, a 60-minute TTL.
import ipaddr from "ipaddr.js";
import { APP_DDOS_ANOMALY_TYPE } from "../detect/detectors/flow/app-ddos-detector";
import { DDOS_ANOMALY_TYPE } from "../detect/detectors/flow/ddos-detector";
import { EXFILTRATION_ANOMALY_TYPE } from "../detect/detectors/flow/exfiltration-detector";
import { SLOW_EXFILTRATION_ANOMALY_TYPE } from "../detect/detectors/flow/slow-exfiltration-detector";
import type { MitigationRoute } from "./bgp-speaker";
import { hostPrefix } from "./prefix-safety";

export const MITIGATED_THREATS = ["ddos", "exfiltration"] as const;
export type MitigatedThreat = (typeof MITIGATED_THREATS)[number];
/** A playbook is named by the threat it answers. */
export type PlaybookId = MitigatedThreat;

/** RFC 7999's well-known BLACKHOLE community. */
export const BLACKHOLE_COMMUNITY = "65535:666";

/** What a playbook reads from an alert. */
export interface PlaybookAlert {
  alertType: string;
  /** The attacked (DDoS) or leaking (exfiltration) host: the alert's device address. */
  address: string | null;
  /** The detector's evidence as stored on the alert. */
  evidence: unknown;
}

export type PlannedRoute = { route: MitigationRoute; why: string } | { route: null; why: string };

export interface PlaybookSettings {
  enabled: boolean;
  /** Automatic: announced without a human when the detector and AI gates pass. */
  automatic: boolean;
  ttlMinutes: number;
}

export interface PlaybookDefinition {
  id: PlaybookId;
  title: string;
  description: string;
  /** The alert types (alerts.alert_type) this playbook answers. */
  alertTypes: readonly string[];
  defaults: PlaybookSettings;
  buildRoute(alert: PlaybookAlert): PlannedRoute;
}

const DEFAULTS: PlaybookSettings = { enabled: true, automatic: false, ttlMinutes: 60 };

export const PLAYBOOKS: Readonly<Record<MitigatedThreat, PlaybookDefinition>> = {
  ddos: {
    id: "ddos",
    title: "Volumetric DDoS: blackhole or FlowSpec",
    description:
      "A remote-triggered blackhole of the attacked host (/32 or /128, community 65535:666, RFC 7999); a FlowSpec rule (RFC 8955) " +
      "instead when the evidence names the attack precisely enough: its protocol/ports, or a single source.",
    alertTypes: [DDOS_ANOMALY_TYPE, APP_DDOS_ANOMALY_TYPE],
    defaults: DEFAULTS,
    buildRoute(alert) {
      const host = hostOf(alert.address);
      if (!host) return { route: null, why: "the alert's device has no IP address to protect" };
      const sig = attackSignature(alert.evidence);
      if (sig && (sig.protocols || sig.destinationPorts || sig.sources.length === 1)) {
        const route: MitigationRoute = {
          kind: "flowspec",
          destination: host,
          ...(sig.sources.length === 1 ? { source: sig.sources[0] } : {}),
          ...(sig.protocols ? { protocols: sig.protocols } : {}),
          ...(sig.destinationPorts ? { destinationPorts: sig.destinationPorts } : {}),
          ...(sig.sourcePorts ? { sourcePorts: sig.sourcePorts } : {}),
          action: sig.rateLimitBytesPerSecond ? { type: "rate-limit", bytesPerSecond: sig.rateLimitBytesPerSecond } : { type: "discard" },
        };
        return { route, why: `the evidence names the attack (${sig.names}): only that traffic is dropped, the host stays reachable` };
      }
      return {
        route: { kind: "blackhole", prefix: host, communities: [BLACKHOLE_COMMUNITY] },
        why: "a distributed flood with no narrower signature: the attacked host is blackholed upstream so the flood stops before the link",
      };
    },
  },
  exfiltration: {
    id: "exfiltration",
    title: "Exfiltration: block the host's outbound flow",
    description:
      "A FlowSpec discard of the leaking host's traffic to the destination the evidence names (RFC 8955). Without a named destination " +
      "nothing is announced and the notification channels (e.g. a firewall or EDR webhook) carry the alert.",
    alertTypes: [EXFILTRATION_ANOMALY_TYPE, SLOW_EXFILTRATION_ANOMALY_TYPE],
    defaults: DEFAULTS,
    buildRoute(alert) {
      const host = hostOf(alert.address);
      if (!host) return { route: null, why: "the alert's device has no IP address to block" };
      const peer = exfiltrationDestination(alert.evidence);
      if (!peer) return { route: null, why: "the evidence names no destination to block" };
      return {
        route: { kind: "flowspec", source: host, destination: peer, action: { type: "discard" } },
        why: `the host's traffic to ${peer} is dropped; the rest of its traffic flows`,
      };
    },
  },
};

/** The playbook answering an alert type, if any. */
export function playbookFor(alertType: string): PlaybookDefinition | undefined {
  return Object.values(PLAYBOOKS).find((p) => p.alertTypes.includes(alertType));
}

export function isPlaybookId(id: string): id is PlaybookId {
  return (MITIGATED_THREATS as readonly string[]).includes(id);
}

/** Every alert type some playbook answers. */
export const MITIGATED_ALERT_TYPES: readonly string[] = Object.values(PLAYBOOKS).flatMap((p) => p.alertTypes);

function hostOf(address: string | null): string | null {
  if (!address) return null;
  try {
    return hostPrefix(address);
  } catch {
    return null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const ports = (v: unknown): number[] | undefined => {
  if (!Array.isArray(v)) return undefined;
  const ok = v.filter((p): p is number => Number.isInteger(p) && p >= 0 && p <= 65535);
  return ok.length > 0 ? [...new Set(ok)].slice(0, 16) : undefined;
};

interface AttackSignature {
  protocols?: number[];
  destinationPorts?: number[];
  sourcePorts?: number[];
  sources: string[];
  rateLimitBytesPerSecond?: number;
  names: string;
}

/**
 * What the evidence says about the attack's traffic: an explicit `attack` block (protocols, ports,
 * sources, optionally a rate) when a detector provides one, else a single inbound source seen in the
 * flows (one peer: a DoS, not a distributed attack, so dropping that source is enough).
 */
export function attackSignature(evidence: unknown): AttackSignature | null {
  if (!isObject(evidence)) return null;
  const attack = isObject(evidence.attack) ? evidence.attack : null;
  const protocols = ports(attack?.protocols)?.filter((p) => p <= 255);
  const destinationPorts = ports(attack?.destinationPorts);
  const sourcePorts = ports(attack?.sourcePorts);
  let sources = Array.isArray(attack?.sources) ? attack.sources.flatMap((s) => (typeof s === "string" && hostOf(s) ? [hostOf(s)!] : [])) : [];
  const flows = isObject(evidence.flows) ? evidence.flows : null;
  if (sources.length === 0 && flows && flows.distinctPeers === 1 && Array.isArray(flows.topInbound) && isObject(flows.topInbound[0])) {
    const peer = hostOf(typeof flows.topInbound[0].peer === "string" ? flows.topInbound[0].peer : null);
    if (peer) sources = [peer];
  }
  const rate = typeof attack?.rateLimitBytesPerSecond === "number" && attack.rateLimitBytesPerSecond > 0 ? Math.round(attack.rateLimitBytesPerSecond) : undefined;
  const names = [
    protocols?.length ? `protocol ${protocols.join(",")}` : "",
    destinationPorts?.length ? `destination port ${destinationPorts.join(",")}` : "",
    sourcePorts?.length ? `source port ${sourcePorts.join(",")}` : "",
    sources.length === 1 ? `the single source ${sources[0]}` : "",
  ].filter(Boolean);
  if (names.length === 0) return null;
  return { protocols: protocols?.length ? protocols : undefined, destinationPorts, sourcePorts, sources, rateLimitBytesPerSecond: rate, names: names.join(", ") };
}

/** The external destination an exfiltration alert names: this minute's focus, or the window's top one. */
function exfiltrationDestination(evidence: unknown): string | null {
  if (!isObject(evidence)) return null;
  for (const key of ["destination", "currentTopDestination"]) {
    const d = evidence[key];
    if (isObject(d) && typeof d.peer === "string" && ipaddr.isValid(d.peer)) return hostOf(d.peer);
  }
  return null;
}
