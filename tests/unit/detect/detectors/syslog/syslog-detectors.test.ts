// The syslog detectors over the pure path the worker takes: message text → parsed event → the
// device-minute's bounded rollup → the detection engine's window → the detector. Each attack is
// found; each benign look-alike (a user mistyping twice, one planned neighbour reset, a change by an
// allowed user, a first configuration reading) is not.
import { describe, expect, it } from "vitest";
import { EMPTY_DISPOSITION_CONTEXT, suppressionFor } from "@/lib/alerts/alert-disposition";
import type { WindowSpec } from "@/lib/alerts/maintenance-window";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import type { Detection } from "@/lib/detect/detector";
import { credentialAttack } from "@/lib/detect/detectors/syslog/credential-attack";
import { routingFlap } from "@/lib/detect/detectors/syslog/routing-flap";
import { unauthorizedChange, weakenedFacts } from "@/lib/detect/detectors/syslog/unauthorized-change";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import { emptyMetricValues } from "@/lib/telemetry/metrics";
import { parseSecurityEvent } from "@/lib/telemetry/syslog/security-events";
import { addSecurityEvent, emptySecurityMinute, MAX_SECURITY_KEYS, MAX_USERS_PER_SOURCE, type SyslogSecurityMinute } from "@/lib/telemetry/syslog/security-rollup";

const T0 = Date.UTC(2026, 11, 7, 2, 0);
const MINUTE = 60_000;
const DEVICE = { name: "edge-fw-1", address: "10.0.0.1", role: "firewall", site: "hq" };

function minuteOf(lines: readonly string[]): SyslogSecurityMinute | undefined {
  const m = emptySecurityMinute();
  let any = false;
  for (const line of lines) {
    const e = parseSecurityEvent(line);
    if (!e) continue;
    addSecurityEvent(m, e);
    any = true;
  }
  return any ? m : undefined;
}

/** Runs the detectors over `minutes` (lines per minute, or config facts) and returns every detection with its minute. */
function run(
  minutes: readonly { lines?: string[]; config?: DeviceConfigFacts }[],
  configs: Record<string, unknown> = {},
): { minute: number; d: Detection }[] {
  const engine = new DetectionEngine({ detectors: [credentialAttack, routingFlap, unauthorizedChange], configFor: (id) => configs[id] });
  const out: { minute: number; d: Detection }[] = [];
  minutes.forEach((m, i) => {
    const syslog = minuteOf(m.lines ?? []);
    const sample = { deviceId: 1, ts: new Date(T0 + i * MINUTE), values: emptyMetricValues() };
    const { detections, failures } = engine.observe(sample, DEVICE, undefined, { ...(syslog ? { syslog } : {}), ...(m.config ? { config: m.config } : {}) });
    expect(failures).toEqual([]);
    for (const d of detections) out.push({ minute: i, d });
  });
  return out;
}

const sshFail = (user: string, from: string, invalid = false) =>
  `sshd[2211]: Failed password for ${invalid ? "invalid user " : ""}${user} from ${from} port ${40000 + user.length} ssh2`;
const quiet = (n: number) => Array.from({ length: n }, () => ({}));

describe("credential attack", () => {
  it("brute force: one source failing on one account, a few a minute, is found once it passes 10 in the window, with the source and account as evidence", () => {
    const found = run([...quiet(3), ...Array.from({ length: 6 }, () => ({ lines: [sshFail("root", "203.0.113.7"), sshFail("root", "203.0.113.7")] }))]);
    expect(found.length).toBeGreaterThan(0);
    const first = found[0]!;
    expect(first.minute).toBe(3 + 4); // the 5th minute of the attack brings the 10th failure
    expect(first.d.anomalyType).toBe("credential_attack");
    expect(first.d.evidence).toMatchObject({ pattern: "brute_force", target: "edge-fw-1", sources: [{ source: "203.0.113.7", users: ["root"], services: ["ssh"] }] });
    expect(first.d.explanation).toContain("203.0.113.7 failed 10 logins as root");
  });

  it("password spraying: one source trying many accounts once each is found on the 5th account, naming the accounts", () => {
    const users = ["alice", "bob", "carol", "dave", "erin", "frank"];
    const found = run(users.map((u) => ({ lines: [`%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: ${u}] [Source: 198.51.100.9] [localport: 22] [Reason: Login Authentication Failed]`] })));
    expect(found[0]?.minute).toBe(4);
    expect(found[0]!.d.evidence).toMatchObject({ pattern: "password_spraying", sources: [{ source: "198.51.100.9", accounts: 5, users: users.slice(0, 5) }] });
  });

  it("a distributed attack: many sources, each failing rarely, add up against the target", () => {
    const lines = (i: number) => Array.from({ length: 4 }, (_, k) => `%ASA-6-113015: AAA user authentication Rejected : reason = Invalid password : local database : user = vpn${k} : user IP = 198.51.${i}.${k + 1}`);
    const found = run(Array.from({ length: 8 }, (_, i) => ({ lines: lines(i) })));
    expect(found[0]?.minute).toBe(7); // 32 failures ≥ 30
    expect(found[0]!.d.evidence).toMatchObject({ pattern: "distributed", failures: 32 });
  });

  it("a user mistyping a password twice, or a few times over an hour, is never an alert", () => {
    expect(run([{ lines: [sshFail("alice", "10.2.3.4"), sshFail("alice", "10.2.3.4")] }, ...quiet(5)])).toEqual([]);
    const hour = Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? { lines: [sshFail(`user${i % 3}`, `10.2.3.${i % 5}`)] } : {}));
    expect(run(hour)).toEqual([]);
  });

  it("failures that left the window no longer count: 6 now and 6 fifteen minutes later are two ordinary bursts", () => {
    const burst = { lines: Array.from({ length: 6 }, () => sshFail("root", "203.0.113.7")) };
    expect(run([burst, ...quiet(14), burst])).toEqual([]);
  });

  it("keeps at most MAX_USERS_PER_SOURCE accounts per source and MAX_SECURITY_KEYS sources per minute, counting the rest", () => {
    const m = emptySecurityMinute();
    // a hostile sender: one source spraying 100 accounts, then 100 forged sources
    for (let i = 0; i < 100; i++) addSecurityEvent(m, { kind: "auth_failure", service: "ssh", user: `v${i}`, source: "198.51.100.1" });
    for (let i = 0; i < 100; i++) addSecurityEvent(m, { kind: "auth_failure", service: "ssh", user: `u${i}`, source: `203.0.113.${i}` });
    expect(m.authFailures).toBe(200);
    expect(m.authSources).toHaveLength(MAX_SECURITY_KEYS);
    expect(m.authFailuresOfOtherSources).toBe(100 - (MAX_SECURITY_KEYS - 1));
    expect(m.authSources[0]).toMatchObject({ source: "198.51.100.1", failures: 100, failuresOfOtherUsers: 100 - MAX_USERS_PER_SOURCE });
    expect(m.authSources[0]!.users).toHaveLength(MAX_USERS_PER_SOURCE);
  });
});

describe("routing flap", () => {
  const bgp = (state: "Up" | "Down", n = "192.0.2.1") => `%BGP-5-ADJCHANGE: neighbor ${n} ${state}${state === "Down" ? " Peer closed the session" : ""}`;

  it("a BGP neighbour going down and up every few minutes is found at its 5th change, with neighbour, protocol and count", () => {
    const minutes = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? { lines: [bgp(i % 6 === 0 ? "Down" : "Up")] } : {}));
    const found = run(minutes);
    expect(found[0]?.minute).toBe(12);
    expect(found[0]!.d.anomalyType).toBe("routing_flap");
    expect(found[0]!.d.evidence).toMatchObject({ changes: 5, neighbors: [{ protocol: "bgp", neighbor: "192.0.2.1", downs: 3, ups: 2 }] });
  });

  it("OSPF and IS-IS changes on several neighbours add up for the device", () => {
    const lines = [
      "%OSPF-5-ADJCHG: Process 1, Nbr 10.255.0.2 on Gi0/1 from FULL to DOWN, Neighbor Down: Dead timer expired",
      "%OSPF-5-ADJCHG: Process 1, Nbr 10.255.0.3 on Gi0/1 from FULL to DOWN, Neighbor Down: Dead timer expired",
      "%CLNS-5-ADJCHANGE: ISIS: Adjacency to core-2 (Gi0/1) Down, hold time expired",
      "%OSPF-5-ADJCHG: Process 1, Nbr 10.255.0.2 on Gi0/1 from LOADING to FULL, Loading Done",
    ];
    const found = run([{ lines }, {}, { lines }]);
    expect(found.map((f) => f.minute)).toEqual([2]);
  });

  it("a single planned reset (down, then up) is ordinary, and so are two resets hours apart", () => {
    expect(run([{ lines: [bgp("Down")] }, {}, { lines: [bgp("Up")] }, ...quiet(5)])).toEqual([]);
    const reset = [{ lines: [bgp("Down")] }, { lines: [bgp("Up")] }];
    expect(run([...reset, ...quiet(40), ...reset])).toEqual([]);
  });
});

describe("routing flap over weeks (slow flapping)", () => {
  const DAY = 86_400_000;
  const bgp = (state: "Up" | "Down") => `%BGP-5-ADJCHANGE: neighbor 198.51.100.1 ${state}`;
  /** Runs one engine over `changesPerDay` (a reset = down then up, 3 h apart), returning each day's findings. */
  function overDays(changesPerDay: readonly number[]): Detection[][] {
    const engine = new DetectionEngine({ detectors: [routingFlap] });
    return changesPerDay.map((n, d) => {
      const found: Detection[] = [];
      for (let k = 0; k < n; k++) {
        const ts = new Date(T0 + d * DAY + k * 3 * 3_600_000);
        const syslog = minuteOf([bgp(k % 2 === 0 ? "Down" : "Up")])!;
        found.push(...engine.observe({ deviceId: 1, ts, values: emptyMetricValues() }, DEVICE, undefined, { syslog }).detections);
      }
      return found;
    });
  }

  it("a session resetting twice a week for three weeks, then daily for a week, is found as slow flapping once the week passes 3× its usual (and 10), with the days as evidence", () => {
    const quiet = Array.from({ length: 21 }, (_, d) => (d % 7 === 0 || d % 7 === 3 ? 2 : 0));
    const found = overDays([...quiet, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(found.slice(0, 21).flat()).toEqual([]);
    // 12 changes in the three weeks before → usual 4 a week, bar max(10, 3 × 4) = 12: crossed by the 13th
    // change of the week, on day 27; then only each day's first change while above
    expect(found.map((f) => f.length)).toEqual([...Array.from({ length: 27 }, () => 0), 1, 1]);
    const [d] = found[27]!;
    expect(d).toMatchObject({ anomalyType: "routing_flap", evidence: { timeframe: "days", windowDays: 7, changes: 13, usualPerWindow: 4, comparedDays: 21 } });
    expect(d!.explanation).toContain("changed state 13 times in the last 7 days against a usual 4.0 per 7 days over the 21 days before: slow flapping");
  });

  it.each<[string, number[]]>([
    ["a steady two resets a day for four weeks", Array.from({ length: 28 }, () => 4)],
    ["a busy week with under two weeks of history", [...Array.from({ length: 6 }, () => 0), ...Array.from({ length: 7 }, () => 4)]],
  ])("not found: %s", (_name, perDay) => {
    expect(overDays(perDay).flat()).toEqual([]);
  });
});

describe("unauthorized change", () => {
  const change = (user: string) => `%SYS-5-CONFIG_I: Configured from console by ${user} on vty0 (10.9.9.9)`;
  const HARDENED: DeviceConfigFacts = { snmpVersion: "v3", telnetEnabled: false, sshEnabled: true, httpMgmtEnabled: false };

  it("every configuration change is reported (the pipeline suppresses the ones inside a maintenance window), naming who and from where", () => {
    const [f] = run([{ lines: [change("netops")] }]);
    expect(f!.d).toMatchObject({ anomalyType: "unauthorized_change", severity: "medium", evidence: { changes: [{ user: "netops", source: "10.9.9.9", count: 1 }] } });
    expect(f!.d.ignoresMaintenance).toBeUndefined();
    expect(f!.d.explanation).toContain("netops from 10.9.9.9 outside any maintenance window");
  });

  it("with an allowed list, a change by someone not on it is high and not excused by a window; an allowed user's is medium", () => {
    const configs = { "syslog-unauthorized-change": { allowedUsers: ["NetOps", "trent"] } };
    const [outsider] = run([{ lines: [change("mallory")] }], configs);
    expect(outsider!.d).toMatchObject({ severity: "high", ignoresMaintenance: true, evidence: { notAllowed: ["mallory"] } });
    const [allowed] = run([{ lines: [change("netops")] }], configs);
    expect(allowed!.d.severity).toBe("medium");
    expect(allowed!.d.ignoresMaintenance).toBeUndefined();
    // the tuning knob: threshold 1 keeps only the severe ones
    expect(run([{ lines: [change("netops")] }], { "syslog-unauthorized-change": { allowedUsers: ["netops"], threshold: 1 } })).toEqual([]);
  });

  it("a scheduled change inside the device's maintenance window is recorded suppressed; the same change after the window, or by an unlisted user inside it, is raised", () => {
    // the worker's path: detector finding → suppressionFor with the current windows
    const window: WindowSpec = {
      id: 11,
      scope: "device",
      scopeValue: null,
      deviceIds: [1],
      startsAt: new Date(T0 - 30 * MINUTE),
      endsAt: new Date(T0 + 30 * MINUTE),
      recurrence: "none",
      timezone: "UTC",
    };
    const ctx = { ...EMPTY_DISPOSITION_CONTEXT, windows: [window] };
    const device = { id: 1, name: DEVICE.name, site: DEVICE.site, role: DEVICE.role };
    const configs = { "syslog-unauthorized-change": { allowedUsers: ["netops"] } };
    const [scheduled] = run([{ lines: [change("netops")] }], configs);
    expect(suppressionFor(scheduled!.d, device, new Date(T0), ctx)).toEqual({ kind: "maintenance", windowId: 11 });
    expect(suppressionFor(scheduled!.d, device, new Date(T0 + 45 * MINUTE), ctx)).toBeUndefined();
    const [outsider] = run([{ lines: [change("mallory")] }], configs);
    expect(suppressionFor(outsider!.d, device, new Date(T0), ctx)).toBeUndefined();
  });

  it("SNMPv3 downgraded to v2c and telnet switched on between two readings is high; the first reading and an unchanged one are nothing", () => {
    const weakened = { ...HARDENED, snmpVersion: "v2c" as const, telnetEnabled: true };
    const found = run([{ config: HARDENED }, {}, { config: HARDENED }, { config: weakened }]);
    expect(found.map((f) => f.minute)).toEqual([3]);
    expect(found[0]!.d.severity).toBe("high");
    expect(found[0]!.d.explanation).toContain("SNMP downgraded from v3 to v2c, telnet enabled since the previous reading");
  });

  it.each<[string, DeviceConfigFacts, DeviceConfigFacts, string[]]>([
    ["hardening is no weakening", { ...HARDENED, snmpVersion: "v2c", telnetEnabled: true }, HARDENED, []],
    ["an unknown fact is no change", HARDENED, { ...HARDENED, telnetEnabled: null, snmpVersion: null }, []],
    ["SSH off and HTTP on", HARDENED, { ...HARDENED, sshEnabled: false, httpMgmtEnabled: true }, ["httpMgmtEnabled", "sshEnabled"]],
  ])("weakenedFacts: %s", (_name, before, after, facts) => {
    expect(weakenedFacts(before, after).map((w) => w.fact).sort()).toEqual(facts);
  });
});
