// Labelled anomalies for the demo and the evaluation: a deterministic schedule (the ground truth) and
// a pure function that overlays an incident's effect on the model's ordinary values.
//
// Kinds (the evaluation's label types):
// - ddos: volumetric flood; packets, inbound bytes, flows and connections ×5–20.
// - app_ddos: slow application-layer attack (Slowloris-like): many long, low-byte connections.
//   Connections ×8–30 and flows ×6–25, but inbound bandwidth only ×1.03–1.15.
// - port_scan: one external source probing many destination ports, 1–2 packets per flow. Flows
//   ×10–40 and connections ×3–10; bytes barely move. Distinct destination ports are visible in flows.
// - exfiltration: one large upload to one external destination, off-hours only; outbound ×6–15.
// - slow_exfiltration: a multi-day incident (see `dailyMinutes`): every day, for `dailyMinutes`
//   from the start's time of day, outbound rises only ×1.03–1.06 (inside ordinary noise per minute)
//   towards one destination; over 5–10 days the daily outbound totals are ~1–3 % higher.
// - link_down: the device's interface is down: bandwidth, packets, flows and connections 0, packet
//   loss 100 %, latency null (probes time out); syslog "changed state to down" / "… to up".
// - cpu_exhaustion: CPU 95–100 %.
// - degradation: latency ×5–10, packet loss 2–10 %. Formerly `link_degradation`, still accepted.
// - ddos_exfiltration: a coordinated campaign: a DDoS on one device while another exfiltrates in the
//   same window. Planned as two incidents of this kind sharing a `campaignId`, each with a `role`.
// Security kinds (SECURITY_INCIDENT_KINDS), seen in flows or syslog rather than in the device's metrics
// (demo-traffic.ts makes their evidence):
// - credential_attack: failed logins in syslog from one source, brute force (one account, many tries)
//   or password spraying (many accounts).
// - routing_flap: a BGP neighbour going down and up every minute (%BGP-5-ADJCHANGE); with
//   `dailyMinutes`, the slow kind: a few resets a day for days (each day's window).
// - unauthorized_change: a configuration change outside any maintenance window (%SYS-5-CONFIG_I /
//   UI_COMMIT), by a known admin or an unknown account, or a poll finding telnet and SNMPv2c switched on.
// - protocol_shift: most of the device's bytes move to a UDP tunnel (port 1194).
// - lateral_movement: the device opens SMB/RDP/SSH/WinRM sessions to internal hosts it never contacted.
// - geo_anomaly: a large upload to a country the device never used (RU or CN addresses); outbound up by
//   those bytes.
// - crypto_mining: off hours, CPU held at 70–95 % for 40–110 min while the device keeps a Stratum
//   session to a mining pool (port 3333, 4444, 5555 or 14444; a few kB a minute).
// Health kinds (HEALTH_INCIDENT_KINDS), in the device's metrics, planned in the same stream:
// - jitter: latency varying by up to 60–180 ms from one poll to the next for 20–60 min (a congested
//   or flapping path; the mean rises with it).
// - memory_leak: memory climbing steadily from its usual level towards 93 % over 30–54 h (a blend
//   that reaches 93 % at the end), then the process is restarted; planned in the background like a
//   slow exfiltration (at most one at a time, never the plan's first incident).
import { hashString, mulberry32, noise3 } from "@/lib/simulator/prng";
import type { MetricValues } from "@/lib/telemetry/metrics";

/** The kinds seen in flows and syslog (issue 15), planned in a stream of their own (weight 0 by default). */
export const SECURITY_INCIDENT_KINDS = [
  "credential_attack",
  "routing_flap",
  "unauthorized_change",
  "protocol_shift",
  "lateral_movement",
  "geo_anomaly",
  "crypto_mining",
] as const;

/** Issue 15's kinds seen in the device's own metrics (latency, memory): metrics-only scenarios carry them too. */
export const HEALTH_INCIDENT_KINDS = ["jitter", "memory_leak"] as const;

export const INCIDENT_KINDS = [
  "ddos",
  "app_ddos",
  "port_scan",
  "exfiltration",
  "slow_exfiltration",
  "link_down",
  "cpu_exhaustion",
  "degradation",
  "ddos_exfiltration",
  ...SECURITY_INCIDENT_KINDS,
  ...HEALTH_INCIDENT_KINDS,
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** The security kinds whose evidence is in syslog (and configuration polls), so metrics-only scenarios can carry them. */
export const SYSLOG_INCIDENT_KINDS = ["credential_attack", "routing_flap", "unauthorized_change"] as const satisfies readonly IncidentKind[];

/** Older names still accepted wherever a kind is read (options, stored plans). */
export const INCIDENT_KIND_ALIASES = { link_degradation: "degradation" } as const satisfies Record<string, IncidentKind>;
export type IncidentKindInput = IncidentKind | keyof typeof INCIDENT_KIND_ALIASES;

/** The part a device plays in a coordinated campaign; it selects the effect applied. */
export type CampaignRole = "ddos" | "exfiltration";

/** The single-device effects `applyIncidents` knows (what a campaign member's role maps to). */
export type IncidentEffect = Exclude<IncidentKind, "ddos_exfiltration">;

export interface Incident {
  /** Deterministic and unique within a plan, e.g. "ddos-3-20250114T1405". */
  id: string;
  kind: IncidentKind;
  deviceIndex: number;
  /** Inclusive, minute-aligned. */
  start: Date;
  /** Exclusive, minute-aligned. */
  end: Date;
  /** 0..1: where the effect falls within the kind's range (e.g. ddos ×5 at 0, ×20 at 1). */
  intensity: number;
  /** Shared by the incidents of one coordinated campaign (ddos_exfiltration), e.g. "campaign-20250114T0205". */
  campaignId?: string;
  /** A campaign member's part; without it a ddos_exfiltration incident acts as its DDoS. */
  role?: CampaignRole;
  /**
   * Multi-day incidents (slow_exfiltration): [start, end) spans the whole campaign (the label), but
   * the effect is only active for this many minutes each day, starting at `start`'s time of day.
   * Use `incidentActiveAt` / `incidentActiveWindows` rather than comparing with start/end.
   */
  dailyMinutes?: number;
}

export interface PlanIncidentsOptions {
  seed: number;
  deviceCount: number;
  /** Incidents start in [from, to); the last ones (and multi-day ones) may run past `to`. */
  from: Date;
  to: Date;
  /** Mean quiet time between one incident's end and the next start (exponentially distributed). */
  meanGapMinutes: number;
  /** Forces the first incident to start here (rounded up to the minute) instead of after a gap. */
  firstStartsAt?: Date;
  /** Restricts the kinds drawn (equally likely unless `weights` says otherwise). */
  kinds?: readonly IncidentKindInput[];
  /** Relative weights per kind; kinds without a positive weight are not drawn. Default `DEFAULT_INCIDENT_WEIGHTS`. */
  weights?: Partial<Record<IncidentKindInput, number>>;
}

/** The demo's default mix (relative weights before the time-of-day rules below). */
export const DEFAULT_INCIDENT_WEIGHTS: Readonly<Record<IncidentKind, number>> = {
  ddos: 3,
  app_ddos: 2,
  port_scan: 2,
  exfiltration: 3,
  slow_exfiltration: 1,
  link_down: 2,
  cpu_exhaustion: 2,
  degradation: 2,
  ddos_exfiltration: 1,
  // drawn in a plan of their own (kinds: SECURITY_INCIDENT_KINDS and HEALTH_INCIDENT_KINDS), so the mix above keeps its schedules
  credential_attack: 0,
  routing_flap: 0,
  unauthorized_change: 0,
  protocol_shift: 0,
  lateral_movement: 0,
  geo_anomaly: 0,
  crypto_mining: 0,
  jitter: 0,
  memory_leak: 0,
};

/** Kinds only drawn for off-hours starts (large exfiltrations happen when nobody watches). */
const OFF_HOURS_ONLY: ReadonlySet<IncidentKind> = new Set(["exfiltration", "ddos_exfiltration", "crypto_mining"]);
/** Kinds only drawn in working hours (a slow exfiltration hides in the working day's traffic). */
const WORKING_HOURS_ONLY: ReadonlySet<IncidentKind> = new Set(["slow_exfiltration"]);

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const MIN_DURATION_MINUTES = 5;
const MAX_DURATION_MINUTES = 30;
const SLOW_EXFIL_MIN_DAYS = 5;
const SLOW_EXFIL_MAX_DAYS = 10;
const SLOW_EXFIL_MIN_DAILY_MINUTES = 180;
const SLOW_EXFIL_MAX_DAILY_MINUTES = 360;
const MEMORY_LEAK_MIN_HOURS = 30;
const MEMORY_LEAK_MAX_HOURS = 54;
/** Memory % a leak has reached when the process is restarted. */
const MEMORY_LEAK_PEAK_PCT = 93;
/** Kinds running in the background for days: at most one at a time, on a device that gets nothing else meanwhile. */
const BACKGROUND_KINDS: ReadonlySet<IncidentKind> = new Set(["slow_exfiltration", "memory_leak"]);
/**
 * Minutes an incident lasts where the default 5–30 does not fit the kind: jitter needs minutes of
 * polls to tell from a spike; a miner runs for a good while (the detector needs its CPU held 12 of 15 min).
 */
const DURATION_MINUTES: Partial<Record<IncidentKind, readonly [number, number]>> = {
  jitter: [20, 60],
  crypto_mining: [40, 110],
};

/** Stratum ports the simulated miners use (a subset of what the detector watches). */
export const SIMULATED_POOL_PORTS = [3333, 4444, 5555, 14444] as const;

/** Canonical kind for a kind or one of its aliases; throws on anything else. */
export function canonicalIncidentKind(kind: string): IncidentKind {
  if ((INCIDENT_KINDS as readonly string[]).includes(kind)) return kind as IncidentKind;
  const alias = (INCIDENT_KIND_ALIASES as Record<string, IncidentKind>)[kind];
  if (alias) return alias;
  throw new RangeError(`unknown incident kind: ${kind}`);
}

/** The effect an incident applies: its kind, or for a campaign member its role; undefined for an unknown kind. */
export function incidentEffect(incident: Incident): IncidentEffect | undefined {
  const raw: string = incident.kind;
  const kind = (INCIDENT_KINDS as readonly string[]).includes(raw)
    ? (raw as IncidentKind)
    : (INCIDENT_KIND_ALIASES as Record<string, IncidentKind | undefined>)[raw];
  return kind === "ddos_exfiltration" ? (incident.role ?? "ddos") : kind;
}

/** Whether the incident's effect is active at `minute` (epoch ms or Date): [start, end), and its daily window. */
export function incidentActiveAt(incident: Incident, minute: number | Date): boolean {
  const ms = typeof minute === "number" ? minute : minute.getTime();
  const start = incident.start.getTime();
  if (ms < start || ms >= incident.end.getTime()) return false;
  if (incident.dailyMinutes === undefined) return true;
  return (ms - start) % MS_PER_DAY < incident.dailyMinutes * MS_PER_MINUTE;
}

/** The [start, end) windows in which the effect is active: one, or one per day for multi-day incidents. */
export function incidentActiveWindows(incident: Incident): { start: Date; end: Date }[] {
  const start = incident.start.getTime();
  const end = incident.end.getTime();
  if (incident.dailyMinutes === undefined) return [{ start: new Date(start), end: new Date(end) }];
  const windows: { start: Date; end: Date }[] = [];
  for (let day = start; day < end; day += MS_PER_DAY) {
    windows.push({ start: new Date(day), end: new Date(Math.min(end, day + incident.dailyMinutes * MS_PER_MINUTE)) });
  }
  return windows;
}

/** Bytes per minute a geo_anomaly uploads to its new country: 8–40 MB (the detector reports from 5 MB). */
export function geoUploadBytes(intensity: number): number {
  return Math.round((8 + 32 * clamp01(intensity)) * 1_000_000);
}

/** Outbound multiplier of a slow exfiltration at this intensity (constant over its windows). */
export function slowExfiltrationFactor(intensity: number): number {
  return 1.03 + 0.03 * clamp01(intensity);
}

/**
 * Deterministic schedule for [from, to). Acute incidents (every kind but slow_exfiltration) come one
 * at a time across the fleet, separated by gaps; the two members of a ddos_exfiltration campaign share
 * one slot (same window, two devices). A slow_exfiltration runs in the background for days (at most
 * one at a time) and its device gets no other incident meanwhile, so each anomalous device-minute has
 * exactly one cause. exfiltration and ddos_exfiltration only start off-hours, slow_exfiltration only in
 * working hours, and the first incident is never a slow one (the demo shows an anomaly promptly).
 * Incidents are ordered by start; a longer `to` with the same other options extends the plan without
 * changing its beginning.
 */
export function planIncidents(options: PlanIncidentsOptions): Incident[] {
  const { seed, deviceCount, from, to, meanGapMinutes, firstStartsAt } = options;
  if (!Number.isInteger(deviceCount) || deviceCount < 0) throw new RangeError("planIncidents: deviceCount must be a non-negative integer");
  if (!(meanGapMinutes > 0) || !Number.isFinite(meanGapMinutes)) throw new RangeError("planIncidents: meanGapMinutes must be > 0");
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new RangeError("planIncidents: invalid from/to");
  if (firstStartsAt && !(firstStartsAt.getTime() >= fromMs)) throw new RangeError("planIncidents: firstStartsAt is before from");
  const weighted = resolveWeights(options);
  if (deviceCount === 0 || weighted.length === 0) return [];

  const rng = mulberry32(hashString(`incidents:${seed}`));
  const gapMs = () => Math.max(1, Math.round(-Math.log(1 - rng()) * meanGapMinutes)) * MS_PER_MINUTE;

  const incidents: Incident[] = [];
  /** The running slow exfiltration's device and end, if any. */
  let slow: { deviceIndex: number; end: number } | null = null;
  let cursor = ceilToMinute(firstStartsAt ? firstStartsAt.getTime() : fromMs + gapMs());
  while (cursor < toMs) {
    const start = new Date(cursor);
    if (slow && slow.end <= cursor) slow = null;
    const durationRoll = rng();
    const deviceRoll = rng();
    const kindRoll = rng();
    const intensity = Math.round(rng() * 1000) / 1000;

    const free = deviceCount - (slow ? 1 : 0);
    const feasible = weighted.filter(([kind]) => {
      if (kind === "ddos_exfiltration") return free >= 2;
      if (BACKGROUND_KINDS.has(kind)) return !slow && deviceCount >= 2;
      return free >= 1;
    });
    const acute = feasible.filter(([kind]) => !BACKGROUND_KINDS.has(kind));
    const possible = incidents.length === 0 && acute.length > 0 ? acute : feasible;
    const offHours = isOffHours(start);
    const timely = possible.filter(([kind]) => (offHours ? !WORKING_HOURS_ONLY.has(kind) : !OFF_HOURS_ONLY.has(kind)));
    const kind = pickWeighted(timely.length > 0 ? timely : possible, kindRoll);
    const [minMinutes, maxMinutes] = (kind && DURATION_MINUTES[kind]) ?? [MIN_DURATION_MINUTES, MAX_DURATION_MINUTES];
    const durationMinutes = minMinutes + Math.floor(durationRoll * (maxMinutes - minMinutes + 1));
    if (!kind) {
      cursor += durationMinutes * MS_PER_MINUTE + gapMs();
      continue;
    }

    // Devices other than the slow exfiltration's, in index order.
    const pickFree = (roll: number, exclude: number) => {
      const pool: number[] = [];
      for (let d = 0; d < deviceCount; d++) if (d !== slow?.deviceIndex && d !== exclude) pool.push(d);
      return pool[Math.floor(roll * pool.length)] ?? 0;
    };
    const deviceIndex = pickFree(deviceRoll, -1);
    const id = (k: IncidentKind, d: number) => `${k}-${d}-${compactTime(start)}`;

    if (kind === "slow_exfiltration") {
      const days = SLOW_EXFIL_MIN_DAYS + Math.floor(rng() * (SLOW_EXFIL_MAX_DAYS - SLOW_EXFIL_MIN_DAYS + 1));
      const dailyMinutes =
        SLOW_EXFIL_MIN_DAILY_MINUTES + Math.round(intensity * (SLOW_EXFIL_MAX_DAILY_MINUTES - SLOW_EXFIL_MIN_DAILY_MINUTES));
      const end = cursor + (days - 1) * MS_PER_DAY + dailyMinutes * MS_PER_MINUTE;
      incidents.push({ id: id(kind, deviceIndex), kind, deviceIndex, start, end: new Date(end), intensity, dailyMinutes });
      slow = { deviceIndex, end };
      // It runs in the background: acute incidents go on after an ordinary gap.
      cursor += gapMs();
      continue;
    }
    if (kind === "memory_leak") {
      const hours = MEMORY_LEAK_MIN_HOURS + Math.floor(rng() * (MEMORY_LEAK_MAX_HOURS - MEMORY_LEAK_MIN_HOURS + 1));
      const end = cursor + hours * 60 * MS_PER_MINUTE;
      incidents.push({ id: id(kind, deviceIndex), kind, deviceIndex, start, end: new Date(end), intensity });
      slow = { deviceIndex, end };
      cursor += gapMs();
      continue;
    }

    const end = new Date(cursor + durationMinutes * MS_PER_MINUTE);
    if (kind === "ddos_exfiltration") {
      const exfilDevice = pickFree(rng(), deviceIndex);
      const campaignId = `campaign-${compactTime(start)}`;
      incidents.push({ id: id(kind, deviceIndex), kind, deviceIndex, start, end, intensity, campaignId, role: "ddos" });
      incidents.push({ id: id(kind, exfilDevice), kind, deviceIndex: exfilDevice, start, end, intensity, campaignId, role: "exfiltration" });
    } else {
      incidents.push({ id: id(kind, deviceIndex), kind, deviceIndex, start, end, intensity });
    }
    cursor = end.getTime() + gapMs();
  }
  return incidents;
}

/**
 * `values` with the effect of every incident active on this device at this minute (see
 * `incidentActiveAt`); returns a new object and never mutates the input. Null values stay null,
 * except latency while a link is down (probes time out).
 */
export function applyIncidents(
  values: MetricValues,
  deviceIndex: number,
  minute: Date,
  incidents: readonly Incident[],
): MetricValues {
  const ms = minute.getTime();
  const out: MetricValues = { ...values };
  for (const incident of incidents) {
    if (incident.deviceIndex !== deviceIndex || !incidentActiveAt(incident, ms)) continue;
    applyOne(out, incident, Math.floor(ms / MS_PER_MINUTE));
  }
  return out;
}

/** Whether `ts` is outside weekday working hours (08:00–18:00 UTC, Monday–Friday). */
export function isOffHours(ts: Date): boolean {
  const day = ts.getUTCDay();
  const hour = ts.getUTCHours();
  return day === 0 || day === 6 || hour < 8 || hour >= 18;
}

function resolveWeights(options: PlanIncidentsOptions): [IncidentKind, number][] {
  const weights = new Map<IncidentKind, number>();
  if (options.weights) {
    for (const [k, w] of Object.entries(options.weights)) {
      if (w === undefined) continue;
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`planIncidents: weight of ${k} must be a finite number ≥ 0`);
      weights.set(canonicalIncidentKind(k), w);
    }
  }
  const listed = options.kinds && options.kinds.length > 0 ? [...new Set(options.kinds.map(canonicalIncidentKind))] : null;
  const kinds = listed ?? INCIDENT_KINDS;
  const out: [IncidentKind, number][] = [];
  for (const kind of kinds) {
    const w = options.weights ? (weights.get(kind) ?? (listed ? 1 : 0)) : listed ? 1 : DEFAULT_INCIDENT_WEIGHTS[kind];
    if (w > 0) out.push([kind, w]);
  }
  return out;
}

function pickWeighted(pool: readonly [IncidentKind, number][], roll: number): IncidentKind | undefined {
  const total = pool.reduce((s, [, w]) => s + w, 0);
  let r = roll * total;
  for (const [kind, w] of pool) {
    if (r < w) return kind;
    r -= w;
  }
  return pool[pool.length - 1]?.[0];
}

function applyOne(v: MetricValues, incident: Incident, minuteNumber: number): void {
  const intensity = clamp01(incident.intensity);
  // A little minute-to-minute wobble, kept inside the kind's documented range.
  const wobble = (lo: number, hi: number, key = 0) => {
    const base = lo + (hi - lo) * intensity;
    const jitter = 1 + 0.1 * (noise3(hashString(incident.id), minuteNumber, key, 0) - 0.5);
    return Math.min(hi, Math.max(lo, base * jitter));
  };
  /** Outbound × f, with packets following the bytes at the device's usual packet size. */
  const upload = (f: number) => {
    const before = (v.bandwidthInBps ?? 0) + (v.bandwidthOutBps ?? 0);
    v.bandwidthOutBps = scale(v.bandwidthOutBps, f);
    const after = (v.bandwidthInBps ?? 0) + (v.bandwidthOutBps ?? 0);
    if (before > 0) v.packetsPerSec = scale(v.packetsPerSec, after / before);
  };
  switch (incidentEffect(incident)) {
    case "ddos": {
      // Floods of small packets from many sources: packets, inbound bytes, flows and connections.
      const f = wobble(5, 20);
      v.packetsPerSec = scale(v.packetsPerSec, f);
      v.bandwidthInBps = scale(v.bandwidthInBps, f);
      v.connectionsPerSec = scale(v.connectionsPerSec, f);
      v.flowsPerSec = scale(v.flowsPerSec, f);
      return;
    }
    case "app_ddos": {
      // Many slow clients holding connections open with a trickle of bytes each.
      v.connectionsPerSec = scale(v.connectionsPerSec, wobble(8, 30, 1));
      v.flowsPerSec = scale(v.flowsPerSec, wobble(6, 25, 2));
      v.bandwidthInBps = scale(v.bandwidthInBps, wobble(1.03, 1.15, 3));
      v.packetsPerSec = scale(v.packetsPerSec, wobble(1.1, 1.5, 4));
      if (v.memoryPct !== null) v.memoryPct = round2(Math.min(100, v.memoryPct + wobble(5, 15, 5)));
      return;
    }
    case "port_scan": {
      // One source, a probe (1–2 packets) per port: flows and connection attempts, hardly any bytes.
      v.flowsPerSec = scale(v.flowsPerSec, wobble(10, 40, 1));
      v.connectionsPerSec = scale(v.connectionsPerSec, wobble(3, 10, 2));
      v.packetsPerSec = scale(v.packetsPerSec, wobble(1.05, 1.3, 3));
      if (v.distinctDstPorts !== null) v.distinctDstPorts = Math.round(v.distinctDstPorts + wobble(100, 1000, 4));
      if (v.distinctPeers !== null) v.distinctPeers = v.distinctPeers + 1;
      return;
    }
    case "exfiltration":
      upload(wobble(6, 15));
      return;
    case "slow_exfiltration":
      // Constant and small: each minute stays within ordinary noise; only the days' totals show it.
      upload(slowExfiltrationFactor(intensity));
      return;
    case "link_down":
      v.bandwidthInBps = zero(v.bandwidthInBps);
      v.bandwidthOutBps = zero(v.bandwidthOutBps);
      v.packetsPerSec = zero(v.packetsPerSec);
      v.flowsPerSec = zero(v.flowsPerSec);
      v.connectionsPerSec = zero(v.connectionsPerSec);
      if (v.packetLossPct !== null) v.packetLossPct = 100;
      v.latencyMs = null;
      return;
    case "cpu_exhaustion":
      if (v.cpuPct !== null) v.cpuPct = round2(wobble(95, 100));
      return;
    case "degradation": {
      v.latencyMs = v.latencyMs === null ? null : Math.round(v.latencyMs * wobble(5, 10) * 1000) / 1000;
      if (v.packetLossPct !== null) v.packetLossPct = round2(wobble(2, 10));
      return;
    }
    case "geo_anomaly":
      // the upload's bytes on top of the device's own (demo-traffic.ts sends them to the new country)
      v.bandwidthOutBps = v.bandwidthOutBps === null ? null : Math.round(v.bandwidthOutBps + (geoUploadBytes(intensity) * 8) / 60);
      return;
    case "jitter": {
      // each poll lands anywhere in [latency, latency + amplitude]: successive polls differ by ~0.3 × amplitude
      if (v.latencyMs === null) return;
      const amplitude = 60 + 120 * intensity;
      v.latencyMs = Math.round((v.latencyMs + amplitude * noise3(hashString(incident.id), minuteNumber, 11, 0)) * 1000) / 1000;
      return;
    }
    case "memory_leak": {
      // a blend from the usual level to the peak: steady whatever the daily cycle (it fades as the leak grows)
      if (v.memoryPct === null) return;
      const done = Math.min(1, (minuteNumber * MS_PER_MINUTE + MS_PER_MINUTE - incident.start.getTime()) / (incident.end.getTime() - incident.start.getTime()));
      v.memoryPct = round2(v.memoryPct + done * Math.max(0, MEMORY_LEAK_PEAK_PCT - v.memoryPct));
      return;
    }
    case "crypto_mining":
      if (v.cpuPct !== null) v.cpuPct = round2(Math.max(v.cpuPct, wobble(70, 95, 12)));
      return;
    case "credential_attack":
    case "routing_flap":
    case "unauthorized_change":
    case "protocol_shift":
    case "lateral_movement":
    case undefined:
      return;
  }
}

function scale(value: number | null, factor: number): number | null {
  return value === null ? null : Math.round(value * factor * 10) / 10;
}

function zero(value: number | null): number | null {
  return value === null ? null : 0;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function ceilToMinute(ms: number): number {
  return Math.ceil(ms / MS_PER_MINUTE) * MS_PER_MINUTE;
}

function compactTime(ts: Date): string {
  // 2025-01-14T14:05:00.000Z → 20250114T1405
  return ts.toISOString().slice(0, 16).replace(/[-:]/g, "");
}
