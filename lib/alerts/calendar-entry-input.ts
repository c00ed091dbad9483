// What the calendar API accepts for a business-calendar entry: an announced surge with the traffic
// multiplier the business expects, optionally limited to devices, sites or roles (globs).
import { z } from "zod";
import { instantSchema } from "./maintenance-window-input";

const globs = z
  .array(z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"), {
    message: "must be a list of patterns",
  })
  .max(100, "at most 100 patterns")
  .default([]);

export const calendarEntryInputSchema = z
  .strictObject({
    name: z.string().trim().min(1, "a name is required").max(200, "must be at most 200 characters"),
    startsAt: instantSchema,
    endsAt: instantSchema,
    expectedIncrease: z
      .number({ message: "must be a number (the expected traffic multiplier, e.g. 3 for three times the usual)" })
      .finite()
      .min(1, "must be at least 1 (the expected traffic multiplier)")
      .max(1000, "must be at most 1000"),
    devices: globs,
    sites: globs,
    roles: globs,
  })
  .superRefine((e, ctx) => {
    // Zod runs this even when a field already failed; only compare times that parsed.
    if (e.endsAt instanceof Date && e.startsAt instanceof Date && !(e.endsAt.getTime() > e.startsAt.getTime())) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
    }
  });

export type CalendarEntryInput = z.output<typeof calendarEntryInputSchema>;
