// COLLECTOR_ALLOWED_SOURCES and SYSLOG_TRUSTED_RELAYS: parsed and checked at start (a bad CIDR stops it
// naming the variable and the entry), and the filter the collectors apply (unset accepts everything).
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import { createSourceFilter } from "@/lib/telemetry/cidr";

describe("inventory settings in the environment", () => {
  it("defaults: every source accepted, no relay trusted, the documented caps", () => {
    const e = parseEnv({});
    expect(e.COLLECTOR_ALLOWED_SOURCES).toEqual([]);
    expect(e.SYSLOG_TRUSTED_RELAYS).toEqual([]);
    expect(e.DISCOVERY_MAX_NEW_DEVICES_PER_HOUR).toBe(1000);
    expect(e.SYSLOG_MAX_CONNECTIONS).toBe(4096);
    expect(e.SYSLOG_MAX_CONNECTIONS_PER_SOURCE).toBe(32);
  });

  it("reads comma lists of CIDRs, IPv4 and IPv6, ignoring blanks", () => {
    const e = parseEnv({ COLLECTOR_ALLOWED_SOURCES: " 10.0.0.0/8, 2001:db8::/32,,", SYSLOG_TRUSTED_RELAYS: "192.0.2.10/32" });
    expect(e.COLLECTOR_ALLOWED_SOURCES).toEqual(["10.0.0.0/8", "2001:db8::/32"]);
    expect(e.SYSLOG_TRUSTED_RELAYS).toEqual(["192.0.2.10/32"]);
  });

  it.each([
    ["COLLECTOR_ALLOWED_SOURCES", "10.0.0.0/8,10.0.0.1"],
    ["SYSLOG_TRUSTED_RELAYS", "relay.example.com"],
  ])("a bad %s stops the start naming the variable and the entry", (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(EnvError);
    expect(() => parseEnv({ [name]: value })).toThrow(new RegExp(`${name}: "${value.split(",").at(-1)!.replace(/\./g, "\\.")}" is not a CIDR`));
  });

  it.each([
    ["DISCOVERY_MAX_NEW_DEVICES_PER_HOUR", "-1"],
    ["SYSLOG_MAX_CONNECTIONS", "0"],
    ["SYSLOG_MAX_CONNECTIONS_PER_SOURCE", "many"],
  ])("%s=%s is refused", (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(name);
  });
});

describe("createSourceFilter", () => {
  it("accepts every source when no CIDR is given", () => {
    const all = createSourceFilter([]);
    expect(["10.0.0.1", "203.0.113.9", "2001:db8::1", "not an address"].every(all)).toBe(true);
  });

  it("accepts only addresses inside the CIDRs (IPv4-mapped IPv6 as IPv4)", () => {
    const allowed = createSourceFilter(["10.0.0.0/8", "2001:db8::/32"]);
    expect(allowed("10.20.30.40")).toBe(true);
    expect(allowed("::ffff:10.1.2.3")).toBe(true);
    expect(allowed("2001:db8:1::5")).toBe(true);
    expect(allowed("11.0.0.1")).toBe(false);
    expect(allowed("2001:db9::1")).toBe(false);
    expect(allowed("unknown")).toBe(false);
  });
});
