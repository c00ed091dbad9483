// Syslog and snapshot lines of a scenario reach the worker's own router and detectors in the harness,
// as live syslog and SNMP facts do: a few hours of one router, no flows.
import { describe, expect, it } from "vitest";
import { parseScenario } from "@/lib/eval/scenario";
import { scenarioSourceOf } from "@/lib/eval/scenario-source";
import { runScenario } from "@/scripts/eval/run-scenario";

const START = Date.parse("2026-01-05T00:00:00Z");
const MINUTE = 60_000;
const at = (minute: number) => new Date(START + minute * MINUTE).toISOString();

function scenario(extra: { minute: number; line: Record<string, unknown> }[]): string {
  const lines: string[] = [
    JSON.stringify({ kind: "config", internal_subnets: ["10.0.0.0/8"], devices: [{ name: "core-01", ip: "10.0.0.1", role: "core-router", site: "hq" }] }),
    JSON.stringify({ kind: "maintenance", start: at(200), end: at(230), devices: ["core-01"] }),
  ];
  for (let m = 0; m < 240; m++) {
    lines.push(JSON.stringify({ kind: "metric", ts: at(m), device: "core-01", metrics: { cpu_pct: 30 + (m % 3), bandwidth_in_bps: 1e8 + (m % 5) * 1e6 } }));
    for (const e of extra.filter((x) => x.minute === m)) lines.push(JSON.stringify({ ts: at(m), device: "core-01", ...e.line }));
  }
  return lines.join("\n");
}

const syslog = (message: string) => ({ kind: "syslog", severity: "notice", message });
const typesOf = async (text: string) => (await runScenario(scenarioSourceOf(parseScenario(text)))).alerts.map((a) => `${a.type}:${a.status}`);

describe("security telemetry in the evaluation harness", () => {
  it("BGP flapping in syslog lines is a routing_flap; one planned reset is not", { timeout: 60_000 }, async () => {
    const flaps = Array.from({ length: 6 }, (_, k) => ({
      minute: 100 + k,
      line: syslog(`%BGP-5-ADJCHANGE: neighbor 10.255.0.2 ${k % 2 === 0 ? "Down BGP Notification sent" : "Up"}`),
    }));
    expect(await typesOf(scenario(flaps))).toContain("routing_flap:open");
    expect(await typesOf(scenario(flaps.slice(0, 2)))).not.toContain("routing_flap:open");
  });

  it("a configuration change in syslog outside a window is raised, inside it is suppressed", { timeout: 60_000 }, async () => {
    const change = (minute: number) => ({ minute, line: syslog("%SYS-5-CONFIG_I: Configured from console by jdoe on vty0 (10.1.1.5)") });
    expect(await typesOf(scenario([change(120)]))).toContain("unauthorized_change:open");
    expect((await typesOf(scenario([change(210)]))).filter((t) => t.startsWith("unauthorized_change"))).toEqual(["unauthorized_change:suppressed"]);
  });

  it("a poll finding telnet switched on and SNMP downgraded is an unauthorized_change; the first reading is only remembered", { timeout: 60_000 }, async () => {
    const poll = (minute: number, facts: Record<string, unknown>) => ({ minute, line: { kind: "snapshot", facts } });
    const hardened = { snmp_version: "3", telnet: false, ssh: true };
    expect(await typesOf(scenario([poll(0, hardened), poll(150, { snmp_version: "2c", telnet: true })]))).toContain("unauthorized_change:open");
    expect(await typesOf(scenario([poll(150, { snmp_version: "2c", telnet: true })]))).not.toContain("unauthorized_change:open");
  });

  it("a password mistyped twice is not a credential attack; twelve failures from one source are", { timeout: 60_000 }, async () => {
    const fail = (minute: number, user = "alice") => ({ minute, line: syslog(`sshd[812]: Failed password for ${user} from 10.2.3.4 port 50122 ssh2`) });
    expect(await typesOf(scenario([fail(120), fail(121)]))).not.toContain("credential_attack:open");
    expect(await typesOf(scenario(Array.from({ length: 12 }, (_, k) => fail(120 + (k >> 2), "root"))))).toContain("credential_attack:open");
  });
});
