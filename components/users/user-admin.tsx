"use client";
// User management for admins: everyone with their role (changed in place, audited), and a form to add
// a user. An admin cannot change their own role (the API refuses too), so nobody locks the team out.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { ROLES } from "@/lib/auth/roles";
import type { PublicUser } from "@/lib/db/user-queries";
import { ApiError } from "@/components/api/api-error";
import { fetchJson } from "@/components/api/fetch-json";
import { useCurrentUser } from "@/components/current-user";
import { asSentence } from "@/components/ui/as-sentence";
import { formatFullTime } from "@/components/ui/format-time";
import { LoadError } from "@/components/ui/load-error";

type ListedUser = PublicUser & { createdAt: string };
const USERS_KEY = ["users"] as const;

const ROLE_HELP: Record<(typeof ROLES)[number], string> = {
  viewer: "sees everything, changes nothing",
  analyst: "triages alerts, gives verdicts, schedules maintenance",
  admin: "also manages users, thresholds and rules",
};

export function UserAdmin() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: USERS_KEY,
    queryFn: ({ signal }) => fetchJson<{ users: ListedUser[] }>("/api/users", { signal }).then((r) => r.users),
  });
  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: number; role: string }) => fetchJson<PublicUser>(`/api/users/${id}`, { method: "PATCH", json: { role } }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: USERS_KEY }),
  });

  return (
    <div className="stack">
      <section className="panel" aria-labelledby="users-heading">
        <div className="panel-header">
          <h2 id="users-heading">Users</h2>
          {users.data ? <span className="faint">{users.data.length === 1 ? "1 user" : `${users.data.length} users`}</span> : null}
        </div>
        {users.isPending ? (
          <div className="panel-body stack" aria-busy="true" aria-label="Loading users">
            {Array.from({ length: 3 }, (_, i) => (
              <span key={i} className="skeleton" style={{ height: "1.6rem" }} />
            ))}
          </div>
        ) : users.isError ? (
          <LoadError what="the users" error={users.error} onRetry={() => void users.refetch()} retrying={users.isFetching} />
        ) : (
          <div className="table-wrap">
            <table className="alert-table" data-testid="user-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id} data-testid="user-row" data-email={u.email}>
                    <th scope="row">{u.name}</th>
                    <td className="mono">{u.email}</td>
                    <td>
                      <select
                        className="input"
                        aria-label={`Role of ${u.name}`}
                        value={u.role}
                        disabled={u.id === me.id || changeRole.isPending}
                        title={u.id === me.id ? "You cannot change your own role" : undefined}
                        onChange={(e) => changeRole.mutate({ id: u.id, role: e.target.value })}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{formatFullTime(u.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {changeRole.isError ? (
          <p className="form-error panel-body" role="alert">
            Could not change the role: {asSentence(changeRole.error.message)}
          </p>
        ) : null}
      </section>
      <NewUserForm onCreated={() => void queryClient.invalidateQueries({ queryKey: USERS_KEY })} />
    </div>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const ids = { name: useId(), email: useId(), role: useId(), password: useId() };
  const [form, setForm] = useState({ name: "", email: "", role: "analyst", password: "" });
  const create = useMutation({
    mutationFn: () => fetchJson<PublicUser>("/api/users", { method: "POST", json: form }),
    onSuccess: () => {
      setForm({ name: "", email: "", role: "analyst", password: "" });
      onCreated();
    },
  });
  const problem = create.error instanceof ApiError ? create.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="panel panel-body stack" aria-labelledby="new-user-heading">
      <h2 id="new-user-heading">Add a user</h2>
      <form className="settings-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.name}>Name</label>
          <input id={ids.name} className="input" required maxLength={100} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={ids.email}>Email</label>
          <input id={ids.email} className="input" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} className="input" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}: {ROLE_HELP[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.password}>Initial password (at least 8 characters)</label>
          <input
            id={ids.password}
            className="input"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </div>
        <div>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add user"}
          </button>
        </div>
        {problem ? (
          <p className="form-error" role="alert">
            Could not add the user: {asSentence(problem.message)}
          </p>
        ) : null}
        {create.isSuccess ? <p className="settings-saved" role="status">User added.</p> : null}
      </form>
    </section>
  );
}
