// GET /api/mitigations?alertId=&campaignId=&status=active|open|all&limit= — mitigations newest first
// (an alert's, a campaign's, or all), with MITIGATION_BGP's mode so a dry run says so.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { jsonResponse } from "@/lib/http/app-error";
import { listMitigationsFor, mitigationListQuerySchema } from "@/lib/mitigation/mitigation-service";

export const dynamic = "force-dynamic";

export const GET = withSession(
  async (req) => {
    const query = mitigationListQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse(await listMitigationsFor(db(), query, env().MITIGATION_BGP));
  },
  { permission: "alerts:read" },
);
