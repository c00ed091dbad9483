// The address a request came from, for login throttling. The web server (app/_server/web-server.ts)
// replaces whatever X-Forwarded-For the client sent with the one address it resolved: the connection's
// own address, or, when that connection comes from a proxy listed in TRUST_PROXY, the nearest address
// in X-Forwarded-For that is not itself a trusted proxy. Without a trusted proxy a client cannot pick
// its own address by sending the header.
import ipaddr from "ipaddr.js";
import type { SubnetMatcher } from "../telemetry/cidr";

/** IPv4-mapped IPv6 as plain IPv4; anything unparsable as it came. */
export function normaliseAddress(address: string): string {
  const a = address.trim();
  if (!ipaddr.isValid(a)) return a;
  const ip = ipaddr.parse(a);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) return (ip as ipaddr.IPv6).toIPv4Address().toString();
  return ip.toString();
}

export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  isTrustedProxy: SubnetMatcher,
): string {
  let address = normaliseAddress(socketAddress ?? "unknown");
  if (!isTrustedProxy(address)) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  // Walk from the nearest hop outwards: each trusted proxy vouches for the hop before it.
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i]!);
    if (!ipaddr.isValid(hop)) return address;
    address = hop;
    if (!isTrustedProxy(hop)) return hop;
  }
  return address;
}

/**
 * The key throttling counts against: the address, except that IPv6 addresses count per /64 (one host
 * usually holds a whole /64, so counting single addresses would let it rotate freely).
 */
export function throttleKeyOfAddress(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.parse(address);
  if (ip.kind() === "ipv4") return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(":")}::/64`;
}

/** The client address of a request that passed through the web server (see above). */
export function clientAddressOf(headers: Headers | Record<string, string | string[] | undefined>): string {
  const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : headers["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  // The web server leaves exactly one address; take the first should anything have appended to it.
  const first = value?.split(",")[0]?.trim();
  return first ? normaliseAddress(first) : "unknown";
}
