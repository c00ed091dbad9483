// Internal addresses out of what leaves the network: each internal IPv4/IPv6 address in any string is
// replaced by a stable placeholder ("internal-host-1"), and the placeholders in Claude's answer are put
// back, so analysts read real addresses while the API never sees them.
import ipaddr from "ipaddr.js";

const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
// Candidates only (hex groups with colons); ipaddr.js decides what is really an IPv6 address.
const IPV6 = /(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])/g;
const PLACEHOLDER = /internal-host-\d+/g;

export interface Masker {
  /** A deep copy of the value with every internal address in its strings (and keys) replaced. */
  mask<T>(value: T): T;
  /** A deep copy with the placeholders replaced by the addresses they stand for. */
  unmask<T>(value: T): T;
  /** How many distinct addresses were masked. */
  readonly size: number;
}

export function createMasker(isInternal: (address: string) => boolean, enabled = true): Masker {
  const toPlaceholder = new Map<string, string>();
  const toAddress = new Map<string, string>();
  const replaceAddress = (candidate: string): string => {
    if (!ipaddr.isValid(candidate)) return candidate;
    if (!isInternal(candidate)) return candidate;
    let p = toPlaceholder.get(candidate);
    if (!p) {
      p = `internal-host-${toPlaceholder.size + 1}`;
      toPlaceholder.set(candidate, p);
      toAddress.set(p, candidate);
    }
    return p;
  };
  const maskString = (s: string) => s.replace(IPV4, replaceAddress).replace(IPV6, (m) => (m.includes(":") && m.length > 2 ? replaceAddress(m) : m));
  const unmaskString = (s: string) => s.replace(PLACEHOLDER, (p) => toAddress.get(p) ?? p);
  return {
    mask: (value) => (enabled ? mapStrings(value, maskString) : structuredClone(value)),
    unmask: (value) => mapStrings(value, unmaskString),
    get size() {
      return toPlaceholder.size;
    },
  };
}

function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === "string") return f(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f)) as T;
  if (value instanceof Date) return new Date(value) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), mapStrings(v, f)])) as T;
  }
  return value;
}
