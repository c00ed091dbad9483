// Hour-of-week is the bucket key of every baseline. Always UTC, so DST never shifts a bucket.

export const HOURS_PER_WEEK = 168;

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** 0..167 in UTC; Monday 00:00 = 0, Sunday 23:00 = 167. Throws on an invalid Date. */
export function hourOfWeek(ts: Date): number {
  const ms = ts.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("hourOfWeek: invalid Date");
  // getUTCDay() counts from Sunday = 0; shift so the week starts on Monday.
  const mondayBasedDay = (ts.getUTCDay() + 6) % 7;
  return mondayBasedDay * 24 + ts.getUTCHours();
}

/** "Tuesday 14:00 UTC" for hour-of-week 38. */
export function describeHourOfWeek(how: number): string {
  if (!Number.isInteger(how) || how < 0 || how >= HOURS_PER_WEEK) {
    throw new RangeError(`describeHourOfWeek: ${how} is not in 0..167`);
  }
  const day = DAY_NAMES[Math.floor(how / 24)] ?? "";
  return `${day} ${String(how % 24).padStart(2, "0")}:00 UTC`;
}
