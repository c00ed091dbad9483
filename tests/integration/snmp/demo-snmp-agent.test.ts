// The demo devices' SNMP agents (workers/demo/snmp-agent.ts) polled by the real SNMP poller: two
// agents on their own loopback addresses, a simulated clock we drive, known model rates. The poller's
// rates must be the model's (counters integrate the rates over simulated time, sysUpTime follows the
// simulated clock), both at 60× replay speed and across 60-minute jumps; net-snmp's own snmpget and
// snmpwalk read the agents too.
import { execFile } from "node:child_process";
import dgram from "node:dgram";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";
import type { MetricName } from "@/lib/telemetry/metrics";
import { OID } from "@/lib/telemetry/snmp/device-snapshot";
import { snmpConfigSchema, startSnmpPoller, type RunningSnmpPoller } from "@/workers/collectors/snmp-poller";
import type { DeviceRef, TelemetrySink } from "@/workers/collectors/telemetry-sink";
import { startDemoSnmpAgents, type DemoDeviceRates, type RunningDemoSnmpAgents } from "@/workers/demo/snmp-agent";
import { requireBinaries } from "./snmpd";

const run = promisify(execFile);
const log = createLogger("test:demo-snmp", { level: "error" });
const COMMUNITY = "demo-ro";
const QUIET_ENV = { MIBS: "", MIBDIRS: "/nonexistent" };

const DEVICES = [
  { address: "127.1.250.1", name: "demo-core-1" },
  { address: "127.1.250.2", name: "demo-edge-2" },
];
const RATES: DemoDeviceRates[] = [
  { bandwidthInBps: 800e6, bandwidthOutBps: 200e6, packetsPerSec: 120_000, cpuPct: 37, memoryPct: 62.5 },
  { bandwidthInBps: 50e6, bandwidthOutBps: 450e6, packetsPerSec: 30_000, cpuPct: 81, memoryPct: 23.25 },
];
const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
const BOOT = T0 - 3 * 86_400_000;
/** From here on the model alternates minute by minute between 1.5× and 0.5× the rates (same hourly mean). */
const ALTERNATING_FROM = T0 + 86_400_000;

function valuesAt(i: number, atMs: number): DemoDeviceRates {
  const r = RATES[i]!;
  if (atMs < ALTERNATING_FROM) return r;
  const k = Math.floor(atMs / 60_000) % 2 === 0 ? 1.5 : 0.5;
  return { ...r, bandwidthInBps: r.bandwidthInBps * k, bandwidthOutBps: r.bandwidthOutBps * k, packetsPerSec: r.packetsPerSec * k };
}

/** Simulated time: base + (wall time since set) × speed. */
const clock = {
  base: T0,
  speed: 0,
  wallAt: Date.now(),
  now(): number {
    return Math.floor(this.base + (Date.now() - this.wallAt) * this.speed);
  },
  set(base: number, speed: number) {
    this.base = base;
    this.speed = speed;
    this.wallAt = Date.now();
  },
};

interface Sample {
  ref: DeviceRef;
  ts: number;
  values: Partial<Record<MetricName, number>>;
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function snmpTool(tool: "snmpget" | "snmpwalk", address: string, port: number, args: string[]): Promise<Array<[string, string]>> {
  const { stdout } = await run(tool, ["-v2c", "-c", COMMUNITY, "-On", "-Oq", "-Ot", "-Oe", "-r", "1", "-t", "2", `${address}:${port}`, ...args], {
    env: { ...process.env, ...QUIET_ENV },
  });
  return stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      const sp = l.indexOf(" ");
      return [l.slice(0, sp).replace(/^\./, ""), l.slice(sp + 1).trim()] as [string, string];
    });
}

async function canBind(address: string, port: number): Promise<boolean> {
  const sock = dgram.createSocket("udp4");
  const ok = await new Promise<boolean>((resolve) => {
    sock.once("error", () => resolve(false));
    sock.bind(port, address, () => resolve(true));
  });
  await new Promise<void>((r) => sock.close(() => r()));
  return ok;
}

const start = (port: number) =>
  startDemoSnmpAgents({ devices: DEVICES, port, community: COMMUNITY, valuesAt, now: () => clock.now(), bootMs: BOOT, log });

let agents: RunningDemoSnmpAgents | undefined;
let poller: RunningSnmpPoller | undefined;

afterAll(async () => {
  await poller?.stop();
  await agents?.stop();
});

describe("demo SNMP agents", () => {
  it("serve the model's values to the real SNMP poller and to snmpget/snmpwalk", { timeout: 60_000 }, async () => {
    requireBinaries();
    clock.set(T0, 0);

    // A port free on both addresses: try until one binds.
    let port = 0;
    for (let attempt = 0; attempt < 20 && !agents; attempt++) {
      const candidate = 20_000 + Math.floor(Math.random() * 40_000);
      try {
        agents = await start(candidate);
        port = candidate;
      } catch (err) {
        expect(String(err)).toMatch(/cannot listen/);
      }
    }
    expect(agents, "agents started on some port").toBeDefined();
    // A second set on the same port fails cleanly, naming the address, and leaves the first running.
    await expect(start(port)).rejects.toThrow(/demo-core-1 cannot listen on 127\.1\.250\.1:\d+: .*EADDRINUSE/);

    // --- A third-party client: net-snmp's snmpget/snmpwalk (clock frozen at T0).
    const [a0] = DEVICES;
    const uptimeSec = (T0 - BOOT) / 1000;
    const got = await snmpTool("snmpget", a0!.address, port, [`${OID.sysUpTimeInstance}`, "1.3.6.1.2.1.1.5.0", `${OID.ifHCInOctets}.1`, `${OID.ifHCOutOctets}.1`]);
    expect(got.map(([oid]) => oid)).toEqual([OID.sysUpTimeInstance, "1.3.6.1.2.1.1.5.0", `${OID.ifHCInOctets}.1`, `${OID.ifHCOutOctets}.1`]);
    expect(Number(got[0]![1])).toBe(uptimeSec * 100);
    expect(got[1]![1]).toBe('"demo-core-1"');
    // Counters seeded as if the device had run at these rates since boot.
    const in0 = Number(got[2]![1]);
    expect(in0).toBeCloseTo((RATES[0]!.bandwidthInBps / 8) * uptimeSec, -2);
    expect(Number(got[3]![1])).toBeCloseTo((RATES[0]!.bandwidthOutBps / 8) * uptimeSec, -2);

    // Ten simulated minutes later the counter moved by exactly ten minutes of the rate.
    clock.set(T0 + 600_000, 0);
    const [[, in1]] = (await snmpTool("snmpget", a0!.address, port, [`${OID.ifHCInOctets}.1`])) as [[string, string]];
    expect(Number(in1) - in0).toBeCloseTo((RATES[0]!.bandwidthInBps / 8) * 600, -1);

    // A full GETNEXT walk of MIB-2 (snmpwalk fails on out-of-order OIDs) shows every table the poller reads.
    const walk = new Map(await snmpTool("snmpwalk", DEVICES[1]!.address, port, ["1.3.6.1.2.1"]));
    expect(walk.get("1.3.6.1.2.1.1.5.0")).toBe('"demo-edge-2"');
    expect(walk.get("1.3.6.1.2.1.2.2.1.2.1")).toBe('"eth0"');
    expect(walk.get(`${OID.ifType}.1`)).toBe("6");
    expect(walk.get(`${OID.ifHighSpeed}.1`)).toBe("10000");
    expect(walk.get(`${OID.ifInErrors}.1`)).toBe("0");
    expect(walk.get(`${OID.hrProcessorLoad}.196608`)).toBe("81");
    expect(walk.get(`${OID.hrStorageType}.1`)).toBe(`.${OID.hrStorageRam}`);
    expect(walk.get(`${OID.hrStorageAllocationUnits}.1`)).toBe("1024");
    expect(Number(walk.get(`${OID.hrStorageUsed}.1`)) / Number(walk.get(`${OID.hrStorageSize}.1`))).toBeCloseTo(0.2325, 6);
    expect(walk.get(`${OID.ifHCInOctets}.1`)).toMatch(/^\d+$/);

    // --- The real poller, every second, on the simulated clock.
    const samples: Sample[] = [];
    let onSample: ((s: Sample) => void) | undefined;
    const sink: TelemetrySink = {
      flows: () => undefined,
      syslog: () => undefined,
      deviceMetrics: (ref, ts, values) => {
        const s = { ref, ts: ts.getTime(), values };
        samples.push(s);
        onSample?.(s);
      },
      deviceReachability: () => undefined,
    };
    const targets = DEVICES.map((d) => ({ name: d.name, address: d.address, port, version: "2c", community: COMMUNITY, intervalSec: 1, timeoutMs: 1000 }));
    clock.set(T0 + 3_600_000, 60); // replaying at 60×
    poller = await startSnmpPoller({ config: snmpConfigSchema.parse({ targets }), sink, log, now: () => clock.now() });

    const rated = (name: string, from = 0) => samples.filter((s) => s.ref.name === name && s.ts >= from && s.values.bandwidthInBps !== undefined);
    const expectModelRates = (s: Sample, i: number) => {
      const r = RATES[i]!;
      expect(s.ref).toEqual(DEVICES[i]);
      expect(Math.abs(s.values.bandwidthInBps! / r.bandwidthInBps - 1), `bandwidthInBps ${s.values.bandwidthInBps}`).toBeLessThan(0.02);
      expect(Math.abs(s.values.bandwidthOutBps! / r.bandwidthOutBps - 1), `bandwidthOutBps ${s.values.bandwidthOutBps}`).toBeLessThan(0.02);
      expect(Math.abs(s.values.packetsPerSec! / r.packetsPerSec - 1), `packetsPerSec ${s.values.packetsPerSec}`).toBeLessThan(0.02);
      expect(s.values.packetLossPct).toBe(0);
      expect(s.values.cpuPct).toBe(r.cpuPct);
      expect(s.values.memoryPct).toBeCloseTo(r.memoryPct, 4);
    };

    // Phase 1, 60× replay: polls one wall second (≈ one simulated minute) apart.
    await waitFor("three rated samples per device at 60×", () => (DEVICES.every((d) => rated(d.name).length >= 3) ? true : undefined), 15_000);
    for (const [i, d] of DEVICES.entries()) {
      const mine = rated(d.name);
      for (const s of mine) expectModelRates(s, i);
      const gaps = mine.slice(1).map((s, k) => s.ts - mine[k]!.ts);
      for (const g of gaps) expect(g).toBeGreaterThan(30_000); // simulated minutes, not wall seconds
    }

    // Phase 2: the clock stands still and jumps 60 minutes after each poll of the first device, so each
    // device's polls are an hour apart; the model now alternates between 1.5× and 0.5× every minute.
    // The clock only moves right after a poll of the first device (half a second before the second
    // device's poll), so no poll ever sees it move.
    const phase2 = ALTERNATING_FROM + 30_000;
    let jumping = false;
    onSample = (s) => {
      if (s.ref.name !== DEVICES[0]!.name) return;
      clock.set(jumping ? clock.now() + 3_600_000 : phase2, 0);
      jumping = true;
    };
    // The first interval of each device straddles the switch: judge the ones after it.
    const from = phase2 + 3_600_000;
    await waitFor("three hour-long intervals per device", () => (DEVICES.every((d) => rated(d.name, from).length >= 3) ? true : undefined), 15_000);
    onSample = undefined;
    for (const [i, d] of DEVICES.entries()) {
      const mine = rated(d.name, from);
      for (const s of mine) expectModelRates(s, i);
      const gaps = mine.slice(1).map((s, k) => s.ts - mine[k]!.ts);
      expect(gaps.every((g) => g === 3_600_000), `gaps ${gaps.join(",")}`).toBe(true);
    }

    const stats = poller.stats();
    for (const d of DEVICES) {
      expect(stats[d.name]!.polls.timeout + stats[d.name]!.polls.error).toBe(0);
      expect(stats[d.name]!.drops).toEqual({});
    }
    await poller.stop();
    poller = undefined;

    // --- Stopped agents release their sockets.
    await agents!.stop();
    agents = undefined;
    for (const d of DEVICES) expect(await canBind(d.address, port)).toBe(true);
  });
});
