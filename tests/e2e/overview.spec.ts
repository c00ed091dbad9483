// The Overview's panels drawn from the running demo: open alerts by type linking to the Anomalies
// page, the alerts-per-hour bars, ingest health from the worker's heartbeat, and the false-positive
// rate updating live after a verdict; then the light theme, kept across a reload.
import fs from "node:fs";
import path from "node:path";
import { expect, request as newRequest, test } from "@playwright/test";
import type { OverviewView } from "../../lib/dashboards/overview-view";
import type { MitigationsResponse } from "../../lib/mitigation/mitigation-service";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createUserAsAdmin, logInWithApi, logInWithForm } from "./session";

const SCREENSHOTS = path.join("test-results", "screenshots");

test("the overview panels show the demo's alerts, ingest and verdicts live, and the light theme sticks", async ({ page }, testInfo) => {
  test.setTimeout(360_000);
  await logInWithForm(page);
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();

  // the demo raises its first alerts a little after start; the worker measures records/s between heartbeats once the live replay sends
  let view: OverviewView | undefined;
  await expect
    .poll(
      async () => {
        view = (await (await page.request.get("/api/overview")).json()) as OverviewView;
        return view.openByType.length > 0 && view.alertsPerHour.some((h) => h.total > 0) && (view.ingest.recordsPerSec ?? 0) > 0;
      },
      { timeout: 240_000, intervals: [2_000] },
    )
    .toBe(true);
  await page.reload();

  // open alerts by type: one row per type the API counted, each a link to the filtered Anomalies page
  const typeRows = page.getByTestId("open-type-row");
  await expect(typeRows.first()).toBeVisible();
  expect(await typeRows.count()).toBeGreaterThanOrEqual(1);
  const firstType = await typeRows.first().getAttribute("data-type");
  expect(view!.openByType.map((t) => t.type)).toContain(firstType);
  await expect(typeRows.first().getByRole("link")).toHaveAttribute("href", `/anomalies?type=${encodeURIComponent(firstType!)}&status=open,acknowledged`);

  // alerts per hour: bars drawn from real counts
  const hourChart = page.getByTestId("alerts-per-hour-chart");
  await expect(hourChart).toBeVisible();
  expect(Number(await hourChart.getAttribute("data-total"))).toBeGreaterThan(0);
  await expect.poll(() => hourChart.locator("svg .recharts-bar-rectangle path").count()).toBeGreaterThan(0);

  // ingest health: the worker's collectors with a rate, and devices with their newest data
  const ingest = page.getByTestId("ingest-health");
  await expect(ingest.getByTestId("worker-down")).toHaveCount(0);
  await expect(ingest.locator('[data-testid="collector-row"][data-up="true"]').first()).toBeVisible();
  await expect(ingest.getByTestId("device-freshness-row").first()).toBeVisible();
  // the demo runs without COLLECTOR_ALLOWED_SOURCES: the panel says anyone may send
  await expect(ingest.getByTestId("all-sources-accepted")).toContainText("All sources accepted");
  expect(view!.ingest.inventory).toMatchObject({ allowedSources: [], maxNewPerHour: 1000 });

  // a verdict reaches the false-positive panel through the live stream, without a reload
  let reloaded = false;
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) reloaded = true;
  });
  const { alerts } = (await (await page.request.get("/api/alerts?limit=1")).json()) as { alerts: { id: number }[] };
  expect(alerts.length).toBe(1);
  const verdict = await page.request.post(`/api/alerts/${alerts[0]!.id}/feedback`, { data: { verdict: "false_positive" } });
  expect(verdict.ok()).toBe(true);
  const fpRate = page.getByTestId("fp-rate");
  await expect(fpRate).toBeVisible({ timeout: 30_000 });
  expect(Number(await fpRate.getAttribute("data-judged"))).toBeGreaterThanOrEqual(1);
  expect(Number(await fpRate.getAttribute("data-rate"))).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId("fp-rate-chart").locator("svg .recharts-line path").count()).toBeGreaterThan(0);
  expect(reloaded, "the verdict showed without a page load").toBe(false);

  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const darkShot = path.join(SCREENSHOTS, "overview-panels.png");
  await page.screenshot({ path: darkShot, fullPage: true });
  await testInfo.attach("overview-panels", { path: darkShot, contentType: "image/png" });

  // light theme: the toggle switches it, and it is applied again after a reload
  const toggle = page.getByRole("button", { name: "Light theme" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
  await expect(page.getByRole("button", { name: "Light theme" })).toHaveAttribute("aria-pressed", "true");
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background, "the light theme's background").toBe("rgb(244, 246, 249)");

  await expect(page.getByTestId("alerts-per-hour-chart")).toBeVisible();
  const lightShot = path.join(SCREENSHOTS, "overview-light.png");
  await page.screenshot({ path: lightShot, fullPage: true });
  await testInfo.attach("overview-light", { path: lightShot, contentType: "image/png" });
});

test("a demo DDoS gets a dry-run mitigation proposal; an analyst approves it, it is active on the Overview, then withdrawn", async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const analyst = { email: "mitigation-analyst@tidewatch.local", name: "Mia Mitigate", role: "analyst" as const, password: "mitigation-analyst-password" };
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await createUserAsAdmin(admin, analyst);

  // the worker's controller proposes for the demo's high-confidence DDoS alerts (by now the demo has raised some)
  let proposal: MitigationsResponse["mitigations"][number] | undefined;
  await expect
    .poll(
      async () => {
        const body = (await (await admin.get("/api/mitigations?status=open")).json()) as MitigationsResponse;
        expect(body.mode).toBe("dry-run");
        proposal = body.mitigations.find((m) => m.status === "proposed" && m.playbookId === "ddos");
        return proposal !== undefined;
      },
      { timeout: 240_000, intervals: [2_000] },
    )
    .toBe(true);
  const m = proposal!;

  await logInWithForm(page, analyst.email, analyst.password);
  await page.goto(`/alerts/${m.alert.id}`);
  const item = page.getByTestId("mitigations").locator(`[data-testid="mitigation"][data-mitigation-id="${m.id}"]`);
  await expect(item.getByTestId("mitigation-status")).toHaveText("proposed");
  // dry run: exactly the route that would be announced, the attacked host alone
  await expect(item.getByTestId("mitigation-route")).toHaveText(m.routeText);
  expect(m.routeText).toMatch(/^(blackhole 127\.1\.\d+\.\d+\/32 \(65535:666\)|flowspec .*→ 127\.1\.\d+\.\d+\/32)/);
  await expect(item.getByTestId("mitigation-dry-run")).toContainText("nothing is sent to a router");

  await item.getByRole("button", { name: "Approve" }).click();
  // approved by the analyst, then announced (recorded) by the worker's controller: live, no reload
  await expect(item.getByTestId("mitigation-status")).toHaveText("active", { timeout: 15_000 });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.getByTestId("mitigations").screenshot({ path: path.join(SCREENSHOTS, "mitigation-active.png") });

  await page.goto("/");
  const active = page.getByTestId("active-mitigations");
  await expect(active).toContainText("Dry run (MITIGATION_BGP=dry-run)");
  const row = active.locator(`[data-testid="mitigation"][data-mitigation-id="${m.id}"]`);
  await expect(row.getByTestId("mitigation-status")).toHaveText("active");
  await expect(row.getByTestId("mitigation-route")).toHaveText(m.routeText);
  await row.getByRole("button", { name: "Withdraw" }).click();
  await expect(row).toHaveCount(0);

  const stored = (await (await admin.get(`/api/mitigations?alertId=${m.alert.id}`)).json()) as MitigationsResponse;
  expect(stored.mitigations.find((x) => x.id === m.id)).toMatchObject({ status: "withdrawn", endedBy: { name: analyst.name }, decidedBy: { name: analyst.name } });

  // playbooks: the analyst sees them but only admins switch one to automatic; the change shows live
  await page.goto("/tuning");
  const automatic = page.getByTestId("mitigation-playbooks").locator('[data-playbook-id="ddos"]').getByLabel("Automatic");
  await expect(automatic).not.toBeChecked();
  await expect(automatic).toBeDisabled();
  expect((await admin.patch("/api/mitigation-playbooks/ddos", { data: { automatic: true } })).ok()).toBe(true);
  await expect(automatic).toBeChecked();
  expect((await admin.patch("/api/mitigation-playbooks/ddos", { data: { automatic: false } })).ok()).toBe(true);
  await expect(automatic).not.toBeChecked();
  await admin.dispose();
});
