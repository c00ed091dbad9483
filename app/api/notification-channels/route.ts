// GET /api/notification-channels — admins get every channel with its config, filter and health (never
// its secret, only hasSecret) plus the kinds they can add; others see names, kinds and health only.
// POST — add a channel (admins; audited).
import { withSession } from "@/app/_server/session";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { createChannel, listChannels } from "@/lib/db/notification-channel-queries";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";
import { newChannelSchema } from "@/lib/notify/channel-input";
import { CHANNEL_KINDS, CHANNEL_REGISTRY } from "@/lib/notify/registry";

export const dynamic = "force-dynamic";

export const GET = withSession(async (_req, { user }) => {
  if (!can(user.role, "settings:manage")) return jsonResponse({ channels: await listChannels(db(), { admin: false }) });
  const kinds = CHANNEL_KINDS.map((kind) => ({ kind, label: CHANNEL_REGISTRY[kind].label, secret: CHANNEL_REGISTRY[kind].secret }));
  return jsonResponse({ channels: await listChannels(db(), { admin: true }), kinds });
});

export const POST = withSession(
  async (req, { user }) => {
    const input = await parseJsonBody(req, newChannelSchema);
    return jsonResponse({ channel: await createChannel(db(), input, user.id) }, 201);
  },
  { permission: "settings:manage", action: "manage notification channels" },
);
