// A device's page from the Devices inventory: its metric charts drawn from the demo's telemetry, its
// hour-of-week baseline heatmap filled from the worker's first training (168 cells, the stored values),
// its alerts and maintenance windows; and a viewer sees the same page.
import { expect, request as newRequest, test, type Page } from "@playwright/test";
import type { DeviceDetailResponse } from "../../lib/dashboards/device-detail";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createUserAsAdmin, logInWithApi, logInWithForm, JSON_WRITE } from "./session";

const DEVICE = "edge-rtr-hq-1";
const VIEWER = { email: "viewer.devices@example.test", name: "Vera Viewer", role: "viewer" as const, password: "viewer-password-3" };

/** Reloads until `ready` holds: the heatmap shows the baselines that exist when the page loads. */
async function reloadUntil(page: Page, ready: () => Promise<void>, timeout: number): Promise<void> {
  await expect(async () => {
    await page.reload();
    await ready();
  }).toPass({ timeout, intervals: [3_000, 5_000, 10_000] });
}

/** From the Devices page, opens DEVICE's page by its name and returns its id. */
async function openDeviceFromInventory(page: Page): Promise<number> {
  await page.goto("/devices");
  const row = page.locator(`[data-testid="device-row"][data-device="${DEVICE}"]`);
  await row.getByRole("link", { name: DEVICE, exact: true }).click();
  await expect(page).toHaveURL(/\/devices\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: DEVICE })).toBeVisible();
  return Number(new URL(page.url()).pathname.split("/").at(-1));
}

/** The heatmap has its 7 × 24 cells and the worker's baselines fill some of them. */
async function expectFilledHeatmap(page: Page): Promise<void> {
  const heatmap = page.getByTestId("baseline-heatmap");
  await expect(heatmap.getByTestId("heatmap-cell")).toHaveCount(168, { timeout: 5_000 });
  expect(await heatmap.locator('[data-testid="heatmap-cell"][data-filled="true"]').count()).toBeGreaterThan(0);
}

test("a device opened from the inventory charts its metrics and its baselines by hour of week", async ({ page }, testInfo) => {
  test.setTimeout(360_000);
  await logInWithForm(page);
  const id = await openDeviceFromInventory(page);
  await expect(page.getByTestId("device-facts")).toContainText("edge-router");

  // one small chart per reported metric, each with a drawn line
  const charts = page.getByTestId("metric-chart");
  await expect(charts.first()).toBeVisible();
  expect(await charts.count()).toBeGreaterThanOrEqual(4);
  const cpuLine = page.locator('[data-testid="metric-chart"][data-metric="cpuPct"] path.recharts-line-curve');
  await expect(cpuLine).toHaveCount(1);
  expect(await cpuLine.getAttribute("d")).toMatch(/^M[\d.-]+,[\d.-]+.{50,}/);
  // the range ends at the newest sample (data time), in bins the API chose for the range
  await expect(page.getByTestId("device-metrics-span")).toContainText("24 hours");
  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect(page.getByRole("button", { name: "Last 7 days" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("device-metrics-span")).toContainText("7 days");
  await expect(cpuLine).toHaveAttribute("d", /^M[\d.-]+,[\d.-]+.{50,}/);

  // the worker trains baselines shortly after start
  await reloadUntil(page, () => expectFilledHeatmap(page), 240_000);

  // pick CPU: the cells carry the stored means of the newest training (compared again after a
  // reload should the worker retrain in between)
  const heatmap = page.getByTestId("baseline-heatmap");
  await expect(async () => {
    await page.reload();
    await page.getByLabel("Metric", { exact: true }).selectOption({ label: "CPU" });
    await expect(heatmap).toHaveAttribute("data-metric", "cpuPct", { timeout: 5_000 });
    await expectFilledHeatmap(page);
    const stored = (await (await page.request.get(`/api/devices/${id}?baselineMetric=cpuPct`)).json()) as DeviceDetailResponse;
    const sample = stored.baselines.cells[0]!;
    const cell = heatmap.locator(`[data-testid="heatmap-cell"][data-hour-of-week="${sample.hourOfWeek}"]`);
    await expect(cell).toHaveAttribute("data-mean", String(sample.mean), { timeout: 2_000 });
    await expect(cell).toHaveAttribute("title", /Mean .*%[\s\S]*5th–95th percentile[\s\S]*samples/, { timeout: 2_000 });
    await expect(heatmap).toHaveAttribute("data-filled-cells", String(stored.baselines.cells.length), { timeout: 2_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000, 5_000] });

  // a year is read from the hourly aggregates, in bins of days: by now (baselines trained) the demo's
  // 16 days of history are stored, so the line has a point for each 2-day bin of them
  await page.getByRole("button", { name: "Last year" }).click();
  await expect(page.getByRole("button", { name: "Last year" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("device-metrics-span")).toContainText(/The year up to .*, as 2-day means/);
  await expect(cpuLine).toHaveAttribute("d", /^M[\d.-]+,[\d.-]+([CL][\d.,-]+){6,}/);

  // alerts and the way to all of them, and the maintenance section
  await expect(page.getByRole("link", { name: "All alerts for this device" })).toHaveAttribute("href", `/anomalies?deviceId=${id}`);
  const alertLinks = page.getByTestId("device-alert-row").getByRole("link");
  if ((await alertLinks.count()) > 0) await expect(alertLinks.first()).toHaveAttribute("href", /^\/alerts\/\d+$/);
  await expect(page.getByRole("heading", { name: "Maintenance windows" })).toBeVisible();
  await testInfo.attach("device-page", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
});

test("a viewer sees a device's page too, and a window scheduled for it appears live", async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await createUserAsAdmin(admin, VIEWER);

  await logInWithForm(page, VIEWER.email, VIEWER.password);
  const id = await openDeviceFromInventory(page);
  await expect(page.getByTestId("metric-chart").first()).toBeVisible();
  await reloadUntil(page, () => expectFilledHeatmap(page), 240_000);
  await expect(page.getByRole("heading", { name: "Alerts", exact: true })).toBeVisible();
  await expect(page.getByTestId("device-in-maintenance")).toHaveCount(0);

  // an admin puts the device in maintenance now: the open page shows it without a reload
  const reason = `E2E device page ${Date.now()}`;
  const now = Date.now();
  const created = await admin.post("/api/maintenance-windows", {
    data: {
      scope: "device",
      deviceIds: [id],
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 10 * 60_000).toISOString(),
      recurrence: "none",
      timezone: "UTC",
      reason,
    },
  });
  expect(created.status()).toBe(201);
  const windowId = ((await created.json()) as { window: { id: number } }).window.id;
  try {
    await expect(page.getByTestId("device-in-maintenance")).toContainText(reason);
    await expect(page.locator(`[data-testid="device-maintenance-window"][data-window-id="${windowId}"]`)).toContainText("in progress");
  } finally {
    await admin.delete(`/api/maintenance-windows/${windowId}`, JSON_WRITE);
  }
  await expect(page.getByTestId("device-in-maintenance")).toHaveCount(0);
  await admin.dispose();
});
