// GET /api/alerts/:id — one alert with its feedback summary and the caller's own verdict.
import { withSession } from "@/app/_server/session";
import { parseAlertId } from "@/lib/alerts/alert-id";
import { db } from "@/lib/db/client";
import { getAlertView } from "@/lib/db/alert-queries";
import { jsonResponse, notFound } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession<{ id: string }>(
  async (_req, { user, params }) => {
    const alert = await getAlertView(db(), parseAlertId(params.id), user.id);
    if (!alert) throw notFound("Alert");
    return jsonResponse(alert);
  },
  { permission: "alerts:read" },
);
