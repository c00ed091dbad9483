// Which names a device may be given from the wire (a syslog HOSTNAME, a Prometheus instance label): an RFC 1123 host name (dot-separated labels of
// letters, digits and inner hyphens, each at most 63 characters, at most 253 in all) or an IP address
// literal, which RFC 5424 allows in its place. Anything else (control characters, markup, 2 KB of
// padding) is refused, and the message is attributed to its source address instead.
import net from "node:net";

export const MAX_HOSTNAME_LENGTH = 253;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

export function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > MAX_HOSTNAME_LENGTH) return false;
  if (net.isIP(name) !== 0) return true;
  const bare = name.endsWith(".") ? name.slice(0, -1) : name;
  return bare.length > 0 && bare.split(".").every((label) => LABEL.test(label));
}
