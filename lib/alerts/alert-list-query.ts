// The Anomalies filters as URL query parameters, shared by the list API, the CSV export and the page
// (which keeps them in its URL): comma-separated lists, ISO times, "assignee=me".
import { z } from "zod";
import { ALERT_STATUSES, SEVERITIES } from "./alert-view";

const list = <O>(item: z.ZodType<O, string>) =>
  z
    .string()
    .transform((s) => s.split(",").map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(item).max(100));

const name = z.string().min(1).max(100);

export const alertFilterQuerySchema = z.strictObject({
  status: list(z.enum(ALERT_STATUSES)).optional(),
  severity: list(z.enum(SEVERITIES)).optional(),
  type: list(name).optional(),
  detector: list(name).optional(),
  deviceId: list(
    z
      .string()
      .regex(/^\d{1,10}$/, "device ids are positive integers")
      .transform(Number)
      .pipe(z.number().int().positive().max(2_147_483_647)),
  ).optional(),
  site: list(name).optional(),
  assignee: z.literal("me").optional(),
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
});

export const alertListQuerySchema = alertFilterQuerySchema.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export type AlertFilterQuery = z.infer<typeof alertFilterQuerySchema>;

/** The parsed query as the query module's filter, "me" resolved to the caller. */
export function toAlertFilter<Q extends AlertFilterQuery>(query: Q, userId: number): Omit<Q, "assignee"> & { assigneeId?: number } {
  const { assignee, ...rest } = query;
  return assignee === "me" ? { ...rest, assigneeId: userId } : rest;
}
