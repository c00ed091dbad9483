// GET /api/alerts/:id/analysis — the alert's newest AI analysis, or why there is none (viewers and up).
// POST /api/alerts/:id/analysis — ask for a fresh analysis now, within the day's budget (analysts and up).
import { withSession } from "@/app/_server/session";
import { aiRequestInputSchema, getAlertAnalysis, triageAlert, triageSettingsFromEnv } from "@/lib/ai/triage-service";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

export const GET = withSession<{ id: string }>(
  async (_req, { user, params }) => jsonResponse(await getAlertAnalysis(db(), triageSettingsFromEnv(env()), parseRowId(params.id), user.id)),
  { permission: "alerts:read" },
);

export const POST = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const alertId = parseRowId(params.id);
    await parseJsonBody(req, aiRequestInputSchema);
    const settings = triageSettingsFromEnv(env());
    await triageAlert(db(), settings, alertId, { requestedById: user.id, now: () => new Date(), useCache: false });
    return jsonResponse(await getAlertAnalysis(db(), settings, alertId, user.id));
  },
  { permission: "alerts:triage", action: "request AI analyses" },
);
