// Users: creation (seed, admin tools, tests) and the look-ups authentication needs.
import { z } from "zod";
import type { UserRole } from "@prisma/client";
import { hashPassword } from "../auth/password";
import { AppError } from "../http/app-error";
import { recordAudit } from "./audit-queries";
import type { DbClient } from "./client";
import { inTransaction } from "./in-transaction";

export const newUserSchema = z.strictObject({
  email: z.email().transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(100),
  role: z.enum(["viewer", "analyst", "admin"]),
  password: z.string().min(8).max(200),
});

export type NewUser = z.input<typeof newUserSchema>;

export interface PublicUser {
  id: number;
  email: string;
  name: string;
  role: UserRole;
}

export async function createUser(db: DbClient, input: NewUser): Promise<PublicUser> {
  const data = newUserSchema.parse(input);
  const passwordHash = await hashPassword(data.password);
  return db.user.create({
    data: { email: data.email, name: data.name, role: data.role, passwordHash },
    select: { id: true, email: true, name: true, role: true },
  });
}

export function findUserForLogin(db: DbClient, email: string) {
  return db.user.findUnique({
    where: { email: email.toLowerCase() },
    select: { id: true, email: true, name: true, role: true, passwordHash: true },
  });
}

export function findUserById(db: DbClient, id: number): Promise<PublicUser | null> {
  return db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true } });
}

export function listUsers(db: DbClient): Promise<(PublicUser & { createdAt: Date })[]> {
  return db.user.findMany({
    orderBy: { id: "asc" },
    select: { id: true, email: true, name: true, role: true, createdAt: true },
  });
}

export const userRolePatchSchema = z.strictObject({ role: z.enum(["viewer", "analyst", "admin"]) });

/**
 * Changes a user's role, audited. An admin cannot change their own role, so the last admin can never
 * lock everyone out of user management. Null when the user does not exist.
 */
export async function changeUserRole(
  db: DbClient,
  args: { id: number; role: UserRole; actorId: number },
): Promise<PublicUser | null> {
  if (args.id === args.actorId) throw new AppError(409, "conflict", "role: you cannot change your own role; ask another admin", "role");
  return inTransaction(db, async (tx) => {
    const before = await tx.user.findUnique({ where: { id: args.id }, select: { role: true } });
    if (!before) return null;
    const user = await tx.user.update({ where: { id: args.id }, data: { role: args.role }, select: { id: true, email: true, name: true, role: true } });
    await recordAudit(tx, { actorId: args.actorId, action: "user.role", entityType: "user", entityId: args.id, before, after: { role: args.role } });
    return user;
  });
}
