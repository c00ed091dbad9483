// GET /api/campaigns?limit= — correlated campaigns, most recently active first, with their member alerts summarised.
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import type { CampaignsResponse } from "@/lib/dashboards/campaign-summary";
import { db } from "@/lib/db/client";
import { listCampaignSummaries } from "@/lib/db/campaign-summary-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const GET = withSession(
  async (req) => {
    const { limit } = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    const body: CampaignsResponse = { campaigns: await listCampaignSummaries(db(), limit ?? 50) };
    return jsonResponse(body);
  },
  { permission: "alerts:read" },
);
