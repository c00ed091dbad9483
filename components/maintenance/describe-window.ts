// Human text for a maintenance window: when it happens (in its own time zone) and what it covers.
import type { MaintenanceWindowView } from "@/lib/alerts/settings-views";

function format(iso: string, timeZone: string, options: Intl.DateTimeFormatOptions): string {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone, ...options }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, { timeZone: "UTC", ...options }).format(new Date(iso));
  }
}

const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const DATE: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };

/** "Daily 02:00–04:00 Europe/Berlin, from 20 Nov 2026" and the like. */
export function describeSchedule(w: Pick<MaintenanceWindowView, "startsAt" | "endsAt" | "recurrence" | "timezone">): string {
  const tz = w.timezone;
  const start = format(w.startsAt, tz, TIME);
  const end = format(w.endsAt, tz, TIME);
  const sameDay = format(w.startsAt, tz, DATE) === format(w.endsAt, tz, DATE);
  switch (w.recurrence) {
    case "none":
      return sameDay
        ? `Once, ${format(w.startsAt, tz, DATE)} ${start}–${end} ${tz}`
        : `Once, ${format(w.startsAt, tz, DATE)} ${start} – ${format(w.endsAt, tz, DATE)} ${end} ${tz}`;
    case "daily":
      return `Daily ${start}–${end}${sameDay ? "" : " (next day)"} ${tz}, from ${format(w.startsAt, tz, DATE)}`;
    case "weekly": {
      const day = format(w.startsAt, tz, { weekday: "long" });
      const endDay = sameDay ? "" : `${format(w.endsAt, tz, { weekday: "long" })} `;
      return `Weekly, ${day} ${start}–${endDay}${end} ${tz}, from ${format(w.startsAt, tz, DATE)}`;
    }
  }
}

/** "All devices", "Site hq", "Role firewall", "Devices fw-hq-1, srv-dc-1". */
export function describeScope(w: Pick<MaintenanceWindowView, "scope" | "scopeValue" | "deviceIds" | "devices">): string {
  switch (w.scope) {
    case "all":
      return "All devices";
    case "site":
      return `Site ${w.scopeValue ?? "?"}`;
    case "role":
      return `Role ${w.scopeValue ?? "?"}`;
    case "device": {
      const names = w.devices.map((d) => d.name);
      const missing = w.deviceIds.length - names.length;
      return `Device${w.deviceIds.length === 1 ? "" : "s"} ${[...names, ...(missing > 0 ? [`${missing} removed`] : [])].join(", ")}`;
    }
  }
}

/** "Tue 02:00–04:00" in the browser's time zone (the timeline's). */
export function describeOccurrence(start: Date, end: Date): string {
  const day = new Intl.DateTimeFormat(undefined, { weekday: "short" });
  const time = new Intl.DateTimeFormat(undefined, TIME);
  const endDay = day.format(end) === day.format(start) ? "" : `${day.format(end)} `;
  return `${day.format(start)} ${time.format(start)}–${endDay}${time.format(end)}`;
}
