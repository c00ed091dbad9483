// Prefix safety: what may never be announced (too short, outside the monitored networks, protected,
// malformed), each refusal with its reason; and the mitigation settings in the environment.
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import type { MitigationRoute } from "@/lib/mitigation/bgp-speaker";
import { createPrefixSafety, hostPrefix, prefixSafetyPolicy } from "@/lib/mitigation/prefix-safety";

const safety = createPrefixSafety({
  monitored: ["10.0.0.0/8", "203.0.113.0/24", "2001:db8::/32"],
  protected: ["10.0.0.1/32", "10.9.0.0/16", "2001:db8:53::/48"],
});

describe("prefix safety", () => {
  it.each([
    ["a host /32 inside a monitored network", "10.1.2.3/32", "10.1.2.3/32"],
    ["a host /128 inside a monitored network", "2001:db8:1::7/128", "2001:db8:1::7/128"],
    ["a /24, the shortest IPv4 allowed", "203.0.113.0/24", "203.0.113.0/24"],
    ["a /48, the shortest IPv6 allowed", "2001:db8:1::/48", "2001:db8:1::/48"],
    ["IPv6 in another spelling, canonicalised", "2001:DB8:0001:0:0:0:0:7/128", "2001:db8:1::7/128"],
    ["an IPv4-mapped IPv6 host, as its IPv4 /32", "::ffff:10.1.2.3/128", "10.1.2.3/32"],
  ])("accepts %s", (_what, prefix, canonical) => {
    expect(safety.checkPrefix(prefix)).toEqual({ ok: true, prefix: canonical });
  });

  it.each([
    ["a /8", "10.0.0.0/8", "too-short", /10\.0\.0\.0\/8 is shorter than \/24/],
    ["the default route (FastNetMon issue 894)", "0.0.0.0/0", "too-short", /0\.0\.0\.0\/0 is shorter than \/24/],
    ["a /23", "10.1.2.0/23", "too-short", /shorter than \/24/],
    ["an IPv6 /32", "2001:db8::/32", "too-short", /2001:db8::\/32 is shorter than \/48/],
    ["the IPv6 default route", "::/0", "too-short", /shorter than \/48/],
    ["a protected /32", "10.0.0.1/32", "protected", /overlaps the protected prefix 10\.0\.0\.1\/32/],
    ["a /24 covering a protected /32", "10.0.0.0/24", "protected", /overlaps the protected prefix 10\.0\.0\.1\/32/],
    ["a host inside a protected /16", "10.9.4.4/32", "protected", /protected prefix 10\.9\.0\.0\/16/],
    ["an IPv6 host inside a protected /48", "2001:db8:53::1/128", "protected", /2001:db8:53::\/48/],
    ["a host outside the monitored networks", "198.51.100.7/32", "outside-monitored", /198\.51\.100\.7\/32 is outside the monitored networks/],
    ["an IPv6 host outside the monitored networks", "2001:db9::1/128", "outside-monitored", /outside the monitored networks/],
    ["a /24 straddling a monitored network's edge", "203.0.112.0/24", "outside-monitored", /outside/],
    ["host bits set", "10.1.2.3/24", "not-canonical", /host bits set \(the network is 10\.1\.2\.0\/24\)/],
    ["a bare address", "10.1.2.3", "malformed", /not a prefix/],
    ["a name", "example.com/32", "malformed", /not a prefix/],
    ["an impossible length", "10.1.2.3/33", "malformed", /not a prefix/],
    ["an empty string", "", "malformed", /not a prefix/],
  ])("refuses %s with its reason", (_what, prefix, code, reason) => {
    const verdict = safety.checkPrefix(prefix);
    expect(verdict).toMatchObject({ ok: false, code });
    expect(verdict.ok ? "" : verdict.reason).toMatch(reason);
  });

  it("checks a blackhole by its prefix and a FlowSpec rule by its destination, not its source", () => {
    const blackhole: MitigationRoute = { kind: "blackhole", prefix: "10.0.0.0/8", communities: ["65535:666"] };
    expect(safety.checkRoute(blackhole)).toMatchObject({ ok: false, code: "too-short" });
    const flow: MitigationRoute = {
      kind: "flowspec",
      destination: "10.1.2.3/32",
      source: "0.0.0.0/0",
      protocols: [17],
      action: { type: "discard" },
    };
    expect(safety.checkRoute(flow)).toEqual({ ok: true, prefix: "10.1.2.3/32" });
    expect(safety.checkRoute({ ...flow, destination: "198.51.100.0/24" })).toMatchObject({ ok: false, code: "outside-monitored" });
  });

  it.each([
    ["an internal host's traffic to one outside host (exfiltration)", "10.1.2.3/32", "198.51.100.9/32", { ok: true, prefix: "10.1.2.3/32" }],
    ["an internal host's traffic to an outside /24", "10.1.2.3/32", "198.51.100.0/24", { ok: false, code: "outside-monitored" }],
    ["an outside source to an outside host", "198.51.100.7/32", "198.51.100.9/32", { ok: false, code: "outside-monitored" }],
    ["a protected internal source", "10.0.0.1/32", "198.51.100.9/32", { ok: false, code: "protected" }],
    ["a whole internal /8 as the source", "10.0.0.0/8", "198.51.100.9/32", { ok: false, code: "too-short" }],
  ])("FlowSpec from an internal source: %s", (_what, source, destination, verdict) => {
    const route: MitigationRoute = { kind: "flowspec", source, destination, action: { type: "discard" } };
    expect(safety.checkRoute(route)).toMatchObject(verdict);
  });

  it("with no monitored networks refuses everything and says none are configured", () => {
    const none = createPrefixSafety({ monitored: [], protected: [] });
    expect(none.checkPrefix("10.1.2.3/32")).toMatchObject({ ok: false, code: "outside-monitored", reason: expect.stringMatching(/none configured/) });
  });

  it("hostPrefix makes the host route of an address", () => {
    expect(hostPrefix("203.0.113.7")).toBe("203.0.113.7/32");
    expect(hostPrefix("2001:DB8::7")).toBe("2001:db8::7/128");
    expect(hostPrefix("::ffff:10.0.0.2")).toBe("10.0.0.2/32");
    expect(() => hostPrefix("nope")).toThrow(/not an IP address/);
  });
});

describe("mitigation settings in the environment", () => {
  it("defaults: dry-run, gobgpd on 127.0.0.1:50051, discard next hops, nothing protected", () => {
    const e = parseEnv({});
    expect(e.MITIGATION_BGP).toBe("dry-run");
    expect(e.GOBGP_API).toBe("127.0.0.1:50051");
    expect(e.GOBGP_TIMEOUT_SEC).toBe(5);
    expect(e.MITIGATION_NEXT_HOP).toBe("192.0.2.1");
    expect(e.MITIGATION_NEXT_HOP_V6).toBe("100::1");
    expect(e.MITIGATION_PROTECTED_PREFIXES).toEqual([]);
  });

  it("the policy from the settings: INTERNAL_SUBNETS monitored, MITIGATION_PROTECTED_PREFIXES protected", () => {
    const e = parseEnv({ INTERNAL_SUBNETS: "198.51.100.0/24", MITIGATION_PROTECTED_PREFIXES: "198.51.100.53/32, 2001:db8::/48" });
    const policy = prefixSafetyPolicy(e);
    expect(policy).toEqual({ monitored: ["198.51.100.0/24"], protected: ["198.51.100.53/32", "2001:db8::/48"] });
    expect(createPrefixSafety(policy).checkPrefix("198.51.100.53/32")).toMatchObject({ ok: false, code: "protected" });
    expect(createPrefixSafety(policy).checkPrefix("198.51.100.54/32")).toEqual({ ok: true, prefix: "198.51.100.54/32" });
  });

  it.each([
    ["MITIGATION_BGP", "bird", /MITIGATION_BGP/],
    ["GOBGP_API", "localhost", /GOBGP_API: must be host:port/],
    ["MITIGATION_NEXT_HOP", "2001:db8::1", /MITIGATION_NEXT_HOP/],
    ["MITIGATION_PROTECTED_PREFIXES", "10.0.0.1", /MITIGATION_PROTECTED_PREFIXES: "10\.0\.0\.1" is not a CIDR/],
  ])("a bad %s stops the start naming it", (name, value, message) => {
    expect(() => parseEnv({ [name]: value })).toThrow(EnvError);
    expect(() => parseEnv({ [name]: value })).toThrow(message);
  });
});
