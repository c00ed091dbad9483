// GET /api/alerts/:id — one alert with its feedback summary and the caller's own verdict.
// PATCH /api/alerts/:id — triage: { status?: open|acknowledged|resolved, assignee?: "me"|null }.
import { withSession } from "@/app/_server/session";
import { parseRowId } from "@/lib/http/parse-row-id";
import { alertPatchSchema } from "@/lib/alerts/alert-triage";
import { triageAlert } from "@/lib/db/alert-triage-queries";
import { db } from "@/lib/db/client";
import { getAlertView } from "@/lib/db/alert-queries";
import { jsonResponse, notFound, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession<{ id: string }>(
  async (_req, { user, params }) => {
    const alert = await getAlertView(db(), parseRowId(params.id), user.id);
    if (!alert) throw notFound("Alert");
    return jsonResponse(alert);
  },
  { permission: "alerts:read" },
);

export const PATCH = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const alertId = parseRowId(params.id);
    const patch = await parseJsonBody(req, alertPatchSchema);
    return jsonResponse(await triageAlert(db(), { alertId, actorId: user.id, patch }));
  },
  { permission: "alerts:triage", action: "triage alerts" },
);
