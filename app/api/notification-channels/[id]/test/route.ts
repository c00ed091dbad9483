// POST /api/notification-channels/:id/test — sends a `test` event through the channel now and answers
// with the outcome ({ ok, status, error, deliveryId }); recorded in its history and audited. Admins.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { env, publicUrl } from "@/lib/env";
import { jsonResponse } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";
import { testChannel } from "@/lib/notify/deliver";

export const dynamic = "force-dynamic";

export const POST = withSession<{ id: string }>(
  async (_req, { user, params }) => {
    const id = parseRowId(params.id);
    return jsonResponse(await testChannel(db(), { channelId: id, actorId: user.id, baseUrl: publicUrl(env()) }));
  },
  { permission: "settings:manage", action: "test notification channels" },
);
