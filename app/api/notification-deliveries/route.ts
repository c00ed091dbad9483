// GET /api/notification-deliveries?channelId=|alertId=|campaignId=&limit= — where notifications went,
// when, and the outcome, newest first. Everyone may see where an alert was sent; the receivers' error
// texts are for admins.
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { listDeliveries } from "@/lib/db/notification-channel-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const id = z.coerce.number().int().positive().max(2_147_483_647).optional();
const querySchema = z.object({ channelId: id, alertId: id, campaignId: id, limit: z.coerce.number().int().min(1).max(200).optional() });

export const GET = withSession(async (req, { user }) => {
  const query = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  const deliveries = await listDeliveries(db(), query);
  const admin = can(user.role, "settings:manage");
  return jsonResponse({ deliveries: admin ? deliveries : deliveries.map((d) => ({ ...d, lastError: null })) });
});
