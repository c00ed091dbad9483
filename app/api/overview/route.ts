// GET /api/overview — the Overview page's panels: open alerts by type, alerts per hour (last 24 h),
// false-positive rate from verdicts (last 7 days) and ingest health (collectors, records/s, last data per device).
import { withSession } from "@/app/_server/session";
import type { OverviewView } from "@/lib/dashboards/overview-view";
import { db } from "@/lib/db/client";
import { overview } from "@/lib/db/overview-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(
  async () => {
    const body: OverviewView = await overview(db(), new Date());
    return jsonResponse(body);
  },
  { permission: "alerts:read" },
);
