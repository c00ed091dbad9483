// GET /api/alerts — alerts newest first, filtered, keyset-paginated (?cursor= from nextCursor).
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import { ALERT_STATUSES, SEVERITIES } from "@/lib/alerts/alert-view";
import { db } from "@/lib/db/client";
import { listAlerts } from "@/lib/db/alert-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

const querySchema = z.strictObject({
  status: csv(ALERT_STATUSES).optional(),
  severity: csv(SEVERITIES).optional(),
  deviceId: z.coerce.number().int().positive().optional(),
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const GET = withSession(
  async (req, { user }) => {
    const query = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse(await listAlerts(db(), query, user.id));
  },
  { permission: "alerts:read" },
);
