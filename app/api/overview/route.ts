// GET /api/overview — the Overview page's panels: open alerts by type, alerts per hour (last 24 h),
// false-positive rate from verdicts (last 7 days), ingest health (collectors, records/s, last data per device)
// and today's AI triage spend against its budget.
import { withSession } from "@/app/_server/session";
import type { OverviewView } from "@/lib/dashboards/overview-view";
import { db } from "@/lib/db/client";
import { overview } from "@/lib/db/overview-queries";
import { jsonResponse } from "@/lib/http/app-error";
import { aiSpendView, triageSettingsFromEnv } from "@/lib/ai/triage-service";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

export const GET = withSession(
  async () => {
    const now = new Date();
    const [base, aiSpend] = await Promise.all([overview(db(), now), aiSpendView(db(), triageSettingsFromEnv(env()), now)]);
    const body: OverviewView = { ...base, aiSpend };
    return jsonResponse(body);
  },
  { permission: "alerts:read" },
);
