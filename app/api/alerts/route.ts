// GET /api/alerts — alerts newest first, filtered (status, severity, type, detector, deviceId, site,
// assignee=me, from/to on the time raised), keyset-paginated (?cursor= from nextCursor).
import { withSession } from "@/app/_server/session";
import { alertListQuerySchema, toAlertFilter } from "@/lib/alerts/alert-list-query";
import { db } from "@/lib/db/client";
import { listAlerts } from "@/lib/db/alert-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(
  async (req, { user }) => {
    const query = alertListQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse(await listAlerts(db(), toAlertFilter(query, user.id), user.id));
  },
  { permission: "alerts:read" },
);
