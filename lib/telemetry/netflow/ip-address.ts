// IP address text <-> wire bytes for the flow decoders and encoders. Formatting is on the hot path
// (two addresses per flow record) and measured as the largest cost of decoding a v5 record, so IPv4
// text is memoised in a small direct-mapped cache (flows repeat addresses; a hit costs a multiply
// and a compare, and hands the sink the same string instance), built from octet-string tables on a miss.
const OCTET: string[] = Array.from({ length: 256 }, (_, i) => String(i));
const OCTET_DOT: string[] = OCTET.map((s) => s + ".");

const CACHE_BITS = 13;
// Every slot starts as the (correct) entry for 0.0.0.0, so no sentinel is needed.
const cacheKeys = new Int32Array(1 << CACHE_BITS);
const cacheText: string[] = new Array<string>(1 << CACHE_BITS).fill("0.0.0.0");

/** Dotted-quad text of a uint32 IPv4 address. */
export function formatIpv4(addr: number): string {
  const key = addr | 0;
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
  if (cacheKeys[slot] === key) return cacheText[slot]!;
  const text = OCTET_DOT[addr >>> 24]! + OCTET_DOT[(addr >>> 16) & 255]! + OCTET_DOT[(addr >>> 8) & 255]! + OCTET[addr & 255]!;
  cacheKeys[slot] = key;
  cacheText[slot] = text;
  return text;
}

/** RFC 5952 text of the 16-byte IPv6 address at `off` (longest zero run compressed, lowercase). */
export function formatIpv6(bytes: Uint8Array, off: number): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) groups[i] = (bytes[off + 2 * i]! << 8) | bytes[off + 2 * i + 1]!;
  // IPv4-mapped (::ffff:a.b.c.d)
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return "::ffff:" + formatIpv4(((groups[6]! << 16) | groups[7]!) >>> 0);
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += "::";
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(":")) out += ":";
    out += groups[i]!.toString(16);
  }
  return out;
}

/** Parses IPv4 dotted-quad or IPv6 text into 4 or 16 bytes; null when it is neither. */
export function parseIpAddress(text: string): Uint8Array | null {
  if (text.includes(":")) return parseIpv6(text);
  return parseIpv4(text);
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | null {
  let head = text;
  let tail4: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(":");
  if (text.indexOf(".", lastColon) > lastColon) {
    tail4 = parseIpv4(text.slice(lastColon + 1));
    if (!tail4) return null;
    head = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parseGroups(halves[0]!);
  const right = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!left || !right) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return null;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    groups = left;
  }
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >> 8;
    out[2 * i + 1] = groups[i]! & 255;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}
