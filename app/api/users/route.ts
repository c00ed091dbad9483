// GET /api/users — list users; POST /api/users — create one. Admins only.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { createUser, listUsers, newUserSchema } from "@/lib/db/user-queries";
import { AppError, jsonResponse, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(async () => jsonResponse({ users: await listUsers(db()) }), {
  permission: "users:manage",
  action: "manage users",
});

export const POST = withSession(
  async (req, { user }) => {
    const input = await parseJsonBody(req, newUserSchema);
    const prisma = db();
    const created = await prisma.$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
        throw new AppError(409, "conflict", "email: a user with this email already exists", "email");
      }
      const u = await createUser(tx, input);
      await tx.auditLog.create({
        data: { actorId: user.id, action: "user.create", entityType: "user", entityId: String(u.id), after: { email: u.email, role: u.role } },
      });
      return u;
    });
    return jsonResponse(created, 201);
  },
  { permission: "users:manage", action: "manage users" },
);
