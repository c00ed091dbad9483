// POST /api/users/:id/revoke-sessions — end every session of a user at once (admins; audited).
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { revokeUserSessions } from "@/lib/db/user-queries";
import { jsonResponse, notFound } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

export const POST = withSession<{ id: string }>(
  async (_req, { user, params }) => {
    const id = parseRowId(params.id);
    if (!(await revokeUserSessions(db(), { id, actorId: user.id }))) throw notFound("User");
    return jsonResponse({ revoked: true });
  },
  { permission: "users:manage", action: "manage users" },
);
