// Quiet hours of a channel: between `from` and `to` on the wall clock of `timezone` (overnight when
// `to` is earlier), messages below `allowSeverity` are held and go out when the quiet hours end; none
// is dropped. Pure.
import { z } from "zod";
import { timezoneOffsetMs } from "../alerts/maintenance-window";
import { canonicalTimeZone, wallClockToInstant } from "../alerts/zoned-time";
import { SEVERITY_LEVELS, SEVERITY_RANK } from "../detect/severity";
import type { Severity } from "./message";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24 h)");

export const quietHoursSchema = z
  .object({
    from: hhmm,
    to: hhmm,
    timezone: z.string().default("UTC").refine((tz) => canonicalTimeZone(tz) !== undefined, "unknown time zone"),
    /** This severity and above still go out at once. */
    allowSeverity: z.enum(SEVERITY_LEVELS).default("critical"),
  })
  .refine((q) => q.from !== q.to, { message: "must differ from from", path: ["to"] });

export type QuietHours = z.infer<typeof quietHoursSchema>;

const minutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** When a message of `severity` may go out: null for now, else the end of the quiet hours it falls in. */
export function heldUntil(q: QuietHours, severity: Severity, now: Date): Date | null {
  if (SEVERITY_RANK[severity] >= SEVERITY_RANK[q.allowSeverity]) return null;
  const tz = canonicalTimeZone(q.timezone) ?? "UTC";
  const local = new Date(now.getTime() + timezoneOffsetMs(tz, now));
  const m = local.getUTCHours() * 60 + local.getUTCMinutes();
  const from = minutes(q.from);
  const to = minutes(q.to);
  const quiet = from < to ? m >= from && m < to : m >= from || m < to;
  if (!quiet) return null;
  // the end is today at `to`, or tomorrow when the quiet hours run past midnight and we are before it
  const dayStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const endLocal = dayStart + to * 60_000 + (from > to && m >= from ? 86_400_000 : 0);
  return wallClockToInstant(endLocal, tz);
}
