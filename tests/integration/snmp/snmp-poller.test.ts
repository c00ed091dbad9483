// The SNMP poller against a real agent (net-snmp's snmpd, started here): v2c and v3 authPriv
// polls, interface octet counters following traffic we put on the loopback, CPU and memory matching
// what snmpget reads, and an agent restart (outage + sysUpTime reset) handled as a state change.
import dgram from "node:dgram";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import os from "node:os";
import path from "node:path";
import { createLogger } from "@/lib/log";
import { loadCollectorConfig } from "@/lib/telemetry/collector-config";
import type { MetricName } from "@/lib/telemetry/metrics";
import { OID } from "@/lib/telemetry/snmp/device-snapshot";
import { snmpConfigSchema, startSnmpPoller, type RunningSnmpPoller } from "@/workers/collectors/snmp-poller";
import type { DeviceRef, TelemetrySink } from "@/workers/collectors/telemetry-sink";
import { COMMUNITY, V3, V3_AUTH_ONLY, snmpget, snmpwalk, startSnmpd, type Snmpd } from "./snmpd";

const log = createLogger("test:snmp", { level: "error" });

interface Sample {
  ref: DeviceRef;
  ts: number;
  values: Partial<Record<MetricName, number>>;
}

function recordingSink() {
  const samples: Sample[] = [];
  const reachability: Array<{ ref: DeviceRef; reachable: boolean; at: Date }> = [];
  const sink: TelemetrySink = {
    flows: () => undefined,
    syslog: () => undefined,
    deviceMetrics: (ref, ts, values) => void samples.push({ ref, ts: ts.getTime(), values }),
    deviceReachability: (ref, reachable, at) => void reachability.push({ ref, reachable, at }),
  };
  return { sink, samples, reachability };
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startPoller(targets: unknown[]) {
  const rec = recordingSink();
  const poller = await startSnmpPoller({ config: snmpConfigSchema.parse({ targets }), sink: rec.sink, log, now: () => Date.now() });
  return { ...rec, poller };
}

/** Receive bytes over all interfaces, from /proc/net/dev (what the agent reads too). */
function rxBytesTotal(): number {
  return fs
    .readFileSync("/proc/net/dev", "utf8")
    .split("\n")
    .slice(2)
    .filter((l) => l.includes(":"))
    .reduce((sum, l) => sum + Number(l.split(":")[1]!.trim().split(/\s+/)[0]), 0);
}

/** Sends `bytes` of UDP payload to a local receiver (over the loopback interface). */
async function loopbackTraffic(bytes: number): Promise<void> {
  const rx = dgram.createSocket("udp4");
  rx.on("message", () => undefined);
  await new Promise<void>((r) => rx.bind(0, "127.0.0.1", () => r()));
  const tx = dgram.createSocket("udp4");
  const chunk = Buffer.alloc(60_000, 0x61);
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    await new Promise<void>((resolve, reject) => tx.send(chunk, rx.address().port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
  }
  await new Promise<void>((r) => tx.close(() => r()));
  await new Promise<void>((r) => rx.close(() => r()));
}

/** RAM used/size as snmpget reads it (hrStorageRam rows). */
async function memoryPctBySnmpget(port: number, v3 = false): Promise<number> {
  const types = await snmpwalk(port, OID.hrStorageType, v3);
  const ram = types.filter(([, v]) => v.replace(/^\./, "") === OID.hrStorageRam).map(([oid]) => oid.split(".").pop()!);
  expect(ram.length).toBeGreaterThan(0);
  let used = 0;
  let size = 0;
  for (const idx of ram) {
    const values = await snmpget(port, [`${OID.hrStorageUsed}.${idx}`, `${OID.hrStorageSize}.${idx}`, `${OID.hrStorageAllocationUnits}.${idx}`], v3);
    const [u, s, units] = values.map(([, v]) => Number(v));
    used += u! * units!;
    size += s! * units!;
  }
  return (used / size) * 100;
}

/** Mean hrProcessorLoad as snmpwalk reads it; undefined while the agent has no load average yet. */
async function cpuPctBySnmpwalk(port: number): Promise<number | undefined> {
  const rows = (await snmpwalk(port, OID.hrProcessorLoad)).filter(([oid, v]) => oid.startsWith(`${OID.hrProcessorLoad}.`) && /^\d+$/.test(v));
  if (rows.length === 0) return undefined;
  return rows.reduce((a, [, v]) => a + Number(v), 0) / rows.length;
}

let agent: Snmpd;
const pollers: RunningSnmpPoller[] = [];

beforeAll(async () => {
  agent = await startSnmpd();
});

afterAll(async () => {
  await Promise.all(pollers.map((p) => p.stop()));
  await agent?.stop();
});

/**
 * Polls every second while `bytes` go over the loopback, and compares the bytes the samples add up
 * to (Σ bandwidthInBps / 8 × interval) with what was sent and with what the kernel counted.
 */
async function checkTrafficFollowsCounters(target: Record<string, unknown>) {
  const { poller, samples } = await startPoller([{ ...target, address: "127.0.0.1", port: agent.port, intervalSec: 1, timeoutMs: 2000 }]);
  pollers.push(poller);
  const withRate = () => samples.filter((s) => s.values.bandwidthInBps !== undefined);
  // A rate needs two polls: wait for the first one.
  await waitFor("a first rate", () => (withRate().length > 0 ? true : undefined), 15_000);

  const kernelStart = rxBytesTotal();
  const from = withRate().at(-1)!.ts;
  const SENT = 40 * 1024 * 1024;
  await loopbackTraffic(SENT);
  const sentAt = Date.now();
  // The agent caches interface counters for a few seconds: keep polling well past that.
  await waitFor("polls after the traffic", () => (samples.some((s) => s.ts > sentAt + 6_000) ? true : undefined), 20_000);
  const kernelEnd = rxBytesTotal();

  const window = samples.filter((s) => s.ts >= from);
  let inBytes = 0;
  let outBytes = 0;
  for (let i = 1; i < window.length; i++) {
    const dt = (window[i]!.ts - window[i - 1]!.ts) / 1000;
    expect(window[i]!.values.bandwidthInBps, `sample ${i} has a rate`).toBeDefined();
    inBytes += (window[i]!.values.bandwidthInBps! / 8) * dt;
    outBytes += (window[i]!.values.bandwidthOutBps! / 8) * dt;
  }
  // What the kernel counted from just after the first poll of the window to after the last one (the
  // agent's counter cache shifts its window by a few seconds of background traffic: the slack below).
  const kernelBytes = kernelEnd - kernelStart;

  expect(inBytes).toBeGreaterThan(SENT * 0.95); // at least what we sent (plus headers and background)
  expect(inBytes).toBeLessThan(Math.max(kernelBytes, SENT) * 1.1 + 1_000_000); // no more than the kernel saw
  expect(outBytes).toBeGreaterThan(SENT * 0.95); // loopback: every byte in is a byte out
  expect(Math.max(...window.map((s) => s.values.bandwidthInBps!))).toBeGreaterThan((SENT * 8) / 10);
  expect(window.some((s) => (s.values.packetsPerSec ?? 0) > 100)).toBe(true);
  for (const s of samples) {
    expect(s.values.memoryPct).toBeGreaterThan(0);
    expect(s.values.memoryPct).toBeLessThanOrEqual(100);
    expect(s.ref).toEqual({ address: "127.0.0.1", name: target.name });
  }
  return { poller, samples };
}

/** Two points, plus however much this machine's memory moved during the poll run itself: snmpget reads
 * a moment after the poller, and other processes here allocate in between. */
function memoryTolerance(samples: { values: { memoryPct?: number } }[]): number {
  const seen = samples.map((s) => s.values.memoryPct!);
  return 2 + Math.max(...seen) - Math.min(...seen);
}

describe("SNMP poller against snmpd", () => {
  it("v2c: bandwidth follows loopback traffic; memory matches snmpget", { timeout: 60_000 }, async () => {
    const { poller, samples } = await checkTrafficFollowsCounters({ name: "agent-v2c", version: "2c", community: COMMUNITY });
    const mem = await memoryPctBySnmpget(agent.port);
    expect(Math.abs(samples.at(-1)!.values.memoryPct! - mem)).toBeLessThan(memoryTolerance(samples));
    const st = poller.stats()["agent-v2c"]!;
    expect(st.polls.ok).toBeGreaterThanOrEqual(samples.length);
    expect(st.polls.timeout + st.polls.error).toBe(0);
    expect(st.reachable).toBe(true);
    await poller.stop();
  });

  it("v3 authPriv (SHA/AES): bandwidth follows loopback traffic; memory matches snmpget -v3", { timeout: 60_000 }, async () => {
    const { poller, samples } = await checkTrafficFollowsCounters({
      name: "agent-v3",
      version: "3",
      v3: { user: V3.user, level: "authPriv", authProtocol: "sha", authKey: V3.authKey, privProtocol: "aes", privKey: V3.privKey },
    });
    const mem = await memoryPctBySnmpget(agent.port, true);
    expect(Math.abs(samples.at(-1)!.values.memoryPct! - mem)).toBeLessThan(memoryTolerance(samples));
    expect(poller.stats()["agent-v3"]!.polls.error).toBe(0);
    await poller.stop();
  });

  it("v3 authNoPriv from the worker config file: polls the agent's auth-only user; the same user asked for privacy is refused", { timeout: 30_000 }, async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-config-")), "config.json");
    const target = (name: string, v3: Record<string, unknown>) => ({ name, address: "127.0.0.1", port: agent.port, version: "3", v3, intervalSec: 5 });
    fs.writeFileSync(
      file,
      JSON.stringify({
        snmp: {
          targets: [
            target("auth-only", { user: V3_AUTH_ONLY.user, level: "authNoPriv", authProtocol: "sha", authKey: V3_AUTH_ONLY.authKey }),
            target("auth-only-as-priv", { user: V3_AUTH_ONLY.user, level: "authPriv", authKey: V3_AUTH_ONLY.authKey, privKey: "privpass123" }),
          ],
        },
      }),
    );
    const config = loadCollectorConfig(file);
    const { poller, samples } = await startPoller(config.snmp.targets);
    pollers.push(poller);
    await waitFor("memory from the auth-only user", () => samples.find((s) => s.ref.name === "auth-only" && s.values.memoryPct !== undefined), 15_000);
    await waitFor("a refused poll", () => (poller.stats()["auth-only-as-priv"]!.polls.error >= 1 ? true : undefined), 15_000);
    expect(poller.stats()["auth-only"]!.polls.error).toBe(0);
    expect(samples.some((s) => s.ref.name === "auth-only-as-priv")).toBe(false);
    await poller.stop();

    // authPriv (the default level) still needs its privacy key, and the message names it
    fs.writeFileSync(file, JSON.stringify({ snmp: { targets: [target("no-priv", { user: "x", authKey: "authpass123" })] } }));
    expect(() => loadCollectorConfig(file)).toThrow(/snmp\.targets\.0\.v3\.privKey: is required for authPriv/);
  });

  it("v3 with a wrong key: polls fail as auth errors, no samples, and the agent is not reported unreachable", { timeout: 30_000 }, async () => {
    const { poller, samples, reachability } = await startPoller([
      {
        name: "bad-key",
        address: "127.0.0.1",
        port: agent.port,
        intervalSec: 1,
        version: "3",
        v3: { user: V3.user, authKey: "not-the-key", privKey: V3.privKey },
        unreachableAfter: 1,
      },
    ]);
    pollers.push(poller);
    await waitFor("three failed polls", () => (poller.stats()["bad-key"]!.polls.error >= 3 ? true : undefined), 15_000);
    const st = poller.stats()["bad-key"]!;
    expect(st.drops.auth_error).toBeGreaterThanOrEqual(3);
    expect(st.lastError).toMatch(/^auth: .*(digest|password|key)/i);
    expect(samples).toEqual([]);
    expect(reachability).toEqual([]);
    await poller.stop();
  });

  it("cpuPct is the mean hrProcessorLoad snmpget reads (once the agent has a load average)", { timeout: 120_000 }, async () => {
    // net-snmp publishes hrProcessorLoad after about a minute of uptime.
    await waitFor("hrProcessorLoad", () => cpuPctBySnmpwalk(agent.port), 100_000);
    const { poller, samples } = await startPoller([{ name: "cpu", address: "127.0.0.1", port: agent.port, community: COMMUNITY, intervalSec: 1 }]);
    pollers.push(poller);
    let compared = 0;
    for (let attempt = 0; attempt < 5 && compared < 3; attempt++) {
      const before = (await cpuPctBySnmpwalk(agent.port))!;
      const n = samples.length;
      const sample = await waitFor("a sample", () => samples[n], 5_000);
      const after = (await cpuPctBySnmpwalk(agent.port))!;
      // The agent refreshes the load every few seconds: the poll read one of the bracketing values.
      expect(sample.values.cpuPct).toBeGreaterThanOrEqual(Math.min(before, after) - 0.5);
      expect(sample.values.cpuPct).toBeLessThanOrEqual(Math.max(before, after) + 0.5);
      expect(sample.values.cpuPct).toBeGreaterThanOrEqual(0);
      expect(sample.values.cpuPct).toBeLessThanOrEqual(100);
      compared++;
    }
    expect(compared).toBe(3);
    await poller.stop();
  });

  it("agent restart: unreachable once while down, reachable once when back, no bogus rate across the restart", { timeout: 60_000 }, async () => {
    const { poller, samples, reachability } = await startPoller([
      { name: "restarting", address: "127.0.0.1", port: agent.port, community: COMMUNITY, intervalSec: 1, timeoutMs: 300, retries: 0, unreachableAfter: 2 },
    ]);
    pollers.push(poller);
    await waitFor("a rate", () => samples.find((s) => s.values.bandwidthInBps !== undefined), 15_000);

    await agent.halt();
    await waitFor("reported unreachable", () => (reachability.length > 0 ? true : undefined), 10_000);
    // Several more failed polls change nothing: the state is reported once.
    const timeouts = poller.stats()["restarting"]!.polls.timeout;
    await waitFor("more failed polls", () => (poller.stats()["restarting"]!.polls.timeout >= timeouts + 2 ? true : undefined), 10_000);
    expect(reachability.map((r) => r.reachable)).toEqual([false]);
    expect(reachability[0]!.ref).toEqual({ address: "127.0.0.1", name: "restarting" });
    expect(poller.stats()["restarting"]!.reachable).toBe(false);

    const resumedFrom = samples.length;
    await agent.resume();
    await waitFor("reachable again", () => (reachability.length === 2 ? true : undefined), 10_000);
    expect(reachability.map((r) => r.reachable)).toEqual([false, true]);
    // The first poll after the restart has gauges but no rate (sysUpTime went back); rates resume.
    const firstBack = await waitFor("a sample after the restart", () => samples[resumedFrom], 10_000);
    expect(firstBack.values.bandwidthInBps).toBeUndefined();
    expect(firstBack.values.memoryPct).toBeGreaterThan(0);
    await waitFor("rates again", () => samples.slice(resumedFrom).find((s) => s.values.bandwidthInBps !== undefined), 10_000);
    const st = poller.stats()["restarting"]!;
    expect(st.drops.agent_restart).toBe(1);
    expect(st.polls.timeout).toBeGreaterThanOrEqual(4);
    expect(st.reachable).toBe(true);
    await poller.stop();
    expect(reachability).toHaveLength(2);
  });
});
