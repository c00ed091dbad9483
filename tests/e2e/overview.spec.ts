// The Overview's panels drawn from the running demo: open alerts by type linking to the Anomalies
// page, the alerts-per-hour bars, ingest health from the worker's heartbeat, and the false-positive
// rate updating live after a verdict; then the light theme, kept across a reload. Then mitigation with
// real peers: the app drives gobgpd, which peers with BIRD 2 on loopback (tests/e2e/bgp-lab.ts).
import fs from "node:fs";
import path from "node:path";
import { expect, request as newRequest, test } from "@playwright/test";
import type { OverviewView } from "../../lib/dashboards/overview-view";
import { recordDetection } from "../../lib/db/alert-recording-queries";
import { createMitigation } from "../../lib/db/mitigation-queries";
import { FAST_FLOOD_DETECTOR_ID } from "../../lib/detect/detectors/flow/fast-flood-detector";
import type { MitigationsResponse } from "../../lib/mitigation/mitigation-service";
import { routeKey } from "../../lib/mitigation/route-text";
import { openAppDatabase } from "./app-database";
import { birdRoutes, restartGobgpd } from "./bgp-lab";
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

test("a DDoS alert gets a proposal; approved in the browser, its /32 blackhole reaches BIRD through gobgpd, survives a gobgpd restart and is withdrawn when its TTL passes; a /8 is refused", async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const analyst = { email: "mitigation-analyst@tidewatch.local", name: "Mia Mitigate", role: "analyst" as const, password: "mitigation-analyst-password" };
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await createUserAsAdmin(admin, analyst);
  const db = openAppDatabase();

  // The demo's hosts live on 127.1.0.0/16, which BIRD (as any router) ignores as bogus, and the demo's
  // replayed minutes leave the seconds-scale fast path off: the critical DDoS alert is recorded as the
  // worker's pipeline records one, for an internal host with a routable address; the running worker's
  // controller proposes for it like for any other
  const HOST = "10.72.0.9";
  // a short TTL: the DDoS playbook's setting, as an admin sets it on the Tuning page (restored at the end)
  const ddosSettings = ((await (await admin.get("/api/mitigation-playbooks")).json()) as { playbooks: { id: string; ttlMinutes: number }[] }).playbooks.find((p) => p.id === "ddos")!;
  expect((await admin.patch("/api/mitigation-playbooks/ddos", { data: { ttlMinutes: 1 } })).ok()).toBe(true);
  const device = await db.device.create({ data: { name: "lab-web-1", role: "server", site: "lab", managementIp: HOST } });
  // the lab host goes at the end, and the TTL is restored: later specs count the demo's 20 devices
  try {
    const { alert } = await recordDetection(db, {
      deviceId: device.id,
      detection: {
        detector: FAST_FLOOD_DETECTOR_ID,
        anomalyType: "ddos",
        metric: "packetsPerSec",
        severity: "critical",
        score: 40,
        observed: { value: 200_000, ts: new Date().toISOString() },
        expected: { low: 0, high: 500 },
        explanation: "200,000 packets/s toward lab-web-1 from 200 sources, 400x its usual rate",
        dedupKey: `${device.id}:ddos`,
      },
    });
    let proposal: MitigationsResponse["mitigations"][number] | undefined;
    await expect
      .poll(
        async () => {
          const body = (await (await admin.get(`/api/mitigations?alertId=${alert.id}`)).json()) as MitigationsResponse;
          expect(body.mode).toBe("gobgp");
          proposal = body.mitigations.find((m) => m.status === "proposed" && m.playbookId === "ddos");
          return proposal !== undefined;
        },
        { timeout: 20_000, intervals: [500] },
      )
      .toBe(true);
    const m = proposal!;
    expect(m.route).toEqual({ kind: "blackhole", prefix: `${HOST}/32`, communities: ["65535:666"] });
    expect(m.ttlMinutes).toBe(1);
    /** The /32 as BIRD (the edge router) holds it: a blackhole carrying 65535:666. */
    const inBird = async () =>
      (await birdRoutes()).find(
        (r) => r.table === "master4" && r.network === `${HOST}/32` && r.dest === "blackhole" && (r.attributes["BGP.community"] ?? "").includes("(65535,666)"),
      );
    expect(await inBird()).toBeUndefined();

    await logInWithForm(page, analyst.email, analyst.password);
    await page.goto(`/alerts/${m.alert.id}`);
    const item = page.getByTestId("mitigations").locator(`[data-testid="mitigation"][data-mitigation-id="${m.id}"]`);
    await expect(item.getByTestId("mitigation-status")).toHaveText("proposed");
    await expect(item.getByTestId("mitigation-route")).toHaveText(m.routeText);
    // not a dry run: the route goes to the routers
    await expect(item.getByTestId("mitigation-dry-run")).toHaveCount(0);

    await item.getByRole("button", { name: "Approve" }).click();
    // approved by the analyst, then announced by the worker's controller through gobgpd: live, no reload
    await expect(item.getByTestId("mitigation-status")).toHaveText("active", { timeout: 15_000 });
    const activeSeenAt = Date.now();
    await expect(item).toContainText("(TTL 1 min)");
    await expect.poll(async () => (await inBird()) !== undefined, { timeout: 10_000, intervals: [200] }).toBe(true);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.getByTestId("mitigations").screenshot({ path: path.join(SCREENSHOTS, "mitigation-active.png") });

    // gobgpd restarts mid-mitigation with an empty RIB: BIRD loses the route, the controller reconciles it back
    await restartGobgpd();
    await expect.poll(async () => (await inBird()) === undefined, { timeout: 10_000, intervals: [100] }).toBe(true);
    await expect.poll(async () => (await inBird()) !== undefined, { timeout: 20_000, intervals: [250] }).toBe(true);
    await expect(item.getByTestId("mitigation-status")).toHaveText("active");

    await page.goto("/");
    const active = page.getByTestId("active-mitigations");
    await expect(active).toContainText("Routes go to the edge routers through GoBGP.");
    const row = active.locator(`[data-testid="mitigation"][data-mitigation-id="${m.id}"]`);
    await expect(row.getByTestId("mitigation-status")).toHaveText("active");
    await expect(row.getByTestId("mitigation-route")).toHaveText(m.routeText);

    // a /8 (as FastNetMon once announced 0.0.0.0/0), whatever proposed it, is refused when approved and never reaches BIRD
    {
      const other = await db.alert.findFirstOrThrow({ where: { mitigations: { none: {} } }, orderBy: { id: "desc" }, select: { id: true } });
      const wideRoute = { kind: "blackhole" as const, prefix: "10.0.0.0/8", communities: ["65535:666"] };
      const wide = await createMitigation(db, {
        alertId: other.id,
        campaignId: null,
        playbookId: "ddos",
        route: wideRoute,
        routeKey: routeKey(wideRoute),
        status: "proposed",
        reason: "a route wider than any playbook builds",
        gates: m.gates,
        automatic: false,
        dryRun: false,
        ttlMinutes: 60,
        expiresAt: new Date(Date.now() + 3_600_000),
        now: new Date(),
      });
      await page.goto(`/alerts/${other.id}`);
      const wideItem = page.getByTestId("mitigations").locator(`[data-testid="mitigation"][data-mitigation-id="${wide!.id}"]`);
      await wideItem.getByRole("button", { name: "Approve" }).click();
      await expect(wideItem.getByRole("alert")).toContainText("10.0.0.0/8 is shorter than /24");
      await expect(wideItem.getByTestId("mitigation-status")).toHaveText("refused");
      await expect(wideItem.getByTestId("mitigation-reason")).toContainText("shorter than /24");
    }
    expect((await birdRoutes()).filter((r) => r.network === "10.0.0.0/8")).toEqual([]);

    // playbooks: the analyst sees them but only admins switch one to automatic; the change shows live
    await page.goto("/tuning");
    const automatic = page.getByTestId("mitigation-playbooks").locator('[data-playbook-id="ddos"]').getByLabel("Automatic");
    await expect(automatic).not.toBeChecked();
    await expect(automatic).toBeDisabled();
    expect((await admin.patch("/api/mitigation-playbooks/ddos", { data: { automatic: true } })).ok()).toBe(true);
    await expect(automatic).toBeChecked();
    expect((await admin.patch("/api/mitigation-playbooks/ddos", { data: { automatic: false } })).ok()).toBe(true);
    await expect(automatic).not.toBeChecked();

    // the TTL passes: the controller expires it and withdraws the route from gobgpd, so BIRD drops it
    await page.goto(`/alerts/${m.alert.id}`);
    const waitMs = Math.max(0, activeSeenAt + 60_000 - Date.now()) + 20_000;
    await expect(item.getByTestId("mitigation-status")).toHaveText("expired", { timeout: waitMs });
    await expect.poll(async () => (await inBird()) === undefined, { timeout: 10_000, intervals: [200] }).toBe(true);
    const stored = (await (await admin.get(`/api/mitigations?alertId=${m.alert.id}`)).json()) as MitigationsResponse;
    expect(stored.mitigations.find((x) => x.id === m.id)).toMatchObject({ status: "expired", dryRun: false, ttlMinutes: 1, decidedBy: { name: analyst.name } });
  } finally {
    expect((await admin.patch("/api/mitigation-playbooks/ddos", { data: { ttlMinutes: ddosSettings.ttlMinutes } })).ok()).toBe(true);
    await db.device.delete({ where: { id: device.id } });
    await db.$disconnect();
  }
  await admin.dispose();
});
