import type { UserRef } from "../alerts/settings-views";
import type { DbClient } from "./client";

/** Names of the given users by id (for "created by" columns without a relation), missing ids left out. */
export async function userRefs(db: DbClient, ids: readonly (number | null)[]): Promise<Map<number, UserRef>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  const users = await db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
  return new Map(users.map((u) => [u.id, u]));
}
