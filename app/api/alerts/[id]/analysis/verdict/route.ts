// POST /api/alerts/:id/analysis/verdict — the caller agrees or disagrees with the newest AI analysis
// { agree: boolean } (analysts and admins; audited).
import { withSession } from "@/app/_server/session";
import { aiVerdictInputSchema, getAlertAnalysis, triageSettingsFromEnv } from "@/lib/ai/triage-service";
import { recordAiVerdict } from "@/lib/db/ai-analysis-queries";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { jsonResponse, notFound, parseJsonBody } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

export const POST = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const alertId = parseRowId(params.id);
    const input = await parseJsonBody(req, aiVerdictInputSchema);
    if (!(await recordAiVerdict(db(), { alertId, userId: user.id, agree: input.agree }))) throw notFound("AI analysis");
    return jsonResponse(await getAlertAnalysis(db(), triageSettingsFromEnv(env()), alertId, user.id));
  },
  { permission: "alerts:feedback", action: "judge AI analyses" },
);
