// The speakers without a daemon: the gobgp API encoding of each route and its decoding back (what
// listAnnounced relies on after a restart), the dry run's record, prefix safety in front of both, and
// the speaker the settings choose. BIRD receiving these routes is tests/integration/mitigation.
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import type { MitigationRoute } from "@/lib/mitigation/bgp-speaker";
import { createBgpSpeaker } from "@/lib/mitigation/create-speaker";
import { DryRunSpeaker } from "@/lib/mitigation/dry-run-speaker";
import { decodeCommunity, encodeCommunity, fromApiPath, GobgpSpeaker, toApiPath } from "@/lib/mitigation/gobgp-speaker";
import { GuardedSpeaker, PrefixRefusedError } from "@/lib/mitigation/guarded-speaker";
import { createPrefixSafety } from "@/lib/mitigation/prefix-safety";
import { routeKey } from "@/lib/mitigation/route-text";

const hops = { nextHop: "192.0.2.1", nextHopV6: "100::1" };
const T = "type.googleapis.com/apipb.";

describe("gobgp API encoding", () => {
  it.each([
    ["65535:666", 0xffff029a],
    ["0:0", 0],
    ["65000:100", (65000 << 16 | 100) >>> 0],
  ])("community %s is %d", (text, value) => {
    expect(encodeCommunity(text)).toBe(value);
    expect(decodeCommunity(value)).toBe(text);
  });

  it.each(["65536:1", "1:65536", "blackhole", "1:2:3", ""])("community %j is refused", (text) => {
    expect(() => encodeCommunity(text)).toThrow(/not asn:value/);
  });

  it("an IPv4 blackhole: IPAddressPrefix NLRI, origin IGP, the configured next hop, 65535:666 added", () => {
    const path = toApiPath({ kind: "blackhole", prefix: "203.0.113.7/32", communities: ["65000:1"] }, hops);
    expect(path.family).toEqual({ afi: "AFI_IP", safi: "SAFI_UNICAST" });
    expect(path.nlri).toEqual({ "@type": `${T}IPAddressPrefix`, prefixLen: 32, prefix: "203.0.113.7" });
    expect(path.pattrs).toEqual([
      { "@type": `${T}OriginAttribute`, origin: 0 },
      { "@type": `${T}NextHopAttribute`, nextHop: "192.0.2.1" },
      { "@type": `${T}CommunitiesAttribute`, communities: [0xffff029a, (65000 << 16 | 1) >>> 0] },
    ]);
  });

  it("an IPv6 blackhole carries its next hop and NLRI in MP_REACH_NLRI", () => {
    const path = toApiPath({ kind: "blackhole", prefix: "2001:DB8::7/128", communities: ["65535:666"] }, hops);
    expect(path.family).toEqual({ afi: "AFI_IP6", safi: "SAFI_UNICAST" });
    expect(path.pattrs[1]).toMatchObject({ "@type": `${T}MpReachNLRIAttribute`, nextHops: ["100::1"], nlris: [{ prefix: "2001:db8::7", prefixLen: 128 }] });
  });

  it("a FlowSpec rule: RFC 8955 components in type order, values ORed, traffic-rate 0 to discard", () => {
    const path = toApiPath(
      { kind: "flowspec", destination: "203.0.113.7/32", source: "198.51.100.0/24", protocols: [17, 6, 17], destinationPorts: [53], action: { type: "discard" } },
      hops,
    );
    expect(path.family).toEqual({ afi: "AFI_IP", safi: "SAFI_FLOW_SPEC_UNICAST" });
    expect(path.nlri.rules).toEqual([
      { "@type": `${T}FlowSpecIPPrefix`, type: 1, prefixLen: 32, prefix: "203.0.113.7" },
      { "@type": `${T}FlowSpecIPPrefix`, type: 2, prefixLen: 24, prefix: "198.51.100.0" },
      { "@type": `${T}FlowSpecComponent`, type: 3, items: [{ op: 1, value: 6 }, { op: 1, value: 17 }] },
      { "@type": `${T}FlowSpecComponent`, type: 5, items: [{ op: 1, value: 53 }] },
    ]);
    expect(path.pattrs[2]).toEqual({ "@type": `${T}ExtendedCommunitiesAttribute`, communities: [{ "@type": `${T}TrafficRateExtended`, asn: 0, rate: 0 }] });
  });

  it.each<[string, MitigationRoute, RegExp]>([
    ["a malformed prefix", { kind: "blackhole", prefix: "10.0.0.1", communities: [] }, /prefix "10\.0\.0\.1" is not a prefix/],
    ["an IPv6 next hop on an IPv4 route", { kind: "blackhole", prefix: "10.0.0.1/32", communities: [], nextHop: "100::1" }, /next hop "100::1" is not an IPv4 address/],
    ["a port above 65535", { kind: "flowspec", destination: "10.0.0.1/32", destinationPorts: [70000], action: { type: "discard" } }, /destination port 70000/],
    ["mixed IP versions", { kind: "flowspec", destination: "10.0.0.1/32", source: "2001:db8::/48", action: { type: "discard" } }, /different IP versions/],
    ["a negative rate", { kind: "flowspec", destination: "10.0.0.1/32", action: { type: "rate-limit", bytesPerSecond: -1 } }, /rate limit -1/],
  ])("refuses %s with a clear error", (_what, route, message) => {
    expect(() => toApiPath(route, hops)).toThrow(message);
  });

  it.each<[string, MitigationRoute, MitigationRoute]>([
    ["a blackhole (next hop filled in)", { kind: "blackhole", prefix: "203.0.113.7/32", communities: ["65535:666"] }, { kind: "blackhole", prefix: "203.0.113.7/32", communities: ["65535:666"], nextHop: "192.0.2.1" }],
    ["an IPv6 blackhole", { kind: "blackhole", prefix: "2001:db8::7/128", communities: ["65535:666", "65000:7"], nextHop: "2001:db8::1" }, { kind: "blackhole", prefix: "2001:db8::7/128", communities: ["65535:666", "65000:7"], nextHop: "2001:db8::1" }],
    ["a FlowSpec discard", { kind: "flowspec", destination: "203.0.113.7/32", sourcePorts: [123], protocols: [17], action: { type: "discard" } }, { kind: "flowspec", destination: "203.0.113.7/32", sourcePorts: [123], protocols: [17], action: { type: "discard" } }],
    ["a FlowSpec rate limit (IPv6)", { kind: "flowspec", destination: "2001:db8::7/128", destinationPorts: [443, 80], action: { type: "rate-limit", bytesPerSecond: 1_000_000 } }, { kind: "flowspec", destination: "2001:db8::7/128", destinationPorts: [80, 443], action: { type: "rate-limit", bytesPerSecond: 1_000_000 } }],
  ])("%s decodes back to the same route and key", (_what, route, decoded) => {
    const back = fromApiPath(toApiPath(route, hops));
    expect(back).toEqual(decoded);
    expect(routeKey(back!)).toBe(routeKey(decoded));
  });

  it("paths Tidewatch does not make are not reported: no BLACKHOLE community, no traffic action, a port range", () => {
    const plain = toApiPath({ kind: "blackhole", prefix: "203.0.113.7/32", communities: [] }, hops);
    plain.pattrs[2] = { "@type": `${T}CommunitiesAttribute`, communities: [encodeCommunity("65000:1")] };
    expect(fromApiPath(plain)).toBeNull();
    const flow = toApiPath({ kind: "flowspec", destination: "203.0.113.7/32", destinationPorts: [80], action: { type: "discard" } }, hops);
    expect(fromApiPath({ ...flow, pattrs: flow.pattrs.slice(0, 2) })).toBeNull();
    const range = structuredClone(flow);
    (range.nlri.rules as { items?: { op: number }[] }[])[1]!.items![0]!.op = 0x03; // >= 80
    expect(fromApiPath(range)).toBeNull();
  });
});

describe("dry-run speaker", () => {
  it("records what would be announced, idempotently, and forgets what is withdrawn", async () => {
    const speaker = new DryRunSpeaker(3);
    const route: MitigationRoute = { kind: "blackhole", prefix: "203.0.113.7/32", communities: ["65535:666"] };
    await speaker.announce(route);
    await speaker.announce(route);
    expect(await speaker.listAnnounced()).toEqual([{ key: routeKey(route), route }]);
    await speaker.withdraw(route);
    await speaker.withdraw(route);
    expect(await speaker.listAnnounced()).toEqual([]);
    expect(speaker.requests().map((r) => r.op)).toEqual(["announce", "withdraw", "withdraw"]); // the log keeps the last 3
    expect(speaker.requests()[0]!.text).toContain("203.0.113.7/32");
    await speaker.close();
    await expect(speaker.listAnnounced()).rejects.toThrow(/closed/);
  });
});

describe("the speaker the settings choose, behind prefix safety", () => {
  it("off: none; dry-run (the default): a dry run; gobgp: the gRPC speaker", async () => {
    expect(createBgpSpeaker(parseEnv({ MITIGATION_BGP: "off" }))).toBeNull();
    const dry = createBgpSpeaker(parseEnv({}))!;
    await dry.announce({ kind: "blackhole", prefix: "10.1.2.3/32", communities: ["65535:666"] });
    expect((await dry.listAnnounced()).map((a) => a.key)).toEqual(["blackhole|10.1.2.3/32"]);
    const gobgp = createBgpSpeaker(parseEnv({ MITIGATION_BGP: "gobgp" }))!;
    expect(gobgp).toBeInstanceOf(GuardedSpeaker);
    await gobgp.close();
  });

  it("an unsafe announcement is refused before the speaker sees it; withdrawals always pass", async () => {
    const inner = new DryRunSpeaker();
    const guarded = new GuardedSpeaker(inner, createPrefixSafety({ monitored: ["10.0.0.0/8"], protected: ["10.0.0.53/32"] }));
    for (const prefix of ["10.0.0.0/8", "0.0.0.0/0", "10.0.0.53/32", "192.0.2.7/32"]) {
      await expect(guarded.announce({ kind: "blackhole", prefix, communities: ["65535:666"] })).rejects.toBeInstanceOf(PrefixRefusedError);
    }
    expect(inner.requests()).toEqual([]);
    await guarded.withdraw({ kind: "blackhole", prefix: "10.0.0.0/8", communities: ["65535:666"] });
    expect(inner.requests().map((r) => r.op)).toEqual(["withdraw"]);
  });

  it("the gobgp speaker refuses a malformed route before dialling", async () => {
    const speaker = new GobgpSpeaker({ address: "127.0.0.1:1", timeoutMs: 1000, ...hops });
    await expect(speaker.announce({ kind: "blackhole", prefix: "nope", communities: [] })).rejects.toThrow(/is not a prefix/);
    await speaker.close();
  });
});
