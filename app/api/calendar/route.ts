// GET /api/calendar — every business-calendar entry by start time;
// POST /api/calendar — announce a surge (admins; audited).
import { withSession } from "@/app/_server/session";
import { calendarEntryInputSchema } from "@/lib/alerts/calendar-entry-input";
import { createCalendarEntry, listCalendarEntries } from "@/lib/db/calendar-queries";
import { db } from "@/lib/db/client";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(async () => jsonResponse({ entries: await listCalendarEntries(db()) }), {
  permission: "alerts:read",
});

export const POST = withSession(
  async (req, { user }) => {
    const input = await parseJsonBody(req, calendarEntryInputSchema);
    return jsonResponse({ entry: await createCalendarEntry(db(), input, user.id) }, 201);
  },
  { permission: "settings:manage", action: "manage the business calendar" },
);
