// Labelled anomalies for the demo: a deterministic schedule (the ground truth) and a pure function
// that overlays an incident's effect on the model's ordinary values.
import { hashString, mulberry32, noise3 } from "@/lib/simulator/prng";
import type { MetricValues } from "@/lib/telemetry/metrics";

export const INCIDENT_KINDS = ["ddos", "exfiltration", "cpu_exhaustion", "link_degradation"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

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
}

export interface PlanIncidentsOptions {
  seed: number;
  deviceCount: number;
  /** Incidents start in [from, to); the last one may run past `to`. */
  from: Date;
  to: Date;
  /** Mean quiet time between one incident's end and the next start (exponentially distributed). */
  meanGapMinutes: number;
  /** Forces the first incident to start here (rounded up to the minute) instead of after a gap. */
  firstStartsAt?: Date;
  /** Restricts the kinds drawn; all kinds when omitted. */
  kinds?: readonly IncidentKind[];
}

const MS_PER_MINUTE = 60_000;
const MIN_DURATION_MINUTES = 5;
const MAX_DURATION_MINUTES = 30;

/**
 * Deterministic schedule for [from, to). Incidents never overlap (one at a time across the fleet),
 * so each anomalous device-minute has exactly one cause. Exfiltration is only drawn for off-hours
 * starts. A longer `to` with the same other options extends the plan without changing its start.
 */
export function planIncidents(options: PlanIncidentsOptions): Incident[] {
  const { seed, deviceCount, from, to, meanGapMinutes, firstStartsAt } = options;
  if (!Number.isInteger(deviceCount) || deviceCount < 0) throw new RangeError("planIncidents: deviceCount must be a non-negative integer");
  if (!(meanGapMinutes > 0) || !Number.isFinite(meanGapMinutes)) throw new RangeError("planIncidents: meanGapMinutes must be > 0");
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new RangeError("planIncidents: invalid from/to");
  if (firstStartsAt && !(firstStartsAt.getTime() >= fromMs)) throw new RangeError("planIncidents: firstStartsAt is before from");
  const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : INCIDENT_KINDS;
  if (deviceCount === 0) return [];

  const rng = mulberry32(hashString(`incidents:${seed}`));
  const gapMs = () => Math.max(1, Math.round(-Math.log(1 - rng()) * meanGapMinutes)) * MS_PER_MINUTE;

  const incidents: Incident[] = [];
  let cursor = ceilToMinute(firstStartsAt ? firstStartsAt.getTime() : fromMs + gapMs());
  while (cursor < toMs) {
    const start = new Date(cursor);
    const durationMinutes = MIN_DURATION_MINUTES + Math.floor(rng() * (MAX_DURATION_MINUTES - MIN_DURATION_MINUTES + 1));
    const deviceIndex = Math.floor(rng() * deviceCount);
    const allowed = isOffHours(start) ? kinds : kinds.filter((k) => k !== "exfiltration");
    const pool = allowed.length > 0 ? allowed : kinds;
    const kind = pool[Math.floor(rng() * pool.length)] ?? "ddos";
    const intensity = Math.round(rng() * 1000) / 1000;
    const end = new Date(cursor + durationMinutes * MS_PER_MINUTE);
    incidents.push({ id: `${kind}-${deviceIndex}-${compactTime(start)}`, kind, deviceIndex, start, end, intensity });
    cursor = end.getTime() + gapMs();
  }
  return incidents;
}

/**
 * `values` with the effect of every incident active on this device at this minute ([start, end));
 * returns a new object and never mutates the input. Null values stay null.
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
    if (incident.deviceIndex !== deviceIndex || ms < incident.start.getTime() || ms >= incident.end.getTime()) continue;
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

function applyOne(v: MetricValues, incident: Incident, minuteNumber: number): void {
  const intensity = Math.min(1, Math.max(0, incident.intensity));
  // A little minute-to-minute wobble, kept inside the kind's documented range.
  const wobble = (lo: number, hi: number) => {
    const base = lo + (hi - lo) * intensity;
    const jitter = 1 + 0.1 * (noise3(hashString(incident.id), minuteNumber, 0, 0) - 0.5);
    return Math.min(hi, Math.max(lo, base * jitter));
  };
  switch (incident.kind) {
    case "ddos": {
      // Floods of small packets from many sources: packets, inbound bytes, flows and connections.
      const f = wobble(5, 20);
      v.packetsPerSec = scale(v.packetsPerSec, f);
      v.bandwidthInBps = scale(v.bandwidthInBps, f);
      v.connectionsPerSec = scale(v.connectionsPerSec, f);
      v.flowsPerSec = scale(v.flowsPerSec, f);
      return;
    }
    case "exfiltration": {
      const f = wobble(6, 15);
      const before = (v.bandwidthInBps ?? 0) + (v.bandwidthOutBps ?? 0);
      v.bandwidthOutBps = scale(v.bandwidthOutBps, f);
      const after = (v.bandwidthInBps ?? 0) + (v.bandwidthOutBps ?? 0);
      // Packets follow the bytes at the device's usual packet size.
      if (before > 0) v.packetsPerSec = scale(v.packetsPerSec, after / before);
      return;
    }
    case "cpu_exhaustion":
      if (v.cpuPct !== null) v.cpuPct = round2(wobble(95, 100));
      return;
    case "link_degradation": {
      v.latencyMs = v.latencyMs === null ? null : Math.round(v.latencyMs * wobble(5, 10) * 1000) / 1000;
      if (v.packetLossPct !== null) v.packetLossPct = round2(wobble(2, 10));
      return;
    }
  }
}

function scale(value: number | null, factor: number): number | null {
  return value === null ? null : Math.round(value * factor * 10) / 10;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function ceilToMinute(ms: number): number {
  return Math.ceil(ms / MS_PER_MINUTE) * MS_PER_MINUTE;
}

function compactTime(ts: Date): string {
  // 2025-01-14T14:05:00.000Z → 20250114T1405
  return ts.toISOString().slice(0, 16).replace(/[-:]/g, "");
}
