// PATCH /api/users/:id — change a user's role { role } (not their own), disable/enable them
// { disabled }, or set their password { password } (admins). Disabling or a new password ends every
// session of theirs at once.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { changeUserAccess, changeUserRole, findListedUser, userAccessPatchSchema } from "@/lib/db/user-queries";
import { jsonResponse, notFound, parseJsonBody } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

export const PATCH = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const id = parseRowId(params.id);
    const { role, disabled, password } = await parseJsonBody(req, userAccessPatchSchema);
    if (role !== undefined && !(await changeUserRole(db(), { id, role, actorId: user.id }))) throw notFound("User");
    if (disabled !== undefined || password !== undefined) {
      if (!(await changeUserAccess(db(), { id, actorId: user.id, disabled, password }))) throw notFound("User");
    }
    const changed = await findListedUser(db(), id);
    if (!changed) throw notFound("User");
    return jsonResponse(changed);
  },
  { permission: "users:manage", action: "manage users" },
);
