// POST /api/alerts/:id/feedback — record the caller's verdict (analysts and admins).
import { withSession } from "@/app/_server/session";
import { parseRowId } from "@/lib/http/parse-row-id";
import { feedbackInputSchema } from "@/lib/alerts/record-feedback";
import { recordFeedback } from "@/lib/db/feedback-queries";
import { db } from "@/lib/db/client";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const POST = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const alertId = parseRowId(params.id);
    const input = await parseJsonBody(req, feedbackInputSchema);
    return jsonResponse(await recordFeedback(db(), { alertId, userId: user.id, ...input }));
  },
  { permission: "alerts:feedback", action: "give feedback on alerts" },
);
