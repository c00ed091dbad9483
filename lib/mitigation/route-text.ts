// A route's identity and its one-line description. The key matches Postgres rows to what the speaker
// says it announces (reconciliation), so it is computed here from the route itself for both sides,
// whatever key a speaker reports: lists are sorted, absent fields are absent.
import type { MitigationRoute } from "./bgp-speaker";

const sorted = <T extends string | number>(xs: readonly T[] | undefined): T[] | undefined =>
  xs && xs.length > 0 ? [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : undefined;

export function routeKey(route: MitigationRoute): string {
  if (route.kind === "blackhole") return `blackhole|${route.prefix.toLowerCase()}`;
  const parts = [
    "flowspec",
    `dst=${route.destination.toLowerCase()}`,
    route.source ? `src=${route.source.toLowerCase()}` : "",
    sorted(route.protocols) ? `proto=${sorted(route.protocols)!.join(",")}` : "",
    sorted(route.destinationPorts) ? `dport=${sorted(route.destinationPorts)!.join(",")}` : "",
    sorted(route.sourcePorts) ? `sport=${sorted(route.sourcePorts)!.join(",")}` : "",
    route.action.type === "discard" ? "discard" : `rate=${route.action.bytesPerSecond}`,
  ];
  return parts.filter(Boolean).join("|");
}

const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6" };

/** "blackhole 203.0.113.7/32 (65535:666)" or "flowspec 198.51.100.9/32 → 203.0.113.7/32 UDP dport 53: discard". */
export function describeRoute(route: MitigationRoute): string {
  if (route.kind === "blackhole") {
    return `blackhole ${route.prefix} (${route.communities.join(" ")})${route.nextHop ? ` next hop ${route.nextHop}` : ""}`;
  }
  const match = [
    route.source ? `${route.source} → ${route.destination}` : `→ ${route.destination}`,
    route.protocols?.length ? route.protocols.map((p) => PROTOCOL_NAMES[p] ?? `proto ${p}`).join("/") : "",
    route.sourcePorts?.length ? `sport ${route.sourcePorts.join(",")}` : "",
    route.destinationPorts?.length ? `dport ${route.destinationPorts.join(",")}` : "",
  ].filter(Boolean);
  const action = route.action.type === "discard" ? "discard" : `rate-limit ${route.action.bytesPerSecond} B/s`;
  return `flowspec ${match.join(" ")}: ${action}`;
}
