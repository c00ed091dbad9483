// CIDR membership (IPv4 and IPv6, via ipaddr.js), cached per address because the same hosts appear
// in flow after flow: internal subnets, allowed collector sources, trusted syslog relays.
import ipaddr from "ipaddr.js";

export const DEFAULT_INTERNAL_SUBNETS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

export type SubnetMatcher = (address: string) => boolean;

/** Throws a clear error naming the bad entry. */
export function parseSubnets(cidrs: readonly string[]): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return cidrs.map((c) => {
    try {
      return ipaddr.parseCIDR(c.trim());
    } catch {
      throw new Error(`"${c}" is not a CIDR such as 10.0.0.0/8`);
    }
  });
}

export function createSubnetMatcher(cidrs: readonly string[]): SubnetMatcher {
  const ranges = parseSubnets(cidrs);
  const cache = new Map<string, boolean>();
  return (address) => {
    let hit = cache.get(address);
    if (hit === undefined) {
      hit = false;
      if (ipaddr.isValid(address)) {
        let ip = ipaddr.parse(address);
        if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
        hit = ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
      }
      if (cache.size > 200_000) cache.clear();
      cache.set(address, hit);
    }
    return hit;
  };
}

/**
 * Whether a collector accepts a peer: every source when `cidrs` is empty (the default), otherwise
 * only addresses inside one of them (IPv4-mapped IPv6 addresses count as their IPv4 address).
 */
export function createSourceFilter(cidrs: readonly string[]): SubnetMatcher {
  if (cidrs.length === 0) return () => true;
  return createSubnetMatcher(cidrs);
}
