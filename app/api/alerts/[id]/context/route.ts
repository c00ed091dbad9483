// GET /api/alerts/:id/context — the alert's metric around it (3 h before, 1 h after, data time) with
// the baseline band and the forecast interval, for the detail chart.
import { withSession } from "@/app/_server/session";
import { parseRowId } from "@/lib/http/parse-row-id";
import { db } from "@/lib/db/client";
import { getAlertContext } from "@/lib/db/alert-context-queries";
import { pool } from "@/lib/db/pool";
import { jsonResponse, notFound } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession<{ id: string }>(
  async (_req, { params }) => {
    const context = await getAlertContext(db(), pool(), parseRowId(params.id));
    if (!context) throw notFound("Alert");
    return jsonResponse(context);
  },
  { permission: "alerts:read" },
);
