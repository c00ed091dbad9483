// What each role may do. Viewers see everything and change nothing; analysts triage; admins also
// manage users, thresholds and rules.
import type { UserRole } from "@prisma/client";

export const ROLES = ["viewer", "analyst", "admin"] as const satisfies readonly UserRole[];

const PERMISSIONS = {
  "alerts:read": ["viewer", "analyst", "admin"],
  "alerts:feedback": ["analyst", "admin"],
  "alerts:triage": ["analyst", "admin"],
  "maintenance:manage": ["analyst", "admin"],
  // approve, deny, extend or withdraw a mitigation (a playbook's mode is settings:manage)
  "mitigations:decide": ["analyst", "admin"],
  "settings:manage": ["admin"],
  "users:manage": ["admin"],
} as const satisfies Record<string, readonly UserRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: UserRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly UserRole[]).includes(role);
}
