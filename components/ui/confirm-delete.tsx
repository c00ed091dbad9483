"use client";
// A delete button that asks first: "Delete" turns into "Delete <what>?" with Confirm / Cancel, so a
// slip of the mouse or keyboard never removes anything. Says what failed if the server refuses.
import { useEffect, useRef, useState } from "react";
import { asSentence } from "./as-sentence";

export function ConfirmDelete({
  what,
  onConfirm,
  disabled = false,
  label = "Delete",
}: {
  /** e.g. "the window “core upgrade”" */
  what: string;
  onConfirm: () => Promise<unknown>;
  disabled?: boolean;
  label?: string;
}) {
  const [state, setState] = useState<"idle" | "asking" | "deleting">("idle");
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (state === "asking") confirmRef.current?.focus();
  }, [state]);

  const confirm = async () => {
    setState("deleting");
    setError(null);
    try {
      await onConfirm();
      setState("idle");
    } catch (err) {
      setError(`Could not delete ${what}: ${asSentence(err instanceof Error ? err.message : String(err))}`);
      setState("asking");
    }
  };

  if (state === "idle") {
    return (
      <button type="button" className="button button-small" disabled={disabled} onClick={() => setState("asking")} aria-label={`${label} ${what}`}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm-delete" role="group" aria-label={`Confirm: ${label.toLowerCase()} ${what}`}>
      <span>{label} {what}?</span>
      <button ref={confirmRef} type="button" className="button button-small button-danger" disabled={state === "deleting"} onClick={() => void confirm()}>
        {state === "deleting" ? "Deleting…" : `Confirm ${label.toLowerCase()}`}
      </button>
      <button type="button" className="button button-small" disabled={state === "deleting"} onClick={() => setState("idle")}>
        Cancel
      </button>
      {error ? (
        <span className="form-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
