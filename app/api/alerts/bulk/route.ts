// POST /api/alerts/bulk — set the status of many alerts at once (bulk acknowledge / resolve).
// Body { ids: number[] (≤ 500), status }. Answers which changed and which were skipped and why.
import { withSession } from "@/app/_server/session";
import { bulkTriageSchema } from "@/lib/alerts/alert-triage";
import { triageAlerts } from "@/lib/db/alert-triage-queries";
import { db } from "@/lib/db/client";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const POST = withSession(
  async (req, { user }) => {
    const input = await parseJsonBody(req, bulkTriageSchema);
    return jsonResponse(await triageAlerts(db(), { ids: input.ids, status: input.status, actorId: user.id }));
  },
  { permission: "alerts:triage", action: "triage alerts" },
);
