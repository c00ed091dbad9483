// Hour-of-week is the bucket key of every baseline. Always UTC, so DST never shifts a bucket.

export const HOURS_PER_WEEK = 168;

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** 0..167 in UTC; Monday 00:00 = 0, Sunday 23:00 = 167. Throws on an invalid Date. */
export function hourOfWeek(ts: Date): number {
  const ms = ts.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("hourOfWeek: invalid Date");
  return hourOfWeekAt(ms);
}

/**
 * The same from epoch milliseconds, without a Date (the online models call it for every sample of
 * every metric). 1970-01-01 was a Thursday: day 0 of the epoch is weekday 3 counting from Monday.
 */
export function hourOfWeekAt(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const weekday = (((day + 3) % 7) + 7) % 7;
  return weekday * 24 + Math.floor((ms - day * DAY_MS) / HOUR_MS);
}

/** "Tuesday 14:00 UTC" for hour-of-week 38. */
export function describeHourOfWeek(how: number): string {
  if (!Number.isInteger(how) || how < 0 || how >= HOURS_PER_WEEK) {
    throw new RangeError(`describeHourOfWeek: ${how} is not in 0..167`);
  }
  const day = DAY_NAMES[Math.floor(how / 24)] ?? "";
  return `${day} ${String(how % 24).padStart(2, "0")}:00 UTC`;
}
