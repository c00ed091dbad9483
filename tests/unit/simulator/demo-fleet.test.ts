import { describe, expect, it } from "vitest";
import { demoFleet, type DeviceRole } from "@/lib/simulator/demo-fleet";

const IPV4_10 = /^10\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

describe("demoFleet", () => {
  it("the default demo is 20 readable devices over hq, dc1 and branch-east", () => {
    const fleet = demoFleet();
    expect(fleet).toHaveLength(20);
    expect(fleet.map((d) => d.name)).toEqual([
      "core-rtr-hq-1", "edge-rtr-hq-1", "fw-hq-1", "sw-hq-1", "sw-hq-2", "sw-hq-3", "dns-hq-1", "file-hq-1",
      "core-rtr-dc1-1", "fw-dc1-1", "sw-dc1-1", "web-dc1-1", "web-dc1-2", "web-dc1-3", "db-dc1-1", "db-dc1-2",
      "dns-dc1-1", "edge-rtr-branch-east-1", "fw-branch-east-1", "sw-branch-east-1",
    ]);
    expect(new Set(fleet.map((d) => d.site))).toEqual(new Set(["hq", "dc1", "branch-east"]));
  });

  it("covers every role, and servers carry their function as a tag", () => {
    const fleet = demoFleet();
    const roles = new Set<DeviceRole>(fleet.map((d) => d.role));
    expect(roles).toEqual(new Set(["core-router", "edge-router", "access-switch", "firewall", "server"]));
    const web = fleet.find((d) => d.name === "web-dc1-2");
    expect(web).toMatchObject({ role: "server", site: "dc1", tags: ["web"] });
    expect(fleet.find((d) => d.name === "file-hq-1")?.tags).toEqual(["file", "backup"]);
    expect(fleet.find((d) => d.name === "db-dc1-1")?.tags).toEqual(["database", "backup"]);
    expect(fleet.find((d) => d.name === "sw-hq-1")?.tags).toEqual([]);
  });

  it.each([
    { count: 0 },
    { count: 1 },
    { count: 20 },
    { count: 5_000 },
  ])("$count devices have unique names and unique valid 10.x management addresses", ({ count }) => {
    const fleet = demoFleet(count, 3);
    expect(fleet).toHaveLength(count);
    expect(new Set(fleet.map((d) => d.name)).size).toBe(count);
    expect(new Set(fleet.map((d) => d.managementIp)).size).toBe(count);
    for (const d of fleet) {
      const octets = IPV4_10.exec(d.managementIp)?.slice(1).map(Number);
      expect(octets, d.managementIp).toBeDefined();
      for (const o of octets ?? []) expect(o).toBeLessThanOrEqual(255);
      expect(octets?.[2]).toBeGreaterThan(0);
    }
  });

  it("is deterministic for a seed, and growing the fleet keeps the existing devices", () => {
    expect(demoFleet(300, 4)).toEqual(demoFleet(300, 4));
    expect(demoFleet(300, 4).slice(0, 20)).toEqual(demoFleet(20, 4));
  });

  it("different seeds give different addresses (and later sites) but the same demo names", () => {
    const a = demoFleet(200, 1);
    const b = demoFleet(200, 2);
    expect(a.slice(0, 20).map((d) => d.name)).toEqual(b.slice(0, 20).map((d) => d.name));
    expect(a.map((d) => d.managementIp)).not.toEqual(b.map((d) => d.managementIp));
    expect(a.map((d) => d.name)).not.toEqual(b.map((d) => d.name));
  });

  it("a large fleet has many sites, each with routing and a firewall", () => {
    const fleet = demoFleet(2_000);
    const sites = new Map<string, Set<DeviceRole>>();
    for (const d of fleet) sites.set(d.site, (sites.get(d.site) ?? new Set()).add(d.role));
    expect(sites.size).toBeGreaterThan(100);
    const complete = [...sites.values()].slice(0, -1); // the last site may be cut short by the count
    for (const roles of complete) {
      expect(roles.has("firewall")).toBe(true);
      expect(roles.has("core-router") || roles.has("edge-router")).toBe(true);
    }
  });

  it("rejects a negative or fractional count", () => {
    expect(() => demoFleet(-1)).toThrow(RangeError);
    expect(() => demoFleet(2.5)).toThrow(RangeError);
  });
});
