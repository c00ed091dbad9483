// POST /api/alerts/:id/feedback — record the caller's verdict (analysts and admins).
import { withSession } from "@/app/_server/session";
import { parseAlertId } from "@/lib/alerts/alert-id";
import { feedbackInputSchema, recordFeedback } from "@/lib/alerts/record-feedback";
import { db } from "@/lib/db/client";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const POST = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const alertId = parseAlertId(params.id);
    const input = await parseJsonBody(req, feedbackInputSchema);
    return jsonResponse(await recordFeedback(db(), { alertId, userId: user.id, ...input }));
  },
  { permission: "alerts:feedback", action: "give feedback on alerts" },
);
