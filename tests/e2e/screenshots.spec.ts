// A full-page screenshot of every page as an admin sees it once the demo has data, for review:
// test-results/screenshots/page-<name>.png (also attached to the HTML report).
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import type { AlertView } from "@/lib/alerts/alert-view";
import { logInWithForm } from "./session";

const SCREENSHOTS = path.join("test-results", "screenshots");

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // nothing still loading: no skeletons, no busy regions
  await expect(page.locator(".skeleton")).toHaveCount(0);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `page-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

test("every page, screenshotted once the demo has data", async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await logInWithForm(page);

  // data first: alerts, a peer-group run and forecasts (the worker makes them within a few minutes of start)
  let alerts: AlertView[] = [];
  await expect
    .poll(async () => (alerts = ((await (await page.request.get("/api/alerts?limit=50")).json()) as { alerts: AlertView[] }).alerts).length, {
      timeout: 240_000,
    })
    .toBeGreaterThan(0);
  await expect.poll(async () => (await (await page.request.get("/api/clusters")).json()).run !== null, { timeout: 240_000 }).toBe(true);
  await expect
    .poll(async () => (await (await page.request.get("/api/forecasts/options")).json()).devices.length, { timeout: 240_000 })
    .toBeGreaterThan(0);

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("alert-row").first()).toBeVisible();
  await shoot(page, testInfo, "overview");

  await page.goto("/anomalies");
  await expect(page.getByRole("heading", { name: "Anomalies", level: 1 })).toBeVisible();
  await expect(page.getByTestId("anomaly-row").first()).toBeVisible();
  await shoot(page, testInfo, "anomalies");

  await page.goto("/clusters");
  await expect(page.getByTestId("cluster-chart").locator("g.cluster-point").first()).toBeVisible();
  // with a device picked, so the explanation panel is in the picture
  await page.getByTestId("cluster-devices").getByRole("button").first().click();
  await expect(page.getByTestId("device-explanation")).toHaveAttribute("data-device", /./);
  await shoot(page, testInfo, "clusters");

  await page.goto("/forecasts");
  await expect(page.getByTestId("forecast-chart").locator("path.recharts-line-curve").first()).toBeVisible();
  await shoot(page, testInfo, "forecasts");

  await page.goto("/campaigns");
  await expect(page.getByTestId("campaign-list").or(page.getByTestId("campaigns-empty"))).toBeVisible();
  await shoot(page, testInfo, "campaigns");

  await page.goto("/maintenance");
  await expect(page.getByTestId("maintenance-timeline")).toBeVisible();
  await expect(page.getByRole("region", { name: "Suppression rules" })).toBeVisible();
  await shoot(page, testInfo, "maintenance");

  await page.goto("/tuning");
  await expect(page.getByTestId("tuning-detectors")).toBeVisible();
  await expect(page.getByTestId("tuning-what-if")).toBeVisible();
  await shoot(page, testInfo, "tuning");

  await page.goto("/devices");
  await expect(page.getByRole("heading", { name: "Devices", level: 1 })).toBeVisible();
  // the inventory lists every demo device, with its newest telemetry
  await expect(page.getByTestId("device-row")).toHaveCount(20);
  await expect(page.getByTestId("device-row").filter({ hasText: "never" })).toHaveCount(0);
  await shoot(page, testInfo, "devices");

  // a device page: its metrics and the hour-of-week baseline heatmap
  await page.getByTestId("device-row").filter({ hasText: "edge-rtr-hq-1" }).getByRole("link", { name: "edge-rtr-hq-1" }).click();
  await expect(page.getByRole("heading", { name: "edge-rtr-hq-1", level: 1 })).toBeVisible();
  await expect(page.getByTestId("heatmap-cell")).toHaveCount(168);
  await shoot(page, testInfo, "device");

  await page.goto("/users");
  await expect(page.getByTestId("user-row").first()).toBeVisible();
  await shoot(page, testInfo, "users");

  // an alert with an expected-range chart when there is one
  const alert = alerts.find((a) => a.detector === "hour-of-week-zscore") ?? alerts[0]!;
  await page.goto(`/alerts/${alert.id}`);
  await expect(page.getByTestId("alert-detail")).toHaveAttribute("data-alert-id", String(alert.id));
  if (alert.metric) await expect(page.getByTestId("alert-context-chart").locator("path.recharts-line-curve").first()).toBeVisible();
  await shoot(page, testInfo, "alert-detail");
});
