// The Clusters and Forecasts pages draw what the worker computed from the demo's telemetry: every demo
// device on the peer-group chart, the drifted legacy switch (sw-hq-3: telnet and SNMPv2c) explained
// when picked by keyboard, and a device's 7-day forecast chosen with the pickers and kept in the URL.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { logInWithForm } from "./session";

/** The demo fleet's size (the app under test is started with the default DEMO_DEVICES). */
const DEMO_DEVICES = Number(process.env.DEMO_DEVICES ?? 20);
const DRIFTED_DEVICE = "sw-hq-3";

/** Reloads `page` until `ready` holds: these pages show what exists when loaded (no live push for runs and forecasts). */
async function reloadUntil(page: Page, ready: () => Promise<void>, timeout: number): Promise<void> {
  await expect(async () => {
    await page.reload();
    await ready();
  }).toPass({ timeout, intervals: [3_000, 5_000, 10_000] });
}

/** The `d` attribute of every path matching `selector` inside `scope`. */
async function pathData(scope: Locator, selector: string): Promise<string[]> {
  return scope.locator(selector).evaluateAll((els) => els.map((e) => e.getAttribute("d") ?? ""));
}

test("the clusters chart has every demo device, marks sw-hq-3's configuration drift and explains it", async ({ page }) => {
  test.setTimeout(300_000);
  await logInWithForm(page);
  await page.goto("/clusters");
  await expect(page.getByRole("heading", { name: "Clusters", level: 1 })).toBeVisible();

  const chart = page.getByTestId("cluster-chart");
  const points = chart.locator("g.cluster-point");
  // the worker clusters the fleet once its first training is done (about a minute after start)
  await reloadUntil(page, () => expect(points).toHaveCount(DEMO_DEVICES, { timeout: 5_000 }), 240_000);

  // one point per device of the inventory, each drawn as a shape at its own place
  const inventory = (await (await page.request.get("/api/devices")).json()) as { devices: { name: string }[] };
  const drawn = await points.evaluateAll((els) => els.map((e) => e.getAttribute("data-device")));
  expect(drawn.toSorted()).toEqual(inventory.devices.map((d) => d.name).toSorted());
  const shapes = await points.evaluateAll((els) =>
    els.map((g) => {
      const shape = g.querySelector(":scope > circle:last-of-type, :scope > path");
      const box = shape?.getBoundingClientRect();
      return { tag: shape?.tagName ?? null, x: Math.round(box?.x ?? NaN), y: Math.round(box?.y ?? NaN), w: box?.width ?? 0 };
    }),
  );
  for (const s of shapes) {
    expect(["circle", "path"]).toContain(s.tag);
    expect(s.w).toBeGreaterThan(0);
  }
  expect(new Set(shapes.map((s) => `${s.x},${s.y}`)).size, "points spread over the chart").toBeGreaterThan(3);
  expect(await chart.locator("svg circle").count()).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("cluster-profiles").getByTestId("cluster-profile-row").first()).toBeVisible();

  // the legacy switch carries the drift mark (a dashed ring) and only configuration sets it apart
  const drifted = chart.locator(`g.cluster-point[data-device="${DRIFTED_DEVICE}"]`);
  await expect(drifted).toHaveAttribute("data-drift", "true");
  await expect(drifted.locator('circle[stroke-dasharray="3 2"]')).toHaveCount(1);
  await expect(chart.locator('g.cluster-point[data-drift="true"]')).toHaveCount(1);

  // pick it from the device table with the keyboard
  const explanation = page.getByTestId("device-explanation");
  await expect(explanation).not.toHaveAttribute("data-device", /./);
  const row = page.getByTestId("cluster-devices").locator(`[data-testid="cluster-device-row"][data-device="${DRIFTED_DEVICE}"]`);
  await expect(row).toContainText("Config drift");
  const pick = row.getByRole("button", { name: DRIFTED_DEVICE });
  await pick.focus();
  await page.keyboard.press("Enter");
  await expect(pick).toHaveAttribute("aria-pressed", "true");
  await expect(pick).toBeFocused();
  await expect(explanation).toHaveAttribute("data-device", DRIFTED_DEVICE);
  await expect(explanation.getByRole("heading", { name: DRIFTED_DEVICE })).toBeVisible();
  await expect(explanation).toContainText("configured differently");
  await expect(explanation.getByTestId("device-drift")).toContainText(/telnet|SNMP/i);
  // the chart rings the selected point too
  await expect(drifted.locator("circle")).toHaveCount(3);
});

test("a forecast picked by device and metric draws its band and lines, and the URL keeps the choice", async ({ page }) => {
  test.setTimeout(300_000);
  await logInWithForm(page);
  await page.goto("/forecasts");
  const deviceSelect = page.getByLabel("Device", { exact: true });
  const metricSelect = page.getByLabel("Metric", { exact: true });
  // the worker fits forecasts shortly after its first training
  await reloadUntil(page, () => expect(deviceSelect).toBeVisible({ timeout: 5_000 }), 240_000);
  await expect(deviceSelect).toHaveAttribute("data-testid", "forecast-device");
  await expect(metricSelect).toHaveAttribute("data-testid", "forecast-metric");
  // a bare /forecasts puts its default choice in the URL
  await expect(page).toHaveURL(/[?&]deviceId=\d+/);

  // not the default (the first device and its first metric): the edge router's CPU
  const device = "edge-rtr-hq-1";
  const deviceValue = await deviceSelect
    .locator("option")
    .evaluateAll((opts, name) => (opts as HTMLOptionElement[]).find((o) => o.text.startsWith(`${name} (`))?.value, device);
  expect(deviceValue, `${device} has forecasts`).toBeTruthy();
  expect(await deviceSelect.inputValue()).not.toBe(deviceValue);
  await deviceSelect.selectOption(deviceValue!);
  // the choice lands in the URL (router.replace) before the next one builds on it
  await expect(page).toHaveURL(new RegExp(`[?&]deviceId=${deviceValue}&`));
  await metricSelect.selectOption({ label: "CPU" });
  await expect(page).toHaveURL(new RegExp(`[?&]deviceId=${deviceValue}&metric=cpuPct$`));

  const checkChart = async () => {
    await expect(page.getByRole("heading", { name: `CPU · ${device}` })).toBeVisible();
    const chart = page.getByTestId("forecast-chart");
    // the 95% band (an area) and the actual, model-fit and dashed forecast lines, all with real geometry
    await expect(chart.locator("path.recharts-area-area")).toHaveCount(1);
    const band = await pathData(chart, "path.recharts-area-area");
    expect(band[0]!.length, "band path").toBeGreaterThan(50);
    const lines = await pathData(chart, "path.recharts-line-curve");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const d of lines) expect(d, "line path").toMatch(/^M[\d.-]+,[\d.-]+.+/);
    const forecastLine = chart.locator('path.recharts-line-curve[stroke-dasharray="6 4"]');
    await expect(forecastLine).toHaveCount(1);
    expect((await forecastLine.getAttribute("d"))!.length).toBeGreaterThan(50);
    await expect(page.getByTestId("capacity-eta")).toContainText("capacity");
    await expect(page.getByTestId("forecast-facts")).toContainText("95% interval");
    await expect(page.getByTestId("forecast-method")).toHaveText(/MSTL|Prophet|Constant/);
  };
  await checkChart();

  const url = page.url();
  await page.reload();
  expect(page.url()).toBe(url);
  await expect(deviceSelect).toHaveValue(deviceValue!);
  await expect(metricSelect).toHaveValue("cpuPct");
  await checkChart();
});
