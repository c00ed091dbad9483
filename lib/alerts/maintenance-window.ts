// Is a device inside a maintenance window at a given time? Windows repeat daily or weekly at the
// same local wall-clock time in their time zone (so a 02:00 window stays at 02:00 across DST).
import type { MaintenanceScope, Recurrence } from "@prisma/client";

export interface WindowSpec {
  id: number;
  scope: MaintenanceScope;
  scopeValue: string | null;
  deviceIds: number[];
  startsAt: Date;
  endsAt: Date;
  recurrence: Recurrence;
  timezone: string;
}

export interface DeviceScope {
  id: number;
  site: string;
  role: string;
}

const DAY = 86_400_000;

/** Offset of `timezone` from UTC at instant `at`, in ms (e.g. +3_600_000 for CET). */
export function timezoneOffsetMs(timezone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

function appliesTo(w: WindowSpec, d: DeviceScope): boolean {
  switch (w.scope) {
    case "all":
      return true;
    case "site":
      return w.scopeValue === d.site;
    case "role":
      return w.scopeValue === d.role;
    case "device":
      return w.deviceIds.includes(d.id);
  }
}

function coversTime(w: WindowSpec, at: Date): boolean {
  const t = at.getTime();
  const start = w.startsAt.getTime();
  const duration = w.endsAt.getTime() - start;
  if (duration <= 0 || t < start) return false;
  if (w.recurrence === "none") return t < start + duration;
  const period = w.recurrence === "daily" ? DAY : 7 * DAY;
  // Work in the window's local wall-clock time so occurrences keep their local start across DST.
  const localStart = start + timezoneOffsetMs(w.timezone, w.startsAt);
  const localT = t + timezoneOffsetMs(w.timezone, at);
  const k = Math.floor((localT - localStart) / period);
  for (const n of [k, k - 1]) {
    if (n < 0) continue;
    const occStart = localStart + n * period;
    if (localT >= occStart && localT < occStart + duration) return true;
  }
  return false;
}

/** The first window that covers `device` at `at`, if any. */
export function activeMaintenanceWindow(windows: WindowSpec[], device: DeviceScope, at: Date): WindowSpec | undefined {
  return windows.find((w) => appliesTo(w, device) && coversTime(w, at));
}
