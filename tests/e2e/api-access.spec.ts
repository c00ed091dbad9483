// Every API route needs a session (401 JSON, never a redirect); roles are enforced (403 JSON).
import { expect, request as newRequest, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createUserAsAdmin, logInWithApi } from "./session";

const VIEWER = { email: "viewer.e2e@example.test", name: "Vera Viewer", role: "viewer" as const, password: "viewer-password-1" };

test("health answers without a session and reports database and worker", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: "ok", db: "up" });
  expect(["up", "down"]).toContain(body.worker);
  expect(typeof body.version).toBe("string");
});

test("requests without a session get 401 JSON, not a login page", async ({ request }) => {
  for (const [method, path] of [
    ["GET", "/api/alerts"],
    ["GET", "/api/alerts/1"],
    ["GET", "/api/alerts/counts"],
    ["GET", "/api/stream"],
    ["GET", "/api/users"],
    ["POST", "/api/alerts/1/feedback"],
    ["POST", "/api/users"],
  ] as const) {
    const res = await request.fetch(path, { method, data: method === "POST" ? { verdict: "true_positive" } : undefined, maxRedirects: 0 });
    expect(res.status(), `${method} ${path}`).toBe(401);
    expect(res.headers()["content-type"], `${method} ${path}`).toContain("application/json");
    expect((await res.json()).error.code).toBe("unauthorized");
  }
});

test("pages without a session send the browser to the login page", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/alerts/1");
  await expect(page).toHaveURL(/\/login/);
});

test("a viewer can read but not change anything (403 JSON)", async ({ baseURL }) => {
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await createUserAsAdmin(admin, VIEWER);

  const viewer = await newRequest.newContext({ baseURL });
  await logInWithApi(viewer, VIEWER.email, VIEWER.password);
  const list = await viewer.get("/api/alerts?limit=5");
  expect(list.status()).toBe(200);
  const alertId = (await admin.get("/api/alerts?limit=1").then((r) => r.json())).alerts[0]?.id ?? 1;
  const feedback = await viewer.post(`/api/alerts/${alertId}/feedback`, { data: { verdict: "false_positive" } });
  expect(feedback.status()).toBe(403);
  expect((await feedback.json()).error.code).toBe("forbidden");
  const users = await viewer.post("/api/users", { data: { ...VIEWER, email: "x@example.test" } });
  expect(users.status()).toBe(403);

  // a malformed body is a 400 naming the field
  const bad = await admin.post("/api/users", { data: { ...VIEWER, email: "not-an-email" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.field).toBe("email");
  await admin.dispose();
  await viewer.dispose();
});
