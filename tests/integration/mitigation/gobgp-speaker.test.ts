// The BGP speaker against real daemons: Tidewatch drives gobgpd (Debian's gobgpd) over gRPC, and BIRD 2
// (Debian's bird2), peering with it as an edge router would, must install the announced /32 as a
// blackhole carrying 65535:666, apply FlowSpec rules, and lose them on withdrawal. A prefix that prefix
// safety refuses never reaches BIRD; a new speaker (Tidewatch restarted) reads back what is announced;
// a gobgpd that is down or does not answer gives an error naming GOBGP_API within the deadline.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MitigationRoute } from "@/lib/mitigation/bgp-speaker";
import { createBgpSpeaker } from "@/lib/mitigation/create-speaker";
import { GobgpError, GobgpSpeaker } from "@/lib/mitigation/gobgp-speaker";
import { PrefixRefusedError } from "@/lib/mitigation/guarded-speaker";
import { parseEnv } from "@/lib/env";
import { routeKey } from "@/lib/mitigation/route-text";
import { startBgpLab, type BgpLab, type BirdRoute } from "../../../scripts/lib/bgp-lab";

const host: MitigationRoute = { kind: "blackhole", prefix: "10.20.30.40/32", communities: ["65535:666", "65000:100"] };
const host6: MitigationRoute = { kind: "blackhole", prefix: "fd00:20::40/128", communities: ["65535:666"] };
const dnsFlood: MitigationRoute = {
  kind: "flowspec",
  destination: "10.20.30.41/32",
  source: "198.51.100.0/24",
  protocols: [17],
  sourcePorts: [53],
  action: { type: "discard" },
};
const synLimit: MitigationRoute = {
  kind: "flowspec",
  destination: "10.20.30.42/32",
  protocols: [6],
  destinationPorts: [443, 80],
  action: { type: "rate-limit", bytesPerSecond: 125_000 },
};

// blocking an exfiltration over IPv6: an internal host's traffic to one outside host
const exfil6: MitigationRoute = { kind: "flowspec", source: "fd00:20::50/128", destination: "2001:db8:99::9/128", action: { type: "discard" } };

const bird = (routes: BirdRoute[], network: string) => routes.find((r) => r.network === network);

let lab: BgpLab;

beforeAll(async () => {
  lab = await startBgpLab();
  await lab.waitEstablished();
});

afterAll(async () => {
  await lab?.stop();
});

function speakerFor(api: string, timeoutSec = 3) {
  const env = parseEnv({ MITIGATION_BGP: "gobgp", GOBGP_API: api, GOBGP_TIMEOUT_SEC: String(timeoutSec), INTERNAL_SUBNETS: "10.0.0.0/8,fd00::/8" });
  const speaker = createBgpSpeaker(env);
  if (!speaker) throw new Error("MITIGATION_BGP=gobgp made no speaker");
  return speaker;
}

describe("GoBGP speaker with BIRD as the edge router", () => {
  it("a /32 blackhole reaches BIRD as a blackhole with 65535:666, and leaves on withdrawal", async () => {
    const speaker = speakerFor(lab.gobgpApi);
    try {
      await speaker.announce(host);
      await speaker.announce(host); // idempotent
      const routes = await lab.waitForRoutes("10.20.30.40/32 in BIRD", (rs) => bird(rs, "10.20.30.40/32") !== undefined);
      const installed = bird(routes, "10.20.30.40/32")!;
      expect(installed).toMatchObject({ table: "master4", dest: "blackhole" });
      expect(installed.attributes["BGP.community"]).toMatch(/\(65535,666\)/);
      expect(installed.attributes["BGP.community"]).toMatch(/\(65000,100\)/);
      expect(installed.attributes["BGP.as_path"]).toBe("65000");
      expect(installed.attributes["BGP.next_hop"]).toBe("192.0.2.1");

      await speaker.withdraw(host);
      await speaker.withdraw(host); // withdrawing what is gone is not an error
      await lab.waitForRoutes("10.20.30.40/32 gone from BIRD", (rs) => bird(rs, "10.20.30.40/32") === undefined);
      expect(await speaker.listAnnounced()).toEqual([]);
    } finally {
      await speaker.close();
    }
  });

  it("an IPv6 /128 blackhole and FlowSpec discard/rate-limit rules (IPv4 and IPv6) reach BIRD; listAnnounced decodes them back", async () => {
    const speaker = speakerFor(lab.gobgpApi);
    try {
      for (const r of [host, host6, dnsFlood, synLimit, exfil6]) await speaker.announce(r);
      const routes = await lab.waitForRoutes("all five routes in BIRD", (rs) => rs.length >= 5);
      expect(bird(routes, "fd00:20::40/128")).toMatchObject({ table: "master6", dest: "blackhole" });
      const flows = routes.filter((r) => r.table === "flowtab4");
      expect(flows.map((f) => f.network).sort()).toEqual([
        "flow4 { dst 10.20.30.41/32; src 198.51.100.0/24; proto 17; sport 53; }",
        "flow4 { dst 10.20.30.42/32; proto 6; dport 80,443; }",
      ]);
      // traffic-rate (type 0x80, sub-type 0x06): rate 0 discards; 125000 bytes/s is 0x47F42400 as a float
      const community = (network: string) => flows.find((f) => f.network.startsWith(network))!.attributes["BGP.ext_community"];
      expect(community("flow4 { dst 10.20.30.41/32")).toBe("(generic, 0x80060000, 0x0)");
      expect(community("flow4 { dst 10.20.30.42/32")).toBe("(generic, 0x80060000, 0x47f42400)");
      expect(routes.filter((r) => r.table === "flowtab6")).toMatchObject([
        { network: "flow6 { dst 2001:db8:99::9/128; src fd00:20::50/128; }", attributes: { "BGP.ext_community": "(generic, 0x80060000, 0x0)" } },
      ]);

      const announced = await speaker.listAnnounced();
      const byKey = new Map(announced.map((a) => [a.key, a.route]));
      expect([...byKey.keys()].sort()).toEqual([host, host6, dnsFlood, synLimit, exfil6].map(routeKey).sort());
      expect(byKey.get(routeKey(host))).toEqual({ ...host, nextHop: "192.0.2.1" });
      expect(byKey.get(routeKey(host6))).toEqual({ ...host6, nextHop: "100::1" });
      expect(byKey.get(routeKey(dnsFlood))).toEqual(dnsFlood);
      expect(byKey.get(routeKey(synLimit))).toEqual({ ...synLimit, destinationPorts: [80, 443] });
      expect(byKey.get(routeKey(exfil6))).toEqual(exfil6);
    } finally {
      await speaker.close();
    }
  });

  it("a restarted Tidewatch (a new speaker) still sees the routes, and can withdraw them", async () => {
    const again = speakerFor(lab.gobgpApi);
    try {
      const keys = (await again.listAnnounced()).map((a) => a.key).sort();
      expect(keys).toEqual([host, host6, dnsFlood, synLimit, exfil6].map(routeKey).sort());
      for (const r of [host, host6, dnsFlood, synLimit, exfil6]) await again.withdraw(r);
      await lab.waitForRoutes("every route gone from BIRD", (rs) => rs.length === 0);
      expect(await again.listAnnounced()).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it("a /8, the default route and a host outside the monitored networks are refused and never reach BIRD", async () => {
    const speaker = speakerFor(lab.gobgpApi);
    try {
      for (const prefix of ["10.0.0.0/8", "0.0.0.0/0", "198.51.100.7/32"]) {
        const err = await speaker.announce({ kind: "blackhole", prefix, communities: ["65535:666"] }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PrefixRefusedError);
        expect((err as Error).message).toContain(prefix);
      }
      // A route announced after them arrives alone: the refused ones were never sent.
      await speaker.announce(host);
      const routes = await lab.waitForRoutes("10.20.30.40/32 in BIRD", (rs) => bird(rs, "10.20.30.40/32") !== undefined);
      expect(routes.map((r) => r.network)).toEqual(["10.20.30.40/32"]);
      expect((await speaker.listAnnounced()).map((a) => a.key)).toEqual([routeKey(host)]);
      await speaker.withdraw(host);
      await lab.waitForRoutes("10.20.30.40/32 gone from BIRD", (rs) => rs.length === 0);
    } finally {
      await speaker.close();
    }
  });

  it("gobgpd restarted (its RIB lost): the same speaker reconnects, reads back nothing, and announces again", async () => {
    const speaker = speakerFor(lab.gobgpApi);
    try {
      await speaker.announce(host);
      await lab.waitForRoutes("10.20.30.40/32 in BIRD", (rs) => bird(rs, "10.20.30.40/32") !== undefined);
      await lab.restartGobgpd();
      await lab.waitForRoutes("10.20.30.40/32 gone with gobgpd", (rs) => bird(rs, "10.20.30.40/32") === undefined);
      await lab.waitEstablished();
      // what the controller's next pass sees: gobgpd answers again and holds nothing, so it re-announces
      const started = Date.now();
      let announced: unknown;
      for (;;) {
        try {
          announced = await speaker.listAnnounced();
          break;
        } catch (err) {
          if (Date.now() - started > 5_000) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(announced).toEqual([]);
      await speaker.announce(host);
      await lab.waitForRoutes("10.20.30.40/32 in BIRD again", (rs) => bird(rs, "10.20.30.40/32")?.dest === "blackhole");
      await speaker.withdraw(host);
      await lab.waitForRoutes("10.20.30.40/32 gone from BIRD", (rs) => rs.length === 0);
    } finally {
      await speaker.close();
    }
  });

  it("gobgpd not reachable: a clear error naming GOBGP_API, within the deadline", async () => {
    const speaker = new GobgpSpeaker({ address: "127.0.0.1:1", timeoutMs: 2000, nextHop: "192.0.2.1", nextHopV6: "100::1" });
    try {
      const started = Date.now();
      const err = await speaker.listAnnounced().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GobgpError);
      expect((err as Error).message).toMatch(/gobgpd at 127\.0\.0\.1:1 \(GOBGP_API\) (is unreachable|did not answer within 2 s)/);
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(speaker.announce(host)).rejects.toThrow(/could not announce blackhole\|10\.20\.30\.40\/32: gobgpd at 127\.0\.0\.1:1/);
    } finally {
      await speaker.close();
    }
  });

  it("a gobgpd that accepts the connection but never answers: a timeout error naming GOBGP_API, at the deadline", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const speaker = new GobgpSpeaker({ address, timeoutMs: 300, nextHop: "192.0.2.1", nextHopV6: "100::1" });
    try {
      const started = Date.now();
      const err = await speaker.announce({ kind: "blackhole", prefix: "10.1.2.3/32", communities: ["65535:666"] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GobgpError);
      expect((err as GobgpError).message).toBe(`could not announce blackhole|10.1.2.3/32: gobgpd at ${address} (GOBGP_API) did not answer within 0.3 s`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(speaker.listAnnounced()).rejects.toThrow(/could not list the IPv4 unicast routes: .* did not answer within 0\.3 s/);
    } finally {
      await speaker.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
