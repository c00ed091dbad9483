// Wall-clock time in a named time zone, for maintenance windows that are entered and repeat in their
// own zone ("02:00 Europe/Berlin"). Pure, Intl only; shared by the API's validation and the browser.
import { timezoneOffsetMs } from "./maintenance-window";

/** The canonical IANA name of `timeZone` ("europe/berlin" → "Europe/Berlin"), or undefined if unknown. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (!timeZone.trim()) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: timeZone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Every time zone the runtime knows, UTC first (Intl's list leaves UTC out). */
export function timeZoneNames(): string[] {
  const names = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...names.filter((n) => n !== "UTC")];
}

const HALF_DAY = 43_200_000;

/**
 * The instant whose wall-clock time in `timeZone` is `localMs` (a UTC-epoch reading of the wall clock).
 * In a repeated hour (clocks go back) the first of the two; in a skipped hour (clocks go forward) the
 * time is read with the offset before the change, i.e. it moves forward by the size of the gap.
 */
export function wallClockToInstant(localMs: number, timeZone: string): Date {
  const before = localMs - timezoneOffsetMs(timeZone, new Date(localMs - HALF_DAY));
  const after = localMs - timezoneOffsetMs(timeZone, new Date(localMs + HALF_DAY));
  const valid = [before, after].filter((t) => t + timezoneOffsetMs(timeZone, new Date(t)) === localMs);
  return new Date(valid.length > 0 ? Math.min(...valid) : before);
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** "2026-11-20T02:00" (a datetime-local input's value) in `timeZone` → the instant; undefined if malformed. */
export function zonedInputToInstant(value: string, timeZone: string): Date | undefined {
  const m = LOCAL_INPUT.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const localMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(localMs)) return undefined;
  return wallClockToInstant(localMs, timeZone);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The instant as a datetime-local input value ("2026-11-20T02:00") on the wall clock of `timeZone`. */
export function instantToZonedInput(at: Date, timeZone: string): string {
  const local = new Date(at.getTime() + timezoneOffsetMs(timeZone, at));
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}
