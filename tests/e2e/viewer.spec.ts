// A viewer sees alerts but every change is disabled in the UI (and refused by the API).
import { expect, request as newRequest, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createUserAsAdmin, logInWithApi, logInWithForm } from "./session";

const VIEWER = { email: "viewer.ui@example.test", name: "Val Viewer", role: "viewer" as const, password: "viewer-password-2" };

test("a viewer sees the verdict buttons disabled", async ({ page, baseURL }) => {
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await createUserAsAdmin(admin, VIEWER);
  let alertId: number | undefined;
  await expect
    .poll(async () => (alertId = (await (await admin.get("/api/alerts?limit=1")).json()).alerts[0]?.id), { timeout: 240_000 })
    .toBeTruthy();
  await admin.dispose();

  await logInWithForm(page, VIEWER.email, VIEWER.password);
  await page.goto(`/alerts/${alertId}`);
  await expect(page.getByRole("button", { name: "True positive" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "False positive" })).toBeDisabled();
  await expect(page.getByText("Viewers cannot give feedback")).toBeVisible();
});

test("a viewer cannot triage: status buttons disabled, keyboard refused, API 403; no user management", async ({ page, baseURL }) => {
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await createUserAsAdmin(admin, VIEWER);
  let alertId: number | undefined;
  await expect
    .poll(async () => (alertId = (await (await admin.get("/api/alerts?limit=1&status=open")).json()).alerts[0]?.id), { timeout: 240_000 })
    .toBeTruthy();

  await logInWithForm(page, VIEWER.email, VIEWER.password);
  await page.goto(`/alerts/${alertId}`);
  await expect(page.getByRole("button", { name: "Assign to me" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Resolve" })).toBeDisabled();
  await expect(page.getByLabel("Add a note")).toHaveCount(0);

  await page.goto("/anomalies?status=open");
  await expect(page.getByTestId("anomaly-row").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /Acknowledge selected/ })).toHaveCount(0);
  await page.keyboard.press("a");
  await expect(page.getByTestId("triage-message")).toHaveText("Viewers cannot acknowledge alerts.");
  await page.keyboard.press("f");
  await expect(page.getByTestId("triage-message")).toHaveText("Viewers cannot give verdicts.");

  for (const [method, url, data] of [
    ["PATCH", `/api/alerts/${alertId}`, { status: "acknowledged" }],
    ["POST", "/api/alerts/bulk", { ids: [alertId], status: "acknowledged" }],
    ["POST", `/api/alerts/${alertId}/notes`, { body: "viewer note" }],
  ] as const) {
    const res = await page.request.fetch(url, { method, data });
    expect(res.status(), `${method} ${url}`).toBe(403);
  }
  expect((await (await admin.get(`/api/alerts/${alertId}`)).json()).status).toBe("open");

  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
  await page.goto("/users");
  await expect(page.getByTestId("users-forbidden")).toBeVisible();
  await admin.dispose();
});
