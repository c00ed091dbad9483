"use client";
import { asSentence } from "./as-sentence";

/** What failed to load and why, with a retry: the error state of a dashboard panel. */
export function LoadError({
  what,
  error,
  onRetry,
  retrying = false,
}: {
  what: string;
  error: Error;
  onRetry: () => void;
  retrying?: boolean;
}) {
  return (
    <div className="empty-state" role="alert">
      <strong>Could not load {what}.</strong>
      <span>{asSentence(error.message)}</span>
      <p>
        <button type="button" className="button" onClick={onRetry} disabled={retrying}>
          {retrying ? "Trying again…" : "Try again"}
        </button>
      </p>
    </div>
  );
}
