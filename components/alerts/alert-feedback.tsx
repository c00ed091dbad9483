"use client";
// The analyst's verdict on an alert: two toggle buttons (aria-pressed marks the current user's
// verdict), an optional note, the team's counts, and a clear message when the server refuses.
import { useId, useState } from "react";
import type { AlertView } from "@/lib/alerts/alert-view";
import { can } from "@/lib/auth/roles";
import { useCurrentUser } from "@/components/current-user";
import { asSentence } from "@/components/ui/as-sentence";
import { agreementSummary, feedbackSummary } from "./feedback-summary";
import { useAlertFeedback, type Verdict } from "./use-alert-feedback";

const VERDICT_LABELS: Record<Verdict, string> = {
  true_positive: "True positive",
  false_positive: "False positive",
};

export function AlertFeedback({ alert }: { alert: AlertView }) {
  const user = useCurrentUser();
  const allowed = can(user.role, "alerts:feedback");
  const feedback = useAlertFeedback();
  const [note, setNote] = useState("");
  const noteId = useId();
  const mine = alert.feedback.mine;

  const give = (verdict: Verdict) => {
    if (!allowed || feedback.isPending) return;
    const trimmed = note.trim();
    feedback.mutate({ alertId: alert.id, verdict, ...(trimmed ? { note: trimmed } : {}) }, { onSuccess: () => setNote("") });
  };

  return (
    <section className="panel feedback panel-body" aria-labelledby="feedback-heading">
      <h2 id="feedback-heading">Verdict</h2>
      <p className="muted" data-testid="feedback-counts">
        {feedbackSummary(alert.feedback)}
      </p>
      <p className="faint" data-testid="feedback-agreement">
        {agreementSummary(alert.feedback)}
      </p>
      <div className="feedback-buttons" role="group" aria-label="Your verdict" aria-busy={feedback.isPending}>
        {(Object.keys(VERDICT_LABELS) as Verdict[]).map((verdict) => (
          <button
            key={verdict}
            type="button"
            className="button"
            aria-pressed={mine === verdict}
            disabled={!allowed}
            onClick={() => give(verdict)}
          >
            {VERDICT_LABELS[verdict]}
          </button>
        ))}
      </div>
      {allowed ? (
        <div className="field">
          <label htmlFor={noteId}>Note (optional)</label>
          <input
            id={noteId}
            className="input"
            type="text"
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="Why? e.g. scheduled backup"
          />
        </div>
      ) : (
        <p className="muted">Viewers cannot give feedback</p>
      )}
      <p className="my-verdict" data-testid="my-verdict" aria-live="polite">
        {mine ? `Your verdict: ${VERDICT_LABELS[mine]}` : "You have not given a verdict yet."}
      </p>
      {feedback.isError ? (
        <p className="form-error" role="alert">
          Could not record your verdict: {asSentence(feedback.error.message)}
        </p>
      ) : null}
    </section>
  );
}
