// A viewer sees the maintenance and tuning pages with every write control disabled, and the API
// refuses their writes (403 JSON) without changing anything.
import { expect, request as newRequest, test, type APIRequestContext } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createUserAsAdmin, logInWithApi, logInWithForm, JSON_WRITE } from "./session";

const VIEWER = { email: "viewer.settings@example.test", name: "Vic Viewer", role: "viewer" as const, password: "viewer-password-3" };
const DETECTOR = "hour-of-week-zscore";

test("a viewer cannot schedule maintenance or change thresholds, in the UI or through the API", async ({ page, baseURL }) => {
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await createUserAsAdmin(admin, VIEWER);
  // a window far in the future (it suppresses nothing now), so the list has rows with Edit and Delete
  const start = new Date(Date.now() + 60 * 86_400_000);
  const reason = `E2E viewer check ${Date.now()}`;
  const created = await admin.post("/api/maintenance-windows", {
    data: { scope: "all", startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3_600_000).toISOString(), recurrence: "none", timezone: "UTC", reason },
  });
  expect(created.status()).toBe(201);
  const windowId = ((await created.json()) as { window: { id: number } }).window.id;
  try {
    await logInWithForm(page, VIEWER.email, VIEWER.password);

    await page.goto("/maintenance");
    await expect(page.getByTestId("maintenance-page")).toBeVisible();
    const form = page.getByRole("region", { name: "Schedule a window" });
    await expect(form.getByText("Viewers can see windows but not schedule them")).toBeVisible();
    await expect(form.getByLabel("Reason")).toBeDisabled();
    await expect(form.getByRole("button", { name: "Schedule window" })).toBeDisabled();
    const row = page.getByTestId("maintenance-window-list").locator(`tr[data-window-id="${windowId}"]`);
    await expect(row.getByRole("button", { name: `Edit the window “${reason}”` })).toBeDisabled();
    await expect(row.getByRole("button", { name: `Delete the window “${reason}”` })).toBeDisabled();
    await expect(page.getByRole("region", { name: "Suppression rules" }).getByRole("button", { name: "Add rule" })).toBeDisabled();
    await expect(page.getByRole("region", { name: "Business calendar" }).getByRole("button", { name: "Add to calendar" })).toBeDisabled();

    await page.goto("/tuning");
    await expect(page.getByTestId("tuning-page")).toBeVisible();
    await page.getByRole("button", { name: `Tune ${DETECTOR}` }).click();
    const tuner = page.getByRole("region", { name: "Apply a threshold" });
    await expect(tuner.getByText("Only admins can change detector settings")).toBeVisible();
    // trying a value is allowed (what-if), applying it is not
    await tuner.getByLabel("threshold (alert threshold)").fill("9");
    await expect(page.getByTestId("tuning-what-if")).toBeVisible();
    await expect(tuner.getByRole("button", { name: "Apply" })).toBeDisabled();

    // the API says no to the same session
    const windowsBefore = ((await (await page.request.get("/api/maintenance-windows")).json()) as { windows: unknown[] }).windows.length;
    const post = await page.request.post("/api/maintenance-windows", {
      data: { scope: "all", startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), recurrence: "daily", timezone: "UTC", reason: "viewer attempt" },
    });
    expect(post.status()).toBe(403);
    expect(post.headers()["content-type"]).toContain("application/json");
    expect((await post.json()).error.code).toBe("forbidden");
    const del = await page.request.delete(`/api/maintenance-windows/${windowId}`);
    expect(del.status()).toBe(403);

    const thresholdBefore = await effectiveThreshold(page.request);
    const put = await page.request.put("/api/detector-settings", { data: { detector: DETECTOR, scope: "global", config: { threshold: 9 } } });
    expect(put.status()).toBe(403);
    expect(put.headers()["content-type"]).toContain("application/json");
    expect((await put.json()).error.code).toBe("forbidden");

    // nothing changed
    expect(((await (await page.request.get("/api/maintenance-windows")).json()) as { windows: unknown[] }).windows.length).toBe(windowsBefore);
    expect(await effectiveThreshold(page.request)).toBe(thresholdBefore);
  } finally {
    await admin.delete(`/api/maintenance-windows/${windowId}`, JSON_WRITE);
    await admin.dispose();
  }
});

async function effectiveThreshold(api: APIRequestContext): Promise<unknown> {
  const body = (await (await api.get("/api/detector-settings")).json()) as { detectors: { id: string; effective: Record<string, unknown> }[] };
  return body.detectors.find((d) => d.id === DETECTOR)?.effective.threshold;
}
