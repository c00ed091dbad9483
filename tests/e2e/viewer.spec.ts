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
