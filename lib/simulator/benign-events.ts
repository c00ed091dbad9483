// Benign look-alikes: ordinary business events that move the metrics like an attack would, and that
// a good detector must NOT turn into alerts (the evaluation counts alerts on them as false positives).
// - marketing_surge: a campaign announced in the business calendar; the web servers' traffic (inbound,
//   outbound, packets, flows, connections) ×3–6 for 2–6 hours. Its calendar entry is exported with it.
// - scheduled_backup: the weekly full backup, Sunday 02:00–03:00 UTC, on devices tagged "backup".
//   The network model already produces it; it is listed here for evaluation only and
//   `applyBenignEvents` leaves it alone (`appliedByModel: true`).
// - update_wave: Patch Tuesday (second Tuesday of the month, 18:00 UTC): most devices download updates,
//   inbound ×2–4 (packets following) for 30–60 minutes.
// Pure and deterministic: (seed, devices, window) → events. The worker does not apply them yet.
import type { DeviceSpec } from "@/lib/simulator/demo-fleet";
import { hashString, mulberry32 } from "@/lib/simulator/prng";
import type { MetricValues } from "@/lib/telemetry/metrics";

export const BENIGN_EVENT_KINDS = ["marketing_surge", "scheduled_backup", "update_wave"] as const;
export type BenignEventKind = (typeof BENIGN_EVENT_KINDS)[number];

/** An entry of the business calendar: what the business announced in advance. */
export interface BusinessCalendarEntry {
  start: Date;
  end: Date;
  name: string;
  /** Expected traffic multiplier on the affected devices (e.g. 4 = four times the usual). */
  expectedIncrease: number;
}

export interface BenignEvent {
  /** Deterministic and unique within a plan, e.g. "marketing_surge-20250115T1100". */
  id: string;
  kind: BenignEventKind;
  name: string;
  /** Indexes into the `devices` the plan was made for. */
  deviceIndexes: number[];
  /** Inclusive, minute-aligned. */
  start: Date;
  /** Exclusive, minute-aligned. */
  end: Date;
  /** Multiplier on the metrics the kind affects (see the module comment). */
  factor: number;
  /** True when the network model already produces the event (scheduled_backup): nothing to apply. */
  appliedByModel: boolean;
  /** The announcement, for events the business calendar knows about (marketing_surge). */
  calendar?: BusinessCalendarEntry;
}

export interface PlanBenignEventsOptions {
  seed: number;
  devices: readonly DeviceSpec[];
  /** Events starting in [from, to). */
  from: Date;
  to: Date;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 1970-01-05 was a Monday: weeks are counted from there. */
const MONDAY_EPOCH = 4 * DAY;

/** Whether a device serves the public web (the marketing surge's target). */
export function isWebServer(device: DeviceSpec): boolean {
  return device.role === "server" && device.tags.includes("web");
}

/** Whether the network model gives this device the Sunday 02:00 full backup. */
export function hasScheduledBackup(device: DeviceSpec): boolean {
  return device.tags.includes("backup");
}

/** Benign events starting in [from, to), ordered by start. */
export function planBenignEvents({ seed, devices, from, to }: PlanBenignEventsOptions): BenignEvent[] {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new RangeError("planBenignEvents: invalid from/to");
  const events: BenignEvent[] = [];
  const inWindow = (ms: number) => ms >= fromMs && ms < toMs;

  const web = indexesWhere(devices, isWebServer);
  const backup = indexesWhere(devices, hasScheduledBackup);
  const firstWeek = Math.floor((fromMs - MONDAY_EPOCH) / (7 * DAY)) - 1;
  const lastWeek = Math.floor((toMs - MONDAY_EPOCH) / (7 * DAY));
  for (let week = firstWeek; week <= lastWeek; week++) {
    const monday = MONDAY_EPOCH + week * 7 * DAY;
    // Each week's draws depend only on (seed, week), so any window sees the same events.
    const rng = mulberry32(hashString(`benign:${seed}:${week}`));

    // One marketing campaign a week, Tuesday–Thursday, starting 10:00–13:00 UTC, 2–6 hours.
    const surgeStart = monday + (1 + Math.floor(rng() * 3)) * DAY + (10 + Math.floor(rng() * 4)) * HOUR;
    const surgeHours = 2 + Math.floor(rng() * 5);
    const surgeFactor = round1(3 + rng() * 3);
    if (web.length > 0 && inWindow(surgeStart)) {
      const start = new Date(surgeStart);
      const end = new Date(surgeStart + surgeHours * HOUR);
      const name = `Marketing campaign ${start.toISOString().slice(0, 10)}`;
      events.push({
        id: `marketing_surge-${compactTime(start)}`,
        kind: "marketing_surge",
        name,
        deviceIndexes: web,
        start,
        end,
        factor: surgeFactor,
        appliedByModel: false,
        calendar: { start, end, name, expectedIncrease: surgeFactor },
      });
    }

    // The weekly full backup (Sunday 02:00–03:00 UTC), already in the model.
    const backupStart = monday + 6 * DAY + 2 * HOUR;
    if (backup.length > 0 && inWindow(backupStart)) {
      const start = new Date(backupStart);
      events.push({
        id: `scheduled_backup-${compactTime(start)}`,
        kind: "scheduled_backup",
        name: "Weekly full backup",
        deviceIndexes: backup,
        start,
        end: new Date(backupStart + HOUR),
        factor: 1,
        appliedByModel: true,
      });
    }

    // Patch Tuesday: the second Tuesday of the month, 18:00 UTC.
    const tuesday = monday + DAY;
    const dayOfMonth = new Date(tuesday).getUTCDate();
    const waveMinutes = 30 + Math.floor(rng() * 31);
    const waveFactor = round1(2 + rng() * 2);
    const share = 0.6 + rng() * 0.3;
    const waveStart = tuesday + 18 * HOUR;
    if (dayOfMonth >= 8 && dayOfMonth <= 14 && devices.length > 0 && inWindow(waveStart)) {
      const start = new Date(waveStart);
      const chosen = indexesWhere(devices, (_, i) => rngFor(seed, week, i) < share);
      events.push({
        id: `update_wave-${compactTime(start)}`,
        kind: "update_wave",
        name: `Patch Tuesday ${start.toISOString().slice(0, 7)}`,
        deviceIndexes: chosen.length > 0 ? chosen : [0],
        start,
        end: new Date(waveStart + waveMinutes * MINUTE),
        factor: waveFactor,
        appliedByModel: false,
      });
    }
  }
  return events.sort((a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id));
}

/** The business calendar's announcements among `events` (what an analyst could have known). */
export function businessCalendar(events: readonly BenignEvent[]): BusinessCalendarEntry[] {
  return events.flatMap((e) => (e.calendar ? [e.calendar] : []));
}

/** Whether `event` affects this device at `minute` ([start, end)). */
export function benignEventActiveAt(event: BenignEvent, deviceIndex: number, minute: number | Date): boolean {
  const ms = typeof minute === "number" ? minute : minute.getTime();
  return ms >= event.start.getTime() && ms < event.end.getTime() && event.deviceIndexes.includes(deviceIndex);
}

/**
 * `values` with the effect of every benign event active on this device at this minute; a new object,
 * the input is not mutated and null values stay null. Events the model already produces are skipped.
 */
export function applyBenignEvents(
  values: MetricValues,
  deviceIndex: number,
  device: DeviceSpec,
  minute: Date,
  events: readonly BenignEvent[],
): MetricValues {
  const out: MetricValues = { ...values };
  for (const event of events) {
    if (event.appliedByModel || !benignEventActiveAt(event, deviceIndex, minute)) continue;
    const f = event.factor;
    switch (event.kind) {
      case "marketing_surge": {
        if (!isWebServer(device)) break;
        // More visitors: everything the web server does scales, and it works harder.
        out.bandwidthInBps = scale(out.bandwidthInBps, f);
        out.bandwidthOutBps = scale(out.bandwidthOutBps, f);
        out.packetsPerSec = scale(out.packetsPerSec, f);
        out.flowsPerSec = scale(out.flowsPerSec, f);
        out.connectionsPerSec = scale(out.connectionsPerSec, f);
        if (out.cpuPct !== null) out.cpuPct = Math.round(Math.min(95, out.cpuPct * (1 + (f - 1) * 0.25)) * 100) / 100;
        break;
      }
      case "update_wave": {
        // A few large downloads: inbound bytes and packets, not flows.
        const before = (out.bandwidthInBps ?? 0) + (out.bandwidthOutBps ?? 0);
        out.bandwidthInBps = scale(out.bandwidthInBps, f);
        const after = (out.bandwidthInBps ?? 0) + (out.bandwidthOutBps ?? 0);
        if (before > 0) out.packetsPerSec = scale(out.packetsPerSec, after / before);
        break;
      }
      case "scheduled_backup":
        break;
    }
  }
  return out;
}

function indexesWhere(devices: readonly DeviceSpec[], test: (d: DeviceSpec, i: number) => boolean): number[] {
  const out: number[] = [];
  devices.forEach((d, i) => {
    if (test(d, i)) out.push(i);
  });
  return out;
}

function rngFor(seed: number, week: number, device: number): number {
  return mulberry32(hashString(`benign:${seed}:${week}:device:${device}`))();
}

function scale(value: number | null, factor: number): number | null {
  return value === null ? null : Math.round(value * factor * 10) / 10;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function compactTime(ts: Date): string {
  return ts.toISOString().slice(0, 16).replace(/[-:]/g, "");
}
