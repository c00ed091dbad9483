// GET /api/users — list users; POST /api/users — create one (audited). Admins only.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { addUser, listUsers, newUserSchema } from "@/lib/db/user-queries";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(async () => jsonResponse({ users: await listUsers(db()) }), {
  permission: "users:manage",
  action: "manage users",
});

export const POST = withSession(
  async (req, { user }) => {
    const input = await parseJsonBody(req, newUserSchema);
    return jsonResponse(await addUser(db(), input, user.id), 201);
  },
  { permission: "users:manage", action: "manage users" },
);
