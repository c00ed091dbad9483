// Logging in as a user would (the login form) and as a script would (next-auth's credentials
// callback), for tests that need a session.
import { expect, type APIRequestContext, type Page } from "@playwright/test";

/** Options for a bodyless API write: writes are JSON, bodyless ones too (the API answers 415 otherwise). */
export const JSON_WRITE = { headers: { "content-type": "application/json" } };

export const ADMIN_EMAIL = "admin@tidewatch.local";
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password";

export async function logInWithForm(page: Page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export async function logInWithApi(request: APIRequestContext, email: string, password: string): Promise<void> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const session = await (await request.get("/api/auth/session")).json();
  expect(session?.user?.email).toBe(email);
}

export async function createUserAsAdmin(
  request: APIRequestContext,
  user: { email: string; name: string; role: "viewer" | "analyst" | "admin"; password: string },
): Promise<void> {
  const res = await request.post("/api/users", { data: user });
  expect([201, 409]).toContain(res.status());
}
