// DELETE /api/calendar/:id — remove a business-calendar entry (admins; audited).
import { withSession } from "@/app/_server/session";
import { deleteCalendarEntry } from "@/lib/db/calendar-queries";
import { db } from "@/lib/db/client";
import { jsonResponse, notFound } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

export const DELETE = withSession<{ id: string }>(
  async (_req, { user, params }) => {
    const id = parseRowId(params.id);
    if (!(await deleteCalendarEntry(db(), id, user.id))) throw notFound("Calendar entry");
    return jsonResponse({ id, deleted: true });
  },
  { permission: "settings:manage", action: "manage the business calendar" },
);
