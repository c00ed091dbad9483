// PATCH /api/users/:id — change a user's role { role } (admins; not their own role).
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { changeUserRole, userRolePatchSchema } from "@/lib/db/user-queries";
import { jsonResponse, notFound, parseJsonBody } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

export const PATCH = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const id = parseRowId(params.id);
    const { role } = await parseJsonBody(req, userRolePatchSchema);
    const changed = await changeUserRole(db(), { id, role, actorId: user.id });
    if (!changed) throw notFound("User");
    return jsonResponse(changed);
  },
  { permission: "users:manage", action: "manage users" },
);
