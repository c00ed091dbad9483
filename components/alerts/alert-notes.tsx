"use client";
// The analysts' notes on an alert, oldest first, and a box to add one. Refetched when the live
// stream brings the alert with more notes than are shown (someone else added one).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import type { AlertNoteView } from "@/lib/alerts/alert-triage";
import type { AlertView } from "@/lib/alerts/alert-view";
import { can } from "@/lib/auth/roles";
import { fetchJson } from "@/components/api/fetch-json";
import { useCurrentUser } from "@/components/current-user";
import { asSentence } from "@/components/ui/as-sentence";
import { formatFullTime } from "@/components/ui/format-time";
import { LoadError } from "@/components/ui/load-error";
import { alertQueryKeys } from "./alert-query-keys";

export function AlertNotes({ alert }: { alert: AlertView }) {
  const user = useCurrentUser();
  const allowed = can(user.role, "alerts:triage");
  const queryClient = useQueryClient();
  const key = alertQueryKeys.notes(alert.id);
  const notes = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => fetchJson<{ notes: AlertNoteView[] }>(`/api/alerts/${alert.id}/notes`, { signal }).then((r) => r.notes),
  });
  // A note added elsewhere arrives as an alert.updated event with a higher count: fetch the notes then.
  const shown = notes.data?.length;
  useEffect(() => {
    if (shown !== undefined && alert.noteCount > shown) void queryClient.invalidateQueries({ queryKey: key });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [alert.noteCount, shown]);
  const [body, setBody] = useState("");
  const add = useMutation({
    mutationFn: (text: string) => fetchJson<AlertNoteView>(`/api/alerts/${alert.id}/notes`, { method: "POST", json: { body: text } }),
    onSuccess: (note) => {
      queryClient.setQueryData<AlertNoteView[]>(key, (prev) => (prev?.some((n) => n.id === note.id) ? prev : [...(prev ?? []), note]));
      setBody("");
    },
  });
  const inputId = useId();

  return (
    <section className="panel panel-body stack" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Notes</h2>
      {notes.isPending ? (
        <span className="skeleton" style={{ height: "2rem" }} />
      ) : notes.isError ? (
        <LoadError what="the notes" error={notes.error} onRetry={() => void notes.refetch()} retrying={notes.isFetching} />
      ) : notes.data.length === 0 ? (
        <p className="muted">No notes yet.{allowed ? " Record what you checked so the next shift does not repeat it." : ""}</p>
      ) : (
        <ul className="note-list" data-testid="alert-notes">
          {notes.data.map((n) => (
            <li key={n.id}>
              <span className="note-meta">
                {n.author?.name ?? "Former user"} · {formatFullTime(n.createdAt)}
              </span>
              {n.body}
            </li>
          ))}
        </ul>
      )}
      {allowed ? (
        <form
          className="stack-tight"
          onSubmit={(e) => {
            e.preventDefault();
            if (body.trim()) add.mutate(body.trim());
          }}
        >
          <label htmlFor={inputId}>Add a note</label>
          <textarea id={inputId} className="input" rows={3} maxLength={4000} value={body} onChange={(e) => setBody(e.target.value)} />
          <div>
            <button type="submit" className="button" disabled={!body.trim() || add.isPending}>
              {add.isPending ? "Saving…" : "Add note"}
            </button>
          </div>
          {add.isError ? (
            <p className="form-error" role="alert">
              Could not save the note: {asSentence(add.error.message)}
            </p>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}
