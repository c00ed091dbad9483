// A deterministic model of ordinary network behaviour: every metric of any device at any minute is
// a pure function of (seed, device, minute), so 14 days backfill fast and a restart resumes exactly.
import type { DeviceSpec, ServerFunction } from "@/lib/simulator/demo-fleet";
import { noise3, normalNoise3 } from "@/lib/simulator/prng";
import type { MetricValues } from "@/lib/telemetry/metrics";

export interface NetworkModelOptions {
  devices: readonly DeviceSpec[];
  seed: number;
}

export interface NetworkModel {
  readonly deviceCount: number;
  /** Values for the minute containing `minute` (seconds are ignored). */
  valuesAt(deviceIndex: number, minute: Date): MetricValues;
}

type CurveKind = "business" | "consumer";

/** Per-role shape of traffic and resource use; bandwidths are peak weekday values. */
interface RoleProfile {
  peakInBps: number;
  peakOutBps: number;
  /** Traffic level outside working hours, as a fraction of the peak. */
  night: number;
  /** Scale of the daytime bump on Saturday; Sunday is a little quieter still. */
  weekend: number;
  curve: CurveKind;
  packetBytes: number;
  peakFlows: number;
  peakConnections: number;
  cpuBase: number;
  cpuPerLoad: number;
  memBase: number;
  memPerLoad: number;
  latencyMs: number;
  lossPct: number;
  /** Extra upload during the Sunday 02:00–03:00 UTC full backup; 0 for none. */
  backupOutBps: number;
}

const MBPS = 1e6;
const GBPS = 1e9;

const ROLE_PROFILES: Record<"core-router" | "edge-router" | "access-switch" | "firewall", RoleProfile> = {
  "core-router": {
    peakInBps: 3.5 * GBPS, peakOutBps: 3.3 * GBPS, night: 0.3, weekend: 0.55, curve: "business",
    packetBytes: 850, peakFlows: 6000, peakConnections: 1500,
    cpuBase: 12, cpuPerLoad: 30, memBase: 42, memPerLoad: 6, latencyMs: 0.6, lossPct: 0.005, backupOutBps: 0,
  },
  "edge-router": {
    peakInBps: 1.2 * GBPS, peakOutBps: 0.6 * GBPS, night: 0.2, weekend: 0.45, curve: "business",
    packetBytes: 760, peakFlows: 2500, peakConnections: 800,
    cpuBase: 8, cpuPerLoad: 35, memBase: 35, memPerLoad: 5, latencyMs: 4, lossPct: 0.02, backupOutBps: 0,
  },
  firewall: {
    peakInBps: 0.9 * GBPS, peakOutBps: 0.8 * GBPS, night: 0.2, weekend: 0.45, curve: "business",
    packetBytes: 700, peakFlows: 3000, peakConnections: 1200,
    cpuBase: 12, cpuPerLoad: 48, memBase: 48, memPerLoad: 10, latencyMs: 0.4, lossPct: 0.01, backupOutBps: 0,
  },
  "access-switch": {
    peakInBps: 300 * MBPS, peakOutBps: 200 * MBPS, night: 0.15, weekend: 0.3, curve: "business",
    packetBytes: 650, peakFlows: 800, peakConnections: 250,
    cpuBase: 5, cpuPerLoad: 15, memBase: 30, memPerLoad: 3, latencyMs: 0.3, lossPct: 0.005, backupOutBps: 0,
  },
};

const SERVER_PROFILES: Record<ServerFunction | "generic", RoleProfile> = {
  web: {
    peakInBps: 45 * MBPS, peakOutBps: 220 * MBPS, night: 0.35, weekend: 0.9, curve: "consumer",
    packetBytes: 900, peakFlows: 900, peakConnections: 600,
    cpuBase: 12, cpuPerLoad: 45, memBase: 55, memPerLoad: 10, latencyMs: 0.7, lossPct: 0.002, backupOutBps: 0,
  },
  database: {
    peakInBps: 60 * MBPS, peakOutBps: 90 * MBPS, night: 0.3, weekend: 0.5, curve: "business",
    packetBytes: 820, peakFlows: 150, peakConnections: 80,
    cpuBase: 18, cpuPerLoad: 40, memBase: 70, memPerLoad: 8, latencyMs: 0.5, lossPct: 0.002, backupOutBps: 700 * MBPS,
  },
  file: {
    peakInBps: 70 * MBPS, peakOutBps: 140 * MBPS, night: 0.1, weekend: 0.2, curve: "business",
    packetBytes: 880, peakFlows: 120, peakConnections: 60,
    cpuBase: 6, cpuPerLoad: 25, memBase: 40, memPerLoad: 6, latencyMs: 0.5, lossPct: 0.002, backupOutBps: 800 * MBPS,
  },
  dns: {
    peakInBps: 12 * MBPS, peakOutBps: 16 * MBPS, night: 0.35, weekend: 0.6, curve: "business",
    packetBytes: 250, peakFlows: 2000, peakConnections: 1500,
    cpuBase: 6, cpuPerLoad: 20, memBase: 35, memPerLoad: 3, latencyMs: 0.4, lossPct: 0.002, backupOutBps: 0,
  },
  generic: {
    peakInBps: 25 * MBPS, peakOutBps: 50 * MBPS, night: 0.3, weekend: 0.5, curve: "business",
    packetBytes: 800, peakFlows: 200, peakConnections: 100,
    cpuBase: 10, cpuPerLoad: 30, memBase: 50, memPerLoad: 5, latencyMs: 0.5, lossPct: 0.002, backupOutBps: 0,
  },
};

const MINUTES_PER_DAY = 1440;
const MS_PER_MINUTE = 60_000;
/** Sunday 02:00–03:00 UTC, in minutes of the day. */
const BACKUP_START = 120;
const BACKUP_END = 180;
// Noise streams: one key per quantity so they are independent of each other.
const KEY = {
  shared: 1, in: 3, out: 4, packets: 5, flows: 6, connections: 7,
  cpu: 8, memory: 9, latency: 10, loss: 11, backup: 12,
} as const;

/** A device's profile with its own deterministic jitter applied. */
interface DeviceProfile extends RoleProfile {
  curveTable: Float64Array;
}

export function createNetworkModel({ devices, seed }: NetworkModelOptions): NetworkModel {
  // Curves are tabulated once per minute of day; per-call work is then arithmetic only.
  const tables: Record<CurveKind, Float64Array> = {
    business: tabulate(businessCurve),
    consumer: tabulate(consumerCurve),
  };
  const profiles = devices.map((device, index) => deviceProfile(device, index, seed, tables));

  return {
    deviceCount: profiles.length,
    valuesAt(deviceIndex: number, minute: Date): MetricValues {
      const p = profiles[deviceIndex];
      if (!p) throw new RangeError(`valuesAt: no device at index ${deviceIndex}`);
      const ms = minute.getTime();
      if (!Number.isFinite(ms)) throw new RangeError("valuesAt: invalid Date");
      const m = Math.floor(ms / MS_PER_MINUTE);
      const dayNumber = Math.floor(m / MINUTES_PER_DAY);
      const minuteOfDay = m - dayNumber * MINUTES_PER_DAY;
      // 1970-01-01 was a Thursday: Monday-based weekday 3.
      const weekday = (((dayNumber + 3) % 7) + 7) % 7;

      const dayScale = weekday === 5 ? p.weekend : weekday === 6 ? p.weekend * 0.8 : 1;
      const curve = p.curveTable[minuteOfDay] ?? 0;
      const level = p.night * (weekday >= 5 ? 0.85 : 1) + (1 - p.night) * curve * dayScale;

      // Each metric's jitter mixes a per-minute component shared by the device (so in/out/packets
      // move together) with its own; see `jitter` for why the tails are capped.
      const shared = normalNoise3(seed, deviceIndex, m, KEY.shared);

      const inBps = p.peakInBps * level * (1 + 0.05 * jitter(shared, normalNoise3(seed, deviceIndex, m, KEY.in)));
      let outBps = p.peakOutBps * level * (1 + 0.05 * jitter(shared, normalNoise3(seed, deviceIndex, m, KEY.out)));
      let backupBps = 0;
      let cpuExtra = 0;
      let memExtra = 0;
      if (p.backupOutBps > 0 && weekday === 6 && minuteOfDay >= BACKUP_START && minuteOfDay < BACKUP_END) {
        // Weekly full backup: a few large flows, so bytes, packets and CPU rise but flows do not.
        backupBps = p.backupOutBps * (1 + 0.05 * jitter(shared, normalNoise3(seed, deviceIndex, m, KEY.backup)));
        outBps += backupBps;
        cpuExtra = 20;
        memExtra = 6;
      }
      const expectedBytes = (p.peakInBps + p.peakOutBps) * level + backupBps;
      const packets = (expectedBytes / (8 * p.packetBytes)) * (1 + 0.05 * jitter(shared, normalNoise3(seed, deviceIndex, m, KEY.packets)));
      const flows = p.peakFlows * level * (1 + 0.06 * jitter(shared, normalNoise3(seed, deviceIndex, m, KEY.flows)));
      const connections = p.peakConnections * level * (1 + 0.06 * jitter(shared, normalNoise3(seed, deviceIndex, m, KEY.connections)));
      const cpu = p.cpuBase + p.cpuPerLoad * level + cpuExtra + 1.5 * jitter(shared, normalNoise3(seed, deviceIndex, m, KEY.cpu));
      const memory = p.memBase + p.memPerLoad * level + memExtra + 0.5 * jitter(shared, normalNoise3(seed, deviceIndex, m, KEY.memory));
      const latency = p.latencyMs * (1 + 0.3 * level * level) * (1 + 0.06 * jitter(shared, normalNoise3(seed, deviceIndex, m, KEY.latency)));
      // Loss is tiny and skewed upwards; bounded so it never looks like a degraded link.
      const loss = p.lossPct * (0.5 + level) * (0.7 + 0.6 * noise3(seed, deviceIndex, m, KEY.loss));

      return {
        bandwidthInBps: Math.round(inBps),
        bandwidthOutBps: Math.round(outBps),
        packetsPerSec: Math.round(packets),
        flowsPerSec: round(flows, 1),
        connectionsPerSec: round(connections, 1),
        cpuPct: round(clamp(cpu, 0.5, 100), 2),
        memoryPct: round(clamp(memory, 1, 100), 2),
        latencyMs: round(latency, 3),
        packetLossPct: round(loss, 4),
        // Observed only through real protocols (flows, syslog); the model does not report them.
        distinctPeers: null,
        distinctDstPorts: null,
        syslogMessages: null,
        syslogErrors: null,
        syslogFailures: null,
      };
    },
  };
}

function deviceProfile(
  device: DeviceSpec,
  index: number,
  seed: number,
  tables: Record<CurveKind, Float64Array>,
): DeviceProfile {
  const base = profileFor(device);
  // Each device differs a little from its role's template, fixed by seed and index.
  const jitter = (key: number, spread: number) => 1 + spread * (2 * noise3(seed, index, -1, key) - 1);
  const size = jitter(1, 0.25);
  return {
    ...base,
    peakInBps: base.peakInBps * size * jitter(2, 0.1),
    peakOutBps: base.peakOutBps * size * jitter(3, 0.1),
    peakFlows: base.peakFlows * size * jitter(4, 0.15),
    peakConnections: base.peakConnections * size * jitter(5, 0.15),
    packetBytes: base.packetBytes * jitter(6, 0.08),
    cpuBase: base.cpuBase * jitter(7, 0.3),
    memBase: base.memBase * jitter(8, 0.15),
    latencyMs: base.latencyMs * jitter(9, 0.3),
    lossPct: base.lossPct * jitter(10, 0.3),
    backupOutBps: device.tags.includes("backup") ? (base.backupOutBps || 600 * MBPS) * jitter(11, 0.15) : 0,
    curveTable: tables[base.curve],
  };
}

function profileFor(device: DeviceSpec): RoleProfile {
  if (device.role !== "server") return ROLE_PROFILES[device.role];
  for (const fn of ["database", "file", "web", "dns"] as const) {
    if (device.tags.includes(fn)) return SERVER_PROFILES[fn];
  }
  return SERVER_PROFILES.generic;
}

function tabulate(curve: (hour: number) => number): Float64Array {
  const table = new Float64Array(MINUTES_PER_DAY);
  for (let i = 0; i < MINUTES_PER_DAY; i++) table[i] = curve(i / 60);
  return table;
}

/** 0 at night, rising 06:00–10:00, flat 10:00–16:00 (the peak), easing off until 21:00. */
function businessCurve(hour: number): number {
  if (hour < 6 || hour >= 21) return 0;
  if (hour < 10) return smoothstep((hour - 6) / 4);
  if (hour < 16) return 1;
  return 1 - smoothstep((hour - 16) / 5);
}

/** Customer-facing traffic: up from 07:00, busy 11:00–21:00, down by midnight. */
function consumerCurve(hour: number): number {
  if (hour < 7) return 0;
  if (hour < 11) return smoothstep((hour - 7) / 4);
  if (hour < 21) return 1;
  return 1 - smoothstep((hour - 21) / 3);
}

/**
 * Unit-variance mix of the shared and own components, capped at ±3: ordinary minutes stay within
 * 3σ of their hour's mean, so with a well-trained baseline only injected incidents cross a 4σ
 * detector threshold (real networks are noisier; the demo's ground truth should be clean).
 */
function jitter(shared: number, own: number): number {
  return clamp(0.6 * shared + 0.8 * own, -3, 3);
}

function smoothstep(x: number): number {
  return x * x * (3 - 2 * x);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
