"use client";
// Unexpected errors while rendering a signed-in page: say so, keep the navigation, offer a retry.

export default function SignedInError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = typeof error === "object" && error !== null ? (error as { digest?: unknown }).digest : undefined;
  return (
    <div className="page">
      <div className="panel empty-state" role="alert">
        <h1>Something went wrong</h1>
        <p>This page could not be shown. Try again; if it keeps failing, tell an admin.</p>
        {typeof digest === "string" ? <p className="faint mono">Reference: {digest}</p> : null}
        <p>
          <button type="button" className="button" onClick={() => retry()}>
            Try again
          </button>
        </p>
      </div>
    </div>
  );
}
