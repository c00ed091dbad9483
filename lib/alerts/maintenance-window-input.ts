// What the maintenance API accepts for a window. A recurring window's first occurrence is given by
// startsAt/endsAt (instants) and repeats at the same wall-clock time in `timezone`; an occurrence must
// fit in its period (a daily window at most 24 h). Irrelevant scope fields are dropped, not refused,
// so changing the scope of an existing window does not need them cleared first.
import { z } from "zod";
import { canonicalTimeZone } from "./zoned-time";

export const MAINTENANCE_SCOPES = ["all", "site", "role", "device"] as const;
export const RECURRENCES = ["none", "daily", "weekly"] as const;

const PERIOD_MS = { daily: 86_400_000, weekly: 7 * 86_400_000 } as const;

const INSTANT_MESSAGE = "must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T02:00:00Z";

/** An instant as ISO 8601 with an offset (or a Date, when re-validating a stored row). */
export const instantSchema = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString() : v),
  z.iso
    .datetime({ offset: true, message: INSTANT_MESSAGE })
    .transform((s) => new Date(s))
    .refine((d) => !Number.isNaN(d.getTime()), INSTANT_MESSAGE),
);

/** An IANA time zone name, canonicalised ("europe/berlin" → "Europe/Berlin"). */
export const timeZoneSchema = z
  .string({ message: "must be an IANA time zone name such as Europe/Berlin" })
  .max(100, "must be at most 100 characters")
  .transform((tz, ctx) => {
    const canonical = canonicalTimeZone(tz);
    if (!canonical) {
      ctx.addIssue({ code: "custom", message: `unknown time zone "${tz}" (use an IANA name such as Europe/Berlin or UTC)` });
      return z.NEVER;
    }
    return canonical;
  });

const fields = {
  scope: z.enum(MAINTENANCE_SCOPES, { message: `must be one of ${MAINTENANCE_SCOPES.join(", ")}` }),
  scopeValue: z.string().trim().max(200, "must be at most 200 characters").nullable(),
  deviceIds: z
    .array(z.number({ message: "must be a list of device ids" }).int().positive(), { message: "must be a list of device ids" })
    .max(1000, "at most 1000 devices"),
  startsAt: instantSchema,
  endsAt: instantSchema,
  recurrence: z.enum(RECURRENCES, { message: `must be one of ${RECURRENCES.join(", ")}` }),
  timezone: timeZoneSchema,
  reason: z.string().trim().min(1, "a reason is required").max(500, "must be at most 500 characters"),
};

export interface MaintenanceWindowInput {
  scope: (typeof MAINTENANCE_SCOPES)[number];
  scopeValue: string | null;
  deviceIds: number[];
  startsAt: Date;
  endsAt: Date;
  recurrence: (typeof RECURRENCES)[number];
  timezone: string;
  reason: string;
}

/** A whole window: as created, or a stored window with a change applied. */
export const maintenanceWindowInputSchema = z
  .strictObject({
    scope: fields.scope,
    scopeValue: fields.scopeValue.optional(),
    deviceIds: fields.deviceIds.optional(),
    startsAt: fields.startsAt,
    endsAt: fields.endsAt,
    recurrence: fields.recurrence.default("none"),
    timezone: fields.timezone.default("UTC"),
    reason: fields.reason,
  })
  .superRefine((w, ctx) => {
    // Zod runs this even when a field already failed; only compare times that parsed.
    const duration = w.endsAt instanceof Date && w.startsAt instanceof Date ? w.endsAt.getTime() - w.startsAt.getTime() : NaN;
    if (!Number.isNaN(duration) && !(duration > 0)) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
    } else if ((w.recurrence === "daily" || w.recurrence === "weekly") && duration > PERIOD_MS[w.recurrence]) {
      ctx.addIssue({
        code: "custom",
        path: ["endsAt"],
        message: `a ${w.recurrence} window must last at most ${w.recurrence === "daily" ? "24 hours" : "7 days"}`,
      });
    }
    if ((w.scope === "site" || w.scope === "role") && !w.scopeValue) {
      ctx.addIssue({ code: "custom", path: ["scopeValue"], message: `is required for a ${w.scope} window (the ${w.scope} name)` });
    }
    if (w.scope === "device" && (w.deviceIds ?? []).length === 0) {
      ctx.addIssue({ code: "custom", path: ["deviceIds"], message: "choose at least one device for a device window" });
    }
  })
  .transform(
    (w): MaintenanceWindowInput => ({
      scope: w.scope,
      scopeValue: w.scope === "site" || w.scope === "role" ? (w.scopeValue ?? null) : null,
      deviceIds: w.scope === "device" ? [...new Set(w.deviceIds ?? [])].sort((a, b) => a - b) : [],
      startsAt: w.startsAt,
      endsAt: w.endsAt,
      recurrence: w.recurrence,
      timezone: w.timezone,
      reason: w.reason,
    }),
  );

/** A change to a stored window: any subset of the fields; the merged window is validated as a whole. */
export const maintenanceWindowPatchSchema = z
  .strictObject({
    scope: fields.scope.optional(),
    scopeValue: fields.scopeValue.optional(),
    deviceIds: fields.deviceIds.optional(),
    startsAt: fields.startsAt.optional(),
    endsAt: fields.endsAt.optional(),
    recurrence: fields.recurrence.optional(),
    timezone: fields.timezone.optional(),
    reason: fields.reason.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: "send at least one field to change" });

export type MaintenanceWindowPatch = z.output<typeof maintenanceWindowPatchSchema>;
