"use client";
// Email + password login through next-auth's credentials provider, posted the way next-auth's signIn()
// posts it (CSRF token, then the credentials callback), but reading the answer ourselves so that a
// throttled address (429, Retry-After) or a busy server (503) is told so instead of "wrong password".
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

export function LoginForm({ callbackUrl }: { callbackUrl?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    try {
      const problem = await signInWithPassword(email, password);
      if (problem) {
        setError(problem);
        setPending(false);
        return;
      }
      router.replace(safeCallbackPath(callbackUrl));
      router.refresh();
    } catch {
      setError("Could not reach the server. Try again.");
      setPending(false);
    }
  };

  return (
    <form className="login-form" onSubmit={onSubmit}>
      <div className="field">
        <label htmlFor="login-email">Email</label>
        <input
          id="login-email"
          className="input"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "login-error" : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          className="input"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "login-error" : undefined}
        />
      </div>
      {error ? (
        <p id="login-error" className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? "Logging in…" : "Log in"}
      </button>
    </form>
  );
}

/** Only a path on this site (next-auth may pass an absolute URL); anything else goes to "/". */
function safeCallbackPath(callbackUrl: string | undefined): string {
  if (!callbackUrl) return "/";
  try {
    const url = new URL(callbackUrl, window.location.origin);
    if (url.origin !== window.location.origin || url.pathname.startsWith("/login")) return "/";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}

/** Null when signed in (the session cookie is set), otherwise what to tell the user. */
async function signInWithPassword(email: string, password: string): Promise<string | null> {
  const { csrfToken } = (await (await fetch("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password, csrfToken, json: "true" }),
  });
  if (res.status === 429) {
    const seconds = Number(res.headers.get("retry-after"));
    const wait = seconds > 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds || 60} seconds`;
    return `Too many failed log-ins from here. Try again in ${wait}.`;
  }
  if (res.status === 503) return "The server is busy. Try again in a moment.";
  const body = (await res.json().catch(() => null)) as { url?: string } | null;
  const error = body?.url ? new URL(body.url, window.location.origin).searchParams.get("error") : "missing";
  if (error === "Busy") return "The server is busy. Try again in a moment.";
  if (!res.ok || error) return "Wrong email or password";
  return null;
}
