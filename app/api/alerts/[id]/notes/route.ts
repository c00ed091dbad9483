// GET /api/alerts/:id/notes — the alert's notes, oldest first.
// POST /api/alerts/:id/notes — add a note { body } (analysts and admins).
import { withSession } from "@/app/_server/session";
import { parseRowId } from "@/lib/http/parse-row-id";
import { alertNoteSchema } from "@/lib/alerts/alert-triage";
import { addAlertNote, listAlertNotes } from "@/lib/db/alert-triage-queries";
import { db } from "@/lib/db/client";
import { jsonResponse, notFound, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession<{ id: string }>(
  async (_req, { params }) => {
    const notes = await listAlertNotes(db(), parseRowId(params.id));
    if (!notes) throw notFound("Alert");
    return jsonResponse({ notes });
  },
  { permission: "alerts:read" },
);

export const POST = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const alertId = parseRowId(params.id);
    const input = await parseJsonBody(req, alertNoteSchema);
    return jsonResponse(await addAlertNote(db(), { alertId, authorId: user.id, body: input.body }), 201);
  },
  { permission: "alerts:triage", action: "write notes on alerts" },
);
