// The analyst's core loop in a real browser: log in, watch an alert arrive live (no reload, no
// polling), mark it a false positive, see that everywhere, and find it still there after a reload.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { logInWithForm } from "./session";

const SCREENSHOTS = path.join("test-results", "screenshots");

test("an alert arrives live, a false-positive verdict sticks and shows everywhere", async ({ page, context }, testInfo) => {
  test.setTimeout(300_000);
  await logInWithForm(page);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const feed = page.getByTestId("alert-feed");
  await expect(feed).toBeVisible();

  // what the page showed when it loaded; the stream must add to it without a reload
  const rows = page.getByTestId("alert-row");
  const initialIds = new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-alert-id"))));
  let reloaded = false;
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) reloaded = true;
  });
  await expect
    .poll(
      async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-alert-id")))).some((id) => !initialIds.has(id)),
      { timeout: 240_000, intervals: [1_000] },
    )
    .toBe(true);
  expect(reloaded, "the new alert appeared without a page load").toBe(false);
  const newId = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-alert-id")))).find((id) => !initialIds.has(id))!;

  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const overviewShot = path.join(SCREENSHOTS, "overview.png");
  await page.screenshot({ path: overviewShot, fullPage: true });
  await testInfo.attach("overview", { path: overviewShot, contentType: "image/png" });

  // a second tab stays on the overview to watch the verdict arrive there
  const watcher = await context.newPage();
  await watcher.goto("/");
  const watchedRow = watcher.locator(`[data-testid="alert-row"][data-alert-id="${newId}"]`);
  await expect(watchedRow).toBeVisible();
  await expect(watchedRow).toContainText("0 false positive");

  await page.goto(`/alerts/${newId}`);
  const falsePositive = page.getByRole("button", { name: "False positive" });
  await expect(falsePositive).toBeEnabled();
  await expect(page.getByRole("button", { name: "True positive" })).toBeEnabled();
  await falsePositive.click();
  await expect(page.getByTestId("my-verdict")).toContainText("False positive");
  await expect(falsePositive).toHaveAttribute("aria-pressed", "true");

  // the other tab learns of it from the stream
  await expect(watchedRow).toContainText("1 false positive");

  await page.reload();
  await expect(page.getByTestId("my-verdict")).toContainText("False positive");
  await expect(page.getByRole("button", { name: "False positive" })).toHaveAttribute("aria-pressed", "true");
  const detailShot = path.join(SCREENSHOTS, "alert-detail.png");
  await page.screenshot({ path: detailShot, fullPage: true });
  await testInfo.attach("alert-detail", { path: detailShot, contentType: "image/png" });
});
