// The shipped IP databases (DB-IP country MMDB, RouteViews/DB-IP ASN table from npm packages) as the
// worker loads them: well-known public addresses placed, private and malformed ones not placed.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createIpGeo, GEO_CACHE_ENTRIES, loadShippedIpGeo, parseAsnCsv, shippedGeoFiles } from "@/lib/telemetry/geo/ip-geo";

describe("IP geography from the shipped databases", () => {
  const geo = loadShippedIpGeo();

  it.each<[string, object | undefined]>([
    ["8.8.8.8", { country: "US", asn: 15169, asOrg: "Google LLC" }],
    ["::ffff:8.8.8.8", { country: "US", asn: 15169 }],
    ["77.88.8.8", { country: "RU", asn: 13238 }],
    ["2001:4860:4860::8888", { country: expect.stringMatching(/^[A-Z]{2}$/) }],
    ["10.1.2.3", undefined],
    ["192.168.0.1", undefined],
    ["203.0.113.7", undefined],
    ["not an address", undefined],
  ])("%s", (ip, expected) => {
    const info = geo.lookup(ip);
    if (expected === undefined) expect(info).toBeUndefined();
    else expect(info).toMatchObject(expected);
  });

  it("remembers answers for a bounded number of addresses, and answers the same after forgetting one", () => {
    const g = createIpGeo(loadCountryDb(), readFileSync(shippedGeoFiles().asnCsv));
    const first = g.lookup("8.8.8.8");
    expect(g.lookup("8.8.8.8")).toEqual(first);
    // the remembered answer is shared: nobody can change it for the next caller
    expect(Object.isFrozen(g.lookup("8.8.8.8"))).toBe(true);
    expect(g.lookup("10.1.2.3")).toBeUndefined();
    expect(g.lookup("10.1.2.3")).toBeUndefined();
    // a flood of new peers: the memory stays bounded
    for (let i = 0; i < GEO_CACHE_ENTRIES + 100; i++) g.lookup(`100.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(g.cachedAddresses()).toBe(GEO_CACHE_ENTRIES);
    // 8.8.8.8 was forgotten (the oldest), and is looked up afresh with the same answer
    expect(g.lookup("8.8.8.8")).toEqual(first);
    expect(first).toMatchObject({ country: "US", asn: 15169 });
  });

  it("loads the whole ASN table and reports the country database's build date", () => {
    expect(geo.asnRanges).toBeGreaterThan(100_000);
    expect(geo.countryBuilt.getTime()).toBeGreaterThan(Date.UTC(2025, 0, 1));
  });
});

describe("the ASN table parser", () => {
  it("keeps ascending rows, unquotes names and skips malformed or overlapping rows", () => {
    const t = parseAsnCsv(['16777216,16777471,13335,"Cloudflare, Inc."', "garbage", "16777400,16777500,1,overlap", "16778240,16779263,38803,GTelecom"].join("\n"));
    expect([...t.asns]).toEqual([13335, 38803]);
    expect(t.orgs).toEqual(["Cloudflare, Inc.", "GTelecom"]);
  });

  it("a resolver over it places an address inside a range and nothing in a gap", () => {
    const geo = createIpGeo(loadCountryDb(), "16777216,16777471,13335,Cloudflare\n");
    expect(geo.lookup("1.0.0.1")).toMatchObject({ asn: 13335, asOrg: "Cloudflare" });
    expect(geo.lookup("1.0.1.1")?.asn).toBeUndefined();
  });
});

function loadCountryDb(): Buffer {
  // the real MMDB: only the ASN side is made up here
  return readFileSync(shippedGeoFiles().countryMmdb);
}
