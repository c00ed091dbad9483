// An admin takes a user's access away from the users page: the user's open session is refused at once,
// and a guesser at the login endpoint is answered 429 after ten failures.
import http from "node:http";
import { expect, request as newRequest, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createUserAsAdmin, logInWithApi, logInWithForm } from "./session";

const ANALYST = { email: "disable.me@example.test", name: "Dana Disabled", role: "analyst" as const, password: "analyst-password-3" };

test("an admin disables a user on the users page and the user's open session gets 401 at once", async ({ page, baseURL }) => {
  const user = await newRequest.newContext({ baseURL });
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await createUserAsAdmin(admin, ANALYST);
  await admin.dispose();
  await logInWithApi(user, ANALYST.email, ANALYST.password);
  expect((await user.get("/api/alerts?limit=1")).status()).toBe(200);

  await logInWithForm(page);
  await page.goto("/users");
  const row = page.locator(`[data-testid="user-row"][data-email="${ANALYST.email}"]`);
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByRole("status")).toHaveText("Disabled; their sessions ended.");
  await expect(row).toHaveAttribute("data-disabled", "true");

  expect((await user.get("/api/alerts?limit=1")).status()).toBe(401);

  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row).not.toHaveAttribute("data-disabled", "true");
  // enabling does not bring the old session back; signing in again works
  expect((await user.get("/api/alerts?limit=1")).status()).toBe(401);
  await logInWithApi(user, ANALYST.email, ANALYST.password);
  expect((await user.get("/api/alerts?limit=1")).status()).toBe(200);
  await user.dispose();
});

test("the login endpoint answers 429 with Retry-After after ten failures from one address, whatever the password", async ({ baseURL }) => {
  // The guesser connects from another loopback address (127.0.0.2; the other specs come from 127.0.0.1
  // or ::1), so only it is locked out.
  const port = Number(new URL(baseURL!).port);
  const send = (method: string, path: string, cookie: string, body?: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, path, method, localAddress: "127.0.0.2", headers: { cookie, ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) } },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const statuses: number[] = [];
  let retryAfter = NaN;
  for (let i = 0; i < 11; i++) {
    const csrf = await send("GET", "/api/auth/csrf", "");
    const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    const password = i === 10 ? ADMIN_PASSWORD : `guess-${i}`;
    const res = await send("POST", "/api/auth/callback/credentials", cookie, new URLSearchParams({ csrfToken, email: ADMIN_EMAIL, password, json: "true" }).toString());
    statuses.push(res.status);
    if (res.status === 429) retryAfter = Number(res.headers["retry-after"]);
  }
  expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true);
  // the right password does not help this address now
  expect(statuses[10]).toBe(429);
  expect(retryAfter).toBeGreaterThan(14 * 60);

  // while the admin still signs in from here
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.dispose();
});
