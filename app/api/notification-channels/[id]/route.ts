// PATCH /api/notification-channels/:id — change name, config, secret (null removes it), filter,
// escalation or enabled (pause/resume); DELETE — remove the channel and its history. Admins; audited.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { deleteChannel, updateChannel } from "@/lib/db/notification-channel-queries";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";
import { channelPatchSchema } from "@/lib/notify/channel-input";

export const dynamic = "force-dynamic";

export const PATCH = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const id = parseRowId(params.id);
    const patch = await parseJsonBody(req, channelPatchSchema);
    return jsonResponse({ channel: await updateChannel(db(), id, patch, user.id) });
  },
  { permission: "settings:manage", action: "manage notification channels" },
);

export const DELETE = withSession<{ id: string }>(
  async (_req, { user, params }) => {
    const id = parseRowId(params.id);
    await deleteChannel(db(), id, user.id);
    return jsonResponse({ id, deleted: true });
  },
  { permission: "settings:manage", action: "manage notification channels" },
);
