// What each incident looks like on the wire (flows) and in the device's log (syslog).
import { describe, expect, it } from "vitest";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { CDN_BYTES_PER_MINUTE, demoDeviceAddress, demoFlows, demoSyslog, type DemoTrafficInput, type SecurityLookalike } from "@/lib/simulator/demo-traffic";
import { securityEventOf } from "@/lib/telemetry/syslog/security-events";
import { applyIncidents, SIMULATED_POOL_PORTS, type Incident } from "@/lib/simulator/incidents";
import { MINING_PORTS } from "@/lib/detect/detectors/flow/crypto-mining-detector";
import { createNetworkModel } from "@/lib/simulator/network-model";

const MINUTE = 60_000;
const fleet = demoFleet(20, 1);
const model = createNetworkModel({ devices: fleet, seed: 1 });
const WEB = fleet.findIndex((d) => d.tags.includes("web"));
const START = Date.parse("2025-01-08T14:00:00Z");

function incident(kind: Incident["kind"], overrides: Partial<Incident> = {}): Incident {
  return { id: `${kind}-test`, kind, deviceIndex: WEB, start: new Date(START), end: new Date(START + 10 * MINUTE), intensity: 0.5, ...overrides };
}

function input(incidents: Incident[], minute = START + 3 * MINUTE, deviceIndex = WEB): DemoTrafficInput {
  const ts = new Date(minute);
  return {
    seed: 1,
    deviceIndex,
    device: fleet[deviceIndex]!,
    address: demoDeviceAddress(deviceIndex),
    minute,
    values: applyIncidents(model.valuesAt(deviceIndex, ts), deviceIndex, ts, incidents),
    incidents,
  };
}

const messages = (i: DemoTrafficInput) => demoSyslog(i).map((l) => l.message);

describe("demoFlows", () => {
  it("a port scan is one external source probing ≥100 distinct destination ports with 1–2 packets each", () => {
    const flows = demoFlows(input([incident("port_scan")]));
    const address = demoDeviceAddress(WEB);
    const bySource = new Map<string, Set<number>>();
    for (const f of flows) if (f.dstAddr === address) bySource.set(f.srcAddr, (bySource.get(f.srcAddr) ?? new Set()).add(f.dstPort));
    const [scanner, ports] = [...bySource.entries()].sort((a, b) => b[1].size - a[1].size)[0]!;
    expect(ports.size).toBeGreaterThanOrEqual(100);
    const probes = flows.filter((f) => f.srcAddr === scanner);
    expect(probes.every((f) => f.packets <= 2 && f.bytes <= 100 && f.tcpFlags === 0x02)).toBe(true);
    // nobody else touches more than a handful of ports
    for (const [src, p] of bySource) if (src !== scanner) expect(p.size).toBeLessThan(10);
  });

  it("an application-layer DDoS is many long, low-byte TCP connections", () => {
    const quiet = demoFlows(input([]));
    const flows = demoFlows(input([incident("app_ddos")]));
    const slow = flows.filter((f) => f.protocol === 6 && f.endMs - f.startMs >= 55_000 && f.bytes < 5_000);
    expect(slow.length).toBeGreaterThanOrEqual(200);
    expect(quiet.filter((f) => f.endMs - f.startMs >= 55_000 && f.bytes < 5_000)).toHaveLength(0);
    expect(new Set(slow.map((f) => f.srcAddr)).size).toBeGreaterThanOrEqual(100);
  });

  it("a volumetric DDoS is short SYN flows from ≥100 sources", () => {
    const flows = demoFlows(input([incident("ddos")]));
    const syn = flows.filter((f) => f.tcpFlags === 0x02);
    expect(new Set(syn.map((f) => f.srcAddr)).size).toBeGreaterThanOrEqual(100);
  });

  it("an exfiltration is one large upload to one destination; a link down sends nothing", () => {
    const flows = demoFlows(input([incident("exfiltration")]));
    const biggest = [...flows].sort((a, b) => b.bytes - a.bytes)[0]!;
    expect(biggest.srcAddr).toBe(demoDeviceAddress(WEB));
    const out = flows.filter((f) => f.srcAddr === demoDeviceAddress(WEB)).reduce((s, f) => s + f.bytes, 0);
    expect(biggest.bytes / out).toBeGreaterThan(0.8);
    expect(demoFlows(input([incident("link_down")]))).toEqual([]);
  });

  it("a slow exfiltration sends its extra upload to the same destination every day", () => {
    const slow = incident("slow_exfiltration", { end: new Date(START + 4 * 86_400_000 + 60 * MINUTE), dailyMinutes: 60 });
    const peers = [0, 1, 2, 3, 4].map((day) => {
      const flows = demoFlows(input([slow], START + day * 86_400_000 + 30 * MINUTE));
      return flows.filter((f) => f.dstAddr.startsWith("192.0.2.")).map((f) => f.dstAddr);
    });
    for (const p of peers) expect(p).toEqual(peers[0]);
    expect(peers[0]).toHaveLength(1);
    // outside the daily window there is no such upload
    const between = demoFlows(input([slow], START + 3 * 60 * MINUTE));
    expect(between.filter((f) => f.dstAddr.startsWith("192.0.2."))).toHaveLength(0);
  });
});

describe("demoSyslog", () => {
  it.each<{ kind: Incident["kind"]; text: RegExp }>([
    { kind: "link_down", text: /changed state to down/ },
    { kind: "degradation", text: /session timeout/ },
    { kind: "link_degradation" as Incident["kind"], text: /session timeout/ },
    { kind: "cpu_exhaustion", text: /CPU utilization/ },
    { kind: "ddos", text: /SYN flood/ },
    { kind: "app_ddos", text: /MaxRequestWorkers/ },
    { kind: "port_scan", text: /port scan from 203\.0\.113\./ },
  ])("$kind logs $text", ({ kind, text }) => {
    const lines = messages(input([incident(kind)], START));
    expect(lines.some((m) => text.test(m))).toBe(true);
    expect(messages(input([incident(kind)], START - MINUTE)).some((m) => text.test(m))).toBe(false);
  });

  it("a link comes back up the minute its incident ends", () => {
    const down = incident("link_down");
    expect(messages(input([down], down.end.getTime())).some((m) => /changed state to up/.test(m))).toBe(true);
    expect(messages(input([down], down.end.getTime() - MINUTE)).some((m) => /changed state to up/.test(m))).toBe(false);
  });

  it("exfiltrations are silent", () => {
    for (const kind of ["exfiltration", "slow_exfiltration"] as const) {
      expect(messages(input([incident(kind)]))).toEqual(messages(input([])));
    }
  });
});

describe("ordinary demo flows", () => {
  // The live demo's bandwidth comes from these flows between SNMP polls: their totals must be the
  // model's bytes exactly, in both directions, whatever the number of flows that minute.
  it.each(fleet.map((d, i) => ({ name: d.name, i })))("$name: flow bytes equal the modelled bandwidth each way", ({ i }) => {
    for (let m = 0; m < 30; m++) {
      const traffic = input([], START + m * MINUTE, i);
      const flows = demoFlows(traffic);
      const address = demoDeviceAddress(i);
      const sum = (f: typeof flows) => f.reduce((n, x) => n + x.bytes, 0);
      const inBytes = sum(flows.filter((f) => f.dstAddr === address));
      const outBytes = sum(flows.filter((f) => f.srcAddr === address));
      // each flow's bytes are rounded to a whole byte
      expect(Math.abs(inBytes - ((traffic.values.bandwidthInBps ?? 0) * 60) / 8)).toBeLessThanOrEqual(flows.length);
      expect(Math.abs(outBytes - ((traffic.values.bandwidthOutBps ?? 0) * 60) / 8)).toBeLessThanOrEqual(flows.length);
    }
  });
});

describe("the security kinds and their look-alikes, as the parsers read them", () => {
  const events = (i: DemoTrafficInput) => demoSyslog(i).flatMap((l) => securityEventOf({ appName: l.appName, message: l.message }) ?? []);
  const ROUTER = fleet.findIndex((d) => d.role === "core-router");

  it.each([
    { name: "brute force", intensity: 0.2, users: 1 },
    { name: "password spraying", intensity: 0.9, users: 3 },
  ])("a credential attack ($name) fails 3–5 logins a minute from one source", ({ intensity, users }) => {
    for (const d of [WEB, ROUTER]) {
      const failed = events(input([incident("credential_attack", { deviceIndex: d, intensity })], START + 3 * MINUTE, d));
      expect(failed.length).toBeGreaterThanOrEqual(3);
      const sources = new Set(failed.map((e) => (e.kind === "auth_failure" ? e.source : null)));
      expect(sources.size).toBe(1);
      expect([...sources][0]).toMatch(/^185\.220\.101\.\d+$/);
      expect(new Set(failed.map((e) => (e.kind === "auth_failure" ? e.user : null))).size).toBeGreaterThanOrEqual(users);
    }
  });

  it("a routing flap takes the BGP neighbour down and up every minute; the slow one twice a day's window, two hours apart", () => {
    const fast = incident("routing_flap", { deviceIndex: ROUTER });
    const states = [0, 1, 2, 3].map((k) => events(input([fast], START + k * MINUTE, ROUTER)).map((e) => (e.kind === "neighbor_change" ? e.state : "?")));
    expect(states).toEqual([["down"], ["up"], ["down"], ["up"]]);
    const slow = incident("routing_flap", { deviceIndex: ROUTER, end: new Date(START + 3 * 1440 * MINUTE), dailyMinutes: 300 });
    const changed = [];
    for (let k = 0; k < 1440; k++) if (events(input([slow], START + k * MINUTE, ROUTER)).length > 0) changed.push(k);
    expect(changed).toEqual([0, 1, 120, 121, 240, 241]);
  });

  it("an unauthorized change logs who changed the configuration, once, at its start", () => {
    const change = incident("unauthorized_change", { deviceIndex: ROUTER, intensity: 0.6 });
    expect(events(input([change], START, ROUTER))).toEqual([{ kind: "config_change", user: expect.stringMatching(/^svc-\d+$/), source: "10.0.0.5" }]);
    expect(events(input([change], START + MINUTE, ROUTER))).toEqual([]);
  });

  it("a protocol shift moves most bytes to UDP", () => {
    const flows = demoFlows(input([incident("protocol_shift")]));
    const udp = flows.filter((f) => f.protocol === 17).reduce((n, f) => n + f.bytes, 0);
    expect(udp / flows.reduce((n, f) => n + f.bytes, 0)).toBeGreaterThan(0.55);
  });

  it("lateral movement opens sessions to at least 6 new internal hosts a minute on administration ports", () => {
    const inc = incident("lateral_movement");
    const sessions = (minute: number) => demoFlows(input([inc], minute)).filter((f) => f.dstAddr.startsWith("10.250.") && f.packets > 2);
    const first = sessions(START + 3 * MINUTE);
    expect(new Set(first.map((f) => f.dstAddr)).size).toBeGreaterThanOrEqual(6);
    for (const f of first) expect([445, 3389, 22, 5985, 135]).toContain(f.dstPort);
    // the next minute reaches other hosts again
    const next = new Set(sessions(START + 4 * MINUTE).map((f) => f.dstAddr));
    expect(first.filter((f) => next.has(f.dstAddr))).toEqual([]);
  });

  it("in the live demo lateral movement reaches the other demo devices only, so no unowned host is discovered", () => {
    const others = Array.from({ length: 20 }, (_, i) => demoDeviceAddress(i));
    const own = input([incident("lateral_movement")], START + 3 * MINUTE);
    const flows = demoFlows({ ...own, lateralTargets: others });
    const internal = flows.filter((f) => f.srcAddr === own.address && f.dstAddr.startsWith("127.1.") && f.packets > 2);
    expect(new Set(internal.map((f) => f.dstAddr)).size).toBeGreaterThanOrEqual(6);
    for (const f of internal) {
      expect(others).toContain(f.dstAddr);
      expect(f.dstAddr).not.toBe(own.address);
    }
    expect(flows.filter((f) => f.dstAddr.startsWith("10.250."))).toEqual([]);
  });

  it("a geo anomaly uploads at least 8 MB a minute to one RU or CN address; a look-alike CDN node abroad serves 0.3 MB", () => {
    const flows = demoFlows(input([incident("geo_anomaly")]));
    const abroad = flows.filter((f) => /^(77\.88\.55|223\.5\.5)\./.test(f.dstAddr));
    expect(new Set(abroad.map((f) => f.dstAddr)).size).toBe(1);
    expect(abroad.reduce((n, f) => n + f.bytes, 0)).toBeGreaterThanOrEqual(8_000_000);
    const cdn = demoFlows({ ...input([]), lookalikes: [{ kind: "cdn_new_country", deviceIndex: WEB, start: new Date(START), end: new Date(START + 30 * MINUTE) }] });
    expect(cdn.filter((f) => f.srcAddr.startsWith("54.230.")).reduce((n, f) => n + f.bytes, 0)).toBe(CDN_BYTES_PER_MINUTE);
  });

  it("crypto-mining keeps one Stratum session to one external pool (a few kB a minute each way) with the CPU held high; the look-alike tool on port 4444 is internal and leaves the CPU alone", () => {
    const mining = input([incident("crypto_mining", { intensity: 0.4 })]);
    expect(mining.values.cpuPct).toBeGreaterThanOrEqual(70);
    // the simulated miners use pool ports the detector (and the rollup, which counts them exactly) watches
    expect(MINING_PORTS).toEqual(expect.arrayContaining([...SIMULATED_POOL_PORTS]));
    const pool = demoFlows(mining).filter((f) => (SIMULATED_POOL_PORTS as readonly number[]).includes(f.dstPort));
    expect(pool).toHaveLength(1);
    expect(pool[0]!.dstAddr).toMatch(/^203\.0\.113\./);
    expect(pool[0]!.bytes).toBeGreaterThan(1_000);
    expect(pool[0]!.bytes).toBeLessThan(50_000);
    const tool = { ...input([]), lookalikes: [{ kind: "tool_on_pool_port" as const, deviceIndex: WEB, start: new Date(START), end: new Date(START + 30 * MINUTE) }] };
    const toolFlows = demoFlows(tool).filter((f) => f.dstPort === 4444);
    expect(toolFlows).toHaveLength(1);
    expect(toolFlows[0]!.dstAddr).toMatch(/^10\./);
    expect(tool.values.cpuPct).toBeLessThan(60);
  });

  it("look-alikes: a password mistyped twice over two minutes, then accepted; a scheduled change; a planned BGP reset (down, up)", () => {
    const at = new Date(START);
    const look = (kind: SecurityLookalike["kind"], d: number, minute = START) =>
      events({ ...input([], minute, d), lookalikes: [{ kind, deviceIndex: d, start: at, end: new Date(START + 12 * MINUTE) }] });
    expect(look("mistyped_password", WEB).map((e) => e.kind)).toEqual(["auth_failure"]);
    expect(look("mistyped_password", WEB, START + MINUTE).map((e) => e.kind)).toEqual(["auth_failure"]);
    expect(look("mistyped_password", WEB, START + 2 * MINUTE)).toEqual([]);
    expect(look("mistyped_password", WEB, START - MINUTE)).toEqual([]);
    expect(look("scheduled_change", ROUTER)).toEqual([{ kind: "config_change", user: "netops", source: "10.0.0.5" }]);
    expect(look("planned_bgp_reset", ROUTER).map((e) => (e.kind === "neighbor_change" ? e.state : "?"))).toEqual(["down"]);
    expect(look("planned_bgp_reset", ROUTER, START + 11 * MINUTE).map((e) => (e.kind === "neighbor_change" ? e.state : "?"))).toEqual(["up"]);
    expect(look("planned_bgp_reset", ROUTER, START + 5 * MINUTE)).toEqual([]);
  });
});
