// Users: creation (seed, admin tools, tests), the look-ups authentication needs, and what admins change
// (role, password, disabled, revoking sessions; all audited).
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
    select: { id: true, email: true, name: true, role: true, passwordHash: true, disabled: true, sessionVersion: true },
  });
}

export function findUserById(db: DbClient, id: number): Promise<PublicUser | null> {
  return db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true } });
}

/**
 * The user a session token names, when that session is still valid: the user exists, is not disabled
 * and the token carries the user's current session version (tokens from before the versions existed
 * carry none and count as version 0). Read on every request, so a revoke takes effect at once.
 */
export async function findSessionUser(db: DbClient, id: number, sessionVersion: number | undefined): Promise<PublicUser | null> {
  const row = await db.user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, disabled: true, sessionVersion: true },
  });
  if (!row || row.disabled || row.sessionVersion !== (sessionVersion ?? 0)) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

export type ListedUser = PublicUser & { createdAt: Date; disabled: boolean };

export function listUsers(db: DbClient): Promise<ListedUser[]> {
  return db.user.findMany({
    orderBy: { id: "asc" },
    select: { id: true, email: true, name: true, role: true, createdAt: true, disabled: true },
  });
}

export function findListedUser(db: DbClient, id: number): Promise<ListedUser | null> {
  return db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, createdAt: true, disabled: true } });
}

/** Creates a user (409 when the email is taken), audited. */
export async function addUser(db: DbClient, input: NewUser, actorId: number): Promise<PublicUser> {
  return inTransaction(db, async (tx) => {
    const email = input.email.toLowerCase();
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) {
      throw new AppError(409, "conflict", "email: a user with this email already exists", "email");
    }
    const u = await createUser(tx, input);
    await recordAudit(tx, { actorId, action: "user.create", entityType: "user", entityId: u.id, after: { email: u.email, role: u.role } });
    return u;
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

export const userAccessPatchSchema = z
  .strictObject({
    role: z.enum(["viewer", "analyst", "admin"]).optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(8).max(200).optional(),
  })
  .refine((p) => p.role !== undefined || p.disabled !== undefined || p.password !== undefined, { message: "give role, disabled or password" });

/**
 * Disables/enables a user or sets their password, audited (never the password itself). Either ends
 * every session of theirs (the session version moves on). An admin cannot disable themselves.
 * Null when the user does not exist.
 */
export async function changeUserAccess(
  db: DbClient,
  args: { id: number; actorId: number; disabled?: boolean; password?: string },
): Promise<ListedUser | null> {
  if (args.disabled === true && args.id === args.actorId) {
    throw new AppError(409, "conflict", "disabled: you cannot disable yourself; ask another admin", "disabled");
  }
  const passwordHash = args.password === undefined ? undefined : await hashPassword(args.password);
  return inTransaction(db, async (tx) => {
    const before = await tx.user.findUnique({ where: { id: args.id }, select: { disabled: true } });
    if (!before) return null;
    const user = await tx.user.update({
      where: { id: args.id },
      // re-enabling a user does not bring back the sessions that disabling ended
      data: { disabled: args.disabled, passwordHash, ...(args.disabled === true || passwordHash !== undefined ? { sessionVersion: { increment: 1 } } : {}) },
      select: { id: true, email: true, name: true, role: true, createdAt: true, disabled: true },
    });
    if (args.disabled !== undefined && args.disabled !== before.disabled) {
      await recordAudit(tx, { actorId: args.actorId, action: args.disabled ? "user.disable" : "user.enable", entityType: "user", entityId: args.id, before, after: { disabled: args.disabled } });
    }
    if (passwordHash !== undefined) {
      await recordAudit(tx, { actorId: args.actorId, action: "user.password", entityType: "user", entityId: args.id });
    }
    return user;
  });
}

/** Ends every session of a user at once (they must sign in again), audited. False when no such user. */
export async function revokeUserSessions(db: DbClient, args: { id: number; actorId: number }): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const res = await tx.user.updateMany({ where: { id: args.id }, data: { sessionVersion: { increment: 1 } } });
    if (res.count === 0) return false;
    await recordAudit(tx, { actorId: args.actorId, action: "user.revoke_sessions", entityType: "user", entityId: args.id });
    return true;
  });
}
