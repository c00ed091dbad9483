// What Tidewatch may announce over BGP, decided before anything reaches the speaker. A wrong route here
// blackholes someone's network (FastNetMon issue 894 announced 0.0.0.0/0), so the rules are strict and
// every refusal says why: no prefix shorter than /24 (IPv4) or /48 (IPv6), only inside the monitored
// networks (INTERNAL_SUBNETS), never touching a protected prefix (MITIGATION_PROTECTED_PREFIXES).
// Pure: no clock, network or database.
import ipaddr from "ipaddr.js";
import { parseSubnets } from "../telemetry/cidr";
import type { MitigationRoute } from "./bgp-speaker";

/** The shortest prefix length Tidewatch ever announces, per family. */
export const MIN_PREFIX_LENGTH = { ipv4: 24, ipv6: 48 } as const;

export type PrefixRefusal = "malformed" | "not-canonical" | "too-short" | "outside-monitored" | "protected";

export type PrefixVerdict =
  | { ok: true; /** The prefix in canonical text (lower-case, compressed IPv6). */ prefix: string }
  | { ok: false; code: PrefixRefusal; reason: string };

export interface PrefixSafetyPolicy {
  /** CIDRs a mitigation's prefix must lie inside (the monitored networks). */
  monitored: readonly string[];
  /** CIDRs no mitigation may cover or fall inside. */
  protected: readonly string[];
}

export interface PrefixSafety {
  /** Whether one prefix may be announced (blackholed, or used as a FlowSpec destination). */
  checkPrefix(prefix: string): PrefixVerdict;
  /** Whether a route may be announced: a blackhole's prefix, a FlowSpec rule's destination. */
  checkRoute(route: MitigationRoute): PrefixVerdict;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Throws naming the bad entry when a CIDR in the policy does not parse (the env already checked them). */
export function createPrefixSafety(policy: PrefixSafetyPolicy): PrefixSafety {
  const monitored = parseSubnets(policy.monitored).map(normalise);
  const protectedRanges = parseSubnets(policy.protected).map(normalise);

  const checkPrefix = (text: string): PrefixVerdict => {
    const parsed = parsePrefix(text);
    if (!parsed.ok) return parsed;
    const [addr, bits] = parsed.range;
    const family = addr.kind();
    const shown = `${addr.toString()}/${bits}`;
    const min = MIN_PREFIX_LENGTH[family];
    if (bits < min) {
      return refuse("too-short", `${shown} is shorter than /${min}: Tidewatch never announces an ${family === "ipv4" ? "IPv4" : "IPv6"} prefix shorter than /${min}`);
    }
    const inside = monitored.find((m) => contains(m, parsed.range));
    if (!inside) {
      const nets = policy.monitored.length ? policy.monitored.join(", ") : "none configured";
      return refuse("outside-monitored", `${shown} is outside the monitored networks (INTERNAL_SUBNETS: ${nets})`);
    }
    const hit = protectedRanges.find((p) => contains(p, parsed.range) || contains(parsed.range, p));
    if (hit) {
      return refuse("protected", `${shown} overlaps the protected prefix ${hit[0].toString()}/${hit[1]} (MITIGATION_PROTECTED_PREFIXES)`);
    }
    return { ok: true, prefix: shown };
  };

  return {
    checkPrefix,
    checkRoute(route) {
      if (route.kind === "blackhole") return checkPrefix(route.prefix);
      // A FlowSpec rule's source only narrows what it matches (attackers are outside), so the
      // destination, the traffic that gets dropped, is held to the rules. One exception: blocking an
      // exfiltration drops an internal host's traffic to one outside host, so its destination is outside
      // by nature; it passes when its source (the internal side) passes and the destination is one host.
      const verdict = checkPrefix(route.destination);
      if (verdict.ok || verdict.code !== "outside-monitored" || !route.source) return verdict;
      const source = checkPrefix(route.source);
      const destination = parsePrefix(route.destination);
      const oneHost = destination.ok && destination.range[1] === (destination.range[0].kind() === "ipv4" ? 32 : 128);
      if (source.ok) {
        return oneHost ? source : refuse("outside-monitored", `${verdict.reason}; a rule from an internal source may name only one outside host`);
      }
      // An internal source refused for its own sake (protected, too short) says so; otherwise the destination's reason.
      const parsedSource = parsePrefix(route.source);
      const internal = parsedSource.ok && monitored.some((m) => contains(m, parsedSource.range));
      return internal ? source : verdict;
    },
  };
}

/** The host route for one address: "203.0.113.7/32", "2001:db8::7/128". Throws on a non-address. */
export function hostPrefix(address: string): string {
  if (!ipaddr.isValid(address)) throw new Error(`"${address}" is not an IP address`);
  const ip = normaliseAddress(ipaddr.parse(address));
  return `${ip.toString()}/${ip.kind() === "ipv4" ? 32 : 128}`;
}

function parsePrefix(text: string): { ok: true; range: Range } | { ok: false; code: PrefixRefusal; reason: string } {
  const trimmed = typeof text === "string" ? text.trim() : "";
  if (!/^[0-9A-Fa-f:.]+\/\d{1,3}$/.test(trimmed)) {
    return refuse("malformed", `"${String(text)}" is not a prefix such as 203.0.113.7/32 or 2001:db8::7/128`);
  }
  let range: Range;
  try {
    range = normalise(ipaddr.parseCIDR(trimmed));
  } catch {
    return refuse("malformed", `"${trimmed}" is not a prefix such as 203.0.113.7/32 or 2001:db8::7/128`);
  }
  const [addr, bits] = range;
  const network = networkOf(addr, bits);
  if (network.toString() !== addr.toString()) {
    // A router would mask the host bits; announcing what was meant is the caller's decision, not ours.
    return refuse("not-canonical", `${trimmed} has host bits set (the network is ${network.toString()}/${bits})`);
  }
  return { ok: true, range };
}

function refuse(code: PrefixRefusal, reason: string): { ok: false; code: PrefixRefusal; reason: string } {
  return { ok: false, code, reason };
}

/** IPv4-mapped IPv6 prefixes (::ffff:a.b.c.d/128) count as the IPv4 prefix they name. */
function normalise([addr, bits]: Range): Range {
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [addr, bits];
}

function normaliseAddress(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

function networkOf(addr: ipaddr.IPv4 | ipaddr.IPv6, bits: number): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === "ipv4"
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
}

/** Whether `outer` contains all of `inner` (same family, no longer, and inner's network inside outer). */
function contains(outer: Range, inner: Range): boolean {
  const [oAddr, oBits] = outer;
  const [iAddr, iBits] = inner;
  if (oAddr.kind() !== iAddr.kind() || iBits < oBits) return false;
  return (iAddr as ipaddr.IPv4).match(oAddr as ipaddr.IPv4, oBits);
}

/** The policy the settings give: monitored = INTERNAL_SUBNETS, protected = MITIGATION_PROTECTED_PREFIXES. */
export function prefixSafetyPolicy(e: { INTERNAL_SUBNETS: readonly string[]; MITIGATION_PROTECTED_PREFIXES: readonly string[] }): PrefixSafetyPolicy {
  return { monitored: e.INTERNAL_SUBNETS, protected: e.MITIGATION_PROTECTED_PREFIXES };
}

/** A prefix in one spelling (lower-case compressed IPv6, IPv4-mapped as IPv4); unparseable text as given. */
export function canonicalPrefix(prefix: string): string {
  const text = prefix.trim();
  try {
    const [addr, bits] = normalise(ipaddr.parseCIDR(text));
    return `${addr.toString()}/${bits}`;
  } catch {
    return text;
  }
}
