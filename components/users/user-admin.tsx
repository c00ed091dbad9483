"use client";
// User management for admins: everyone with their role (changed in place, audited), their access
// (disable/enable, set a password, sign them out everywhere: each ends their sessions at once), and a
// form to add a user. An admin cannot change their own role or disable themselves (the API refuses
// too), so nobody locks the team out.
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

type ListedUser = PublicUser & { createdAt: string; disabled: boolean };
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
                  <th scope="col">Access</th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id} data-testid="user-row" data-email={u.email} data-disabled={u.disabled ? "true" : undefined}>
                    <th scope="row">
                      {u.name}
                      {u.disabled ? <span className="faint"> (disabled)</span> : null}
                    </th>
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
                    <td>
                      <UserAccess user={u} isMe={u.id === me.id} onChanged={() => void queryClient.invalidateQueries({ queryKey: USERS_KEY })} />
                    </td>
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

/** Disable/enable, set a password, sign out everywhere: each takes effect on the user's next request. */
function UserAccess({ user, isMe, onChanged }: { user: ListedUser; isMe: boolean; onChanged: () => void }) {
  const passwordId = useId();
  const [password, setPassword] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (body: { disabled?: boolean; password?: string }) => fetchJson<ListedUser>(`/api/users/${user.id}`, { method: "PATCH", json: body }),
    onSuccess: (_r, body) => {
      setPassword(null);
      setDone(body.password !== undefined ? "Password set; their sessions ended." : body.disabled ? "Disabled; their sessions ended." : "Enabled.");
      onChanged();
    },
  });
  const revoke = useMutation({
    mutationFn: () => fetchJson<{ revoked: true }>(`/api/users/${user.id}/revoke-sessions`, { method: "POST" }),
    onSuccess: () => setDone(isMe ? "Signed out everywhere, here too." : "Signed out everywhere."),
  });
  const busy = change.isPending || revoke.isPending;
  const error = change.error ?? revoke.error;
  return (
    <div className="stack" style={{ gap: "0.35rem" }}>
      <div style={{ display: "flex", gap: "0.35rem", flexWrap: "wrap" }}>
        <button
          type="button"
          className="button"
          disabled={busy || (isMe && !user.disabled)}
          title={isMe ? "You cannot disable yourself" : undefined}
          onClick={() => change.mutate({ disabled: !user.disabled })}
        >
          {user.disabled ? "Enable" : "Disable"}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => setPassword(password === null ? "" : null)}>
          Set password
        </button>
        <button type="button" className="button" disabled={busy || user.disabled} onClick={() => revoke.mutate()}>
          Sign out everywhere
        </button>
      </div>
      {password !== null ? (
        <form
          style={{ display: "flex", gap: "0.35rem" }}
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate({ password });
          }}
        >
          <label htmlFor={passwordId} className="visually-hidden">
            New password for {user.name}
          </label>
          <input
            id={passwordId}
            className="input"
            type="password"
            autoComplete="new-password"
            placeholder="New password (8+ characters)"
            required
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="button button-primary" disabled={busy}>
            Save
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {asSentence(error.message)}
        </p>
      ) : done ? (
        <p className="settings-saved" role="status">
          {done}
        </p>
      ) : null}
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
