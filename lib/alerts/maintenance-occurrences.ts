// The occurrences of maintenance windows in a span of time (a week on the timeline), with the same
// rule as `activeMaintenanceWindow`: a recurring window repeats at the same local wall-clock time in
// its time zone, so a 02:00 Europe/Berlin window stays at 02:00 across DST. Pure; used by the browser.
import type { DeviceScope, WindowSpec } from "./maintenance-window";
import { timezoneOffsetMs } from "./maintenance-window";
import { wallClockToInstant } from "./zoned-time";

const DAY = 86_400_000;

export type OccurrenceWindow = Pick<WindowSpec, "id" | "startsAt" | "endsAt" | "recurrence" | "timezone">;

export interface Occurrence {
  windowId: number;
  start: Date;
  /** Exclusive. */
  end: Date;
}

/** Every occurrence of `window` that overlaps [from, to), in time order. */
export function occurrencesBetween(window: OccurrenceWindow, from: Date, to: Date): Occurrence[] {
  const start = window.startsAt.getTime();
  const duration = window.endsAt.getTime() - start;
  if (duration <= 0 || to.getTime() <= from.getTime()) return [];
  const overlaps = (s: number, e: number) => e > from.getTime() && s < to.getTime();
  if (window.recurrence === "none") {
    return overlaps(start, start + duration) ? [{ windowId: window.id, start: window.startsAt, end: window.endsAt }] : [];
  }
  const period = window.recurrence === "daily" ? DAY : 7 * DAY;
  const localStart = start + timezoneOffsetMs(window.timezone, window.startsAt);
  const localFrom = from.getTime() + timezoneOffsetMs(window.timezone, from);
  const localTo = to.getTime() + timezoneOffsetMs(window.timezone, to);
  // One period of slack each side covers offsets changing inside the span and long occurrences.
  const first = Math.max(0, Math.floor((localFrom - localStart - duration) / period) - 1);
  const out: Occurrence[] = [];
  for (let n = first; localStart + n * period < localTo + period; n++) {
    const occLocal = localStart + n * period;
    const s = wallClockToInstant(occLocal, window.timezone).getTime();
    const e = wallClockToInstant(occLocal + duration, window.timezone).getTime();
    if (s < start) continue;
    if (overlaps(s, e)) out.push({ windowId: window.id, start: new Date(s), end: new Date(e) });
  }
  return out;
}

export type ScopedWindow = Pick<WindowSpec, "id" | "scope" | "scopeValue" | "deviceIds">;

/** The devices a window covers ("all" for the whole fleet, including devices not yet discovered). */
export function affectedDeviceIds(window: ScopedWindow, devices: readonly DeviceScope[]): "all" | Set<number> {
  switch (window.scope) {
    case "all":
      return "all";
    case "site":
      return new Set(devices.filter((d) => d.site === window.scopeValue).map((d) => d.id));
    case "role":
      return new Set(devices.filter((d) => d.role === window.scopeValue).map((d) => d.id));
    case "device":
      return new Set(window.deviceIds);
  }
}

function shareDevices(a: "all" | Set<number>, b: "all" | Set<number>): boolean {
  if (a === "all") return b === "all" || b.size > 0;
  if (b === "all") return a.size > 0;
  for (const id of a) if (b.has(id)) return true;
  return false;
}

/**
 * For each occurrence (by index), the ids of the other windows that overlap it in time and cover at
 * least one device in common. Occurrences of the same window never count as overlapping each other.
 */
export function findOverlaps(
  occurrences: readonly Occurrence[],
  windows: readonly ScopedWindow[],
  devices: readonly DeviceScope[],
): number[][] {
  const affected = new Map(windows.map((w) => [w.id, affectedDeviceIds(w, devices)]));
  return occurrences.map((a) => {
    const ids = new Set<number>();
    for (const b of occurrences) {
      if (b.windowId === a.windowId || ids.has(b.windowId)) continue;
      if (b.start.getTime() >= a.end.getTime() || a.start.getTime() >= b.end.getTime()) continue;
      const da = affected.get(a.windowId);
      const db = affected.get(b.windowId);
      if (da && db && shareDevices(da, db)) ids.add(b.windowId);
    }
    return [...ids].sort((x, y) => x - y);
  });
}
