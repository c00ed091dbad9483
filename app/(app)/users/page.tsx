import type { Metadata } from "next";
import { currentUser } from "@/app/_server/session";
import { can } from "@/lib/auth/roles";
import { UserAdmin } from "@/components/users/user-admin";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await currentUser();
  const allowed = user !== null && can(user.role, "users:manage");
  return (
    <div className="page">
      <header className="page-header">
        <h1>Users</h1>
        <p className="page-subtitle">Who may see and change what: viewers see everything, analysts triage, admins also manage users and settings.</p>
      </header>
      {allowed ? (
        <UserAdmin />
      ) : (
        <div className="panel empty-state" data-testid="users-forbidden">
          <strong>Only admins manage users.</strong>
          <span>Ask an admin to add a colleague or change a role.</span>
        </div>
      )}
    </div>
  );
}
