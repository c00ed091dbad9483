// Settings that change what the worker does, made through the UI and checked in the alerts it records:
// an analyst's daily maintenance window suppresses the alerts it covers, and an admin's threshold for
// hour-of-week-zscore is the one the detector runs with. Each test removes what it made (through the
// UI; through the API as well if the test failed before that), so later specs see the app as before.
import { expect, request as newRequest, test, type APIRequestContext } from "@playwright/test";
import type { AlertView } from "@/lib/alerts/alert-view";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createUserAsAdmin, logInWithApi, logInWithForm, JSON_WRITE } from "./session";

const ANALYST = { email: "analyst.maint@example.test", name: "Ana Lyst", role: "analyst" as const, password: "analyst-password-1" };
const DETECTOR = "adaptive-baseline";
/** Its alert bar: "a deviation this device shows about once in N days". */
const FIELD = "minRarityDays";
const THRESHOLD = 50;
/** The worker re-reads windows, rules and detector settings every 30 s (real time); a little slack on top. */
const SETTINGS_PICKUP_MS = 35_000;

async function adminApi(baseURL: string | undefined): Promise<APIRequestContext> {
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  return admin;
}

/** Every alert created at or after `since` (newest first), following the pages. */
async function alertsCreatedSince(api: APIRequestContext, since: number, extra: Record<string, string> = {}): Promise<AlertView[]> {
  const all: AlertView[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ from: new Date(since).toISOString(), limit: "200", ...extra, ...(cursor ? { cursor } : {}) });
    const res = await api.get(`/api/alerts?${query.toString()}`);
    expect(res.status()).toBe(200);
    const page = (await res.json()) as { alerts: AlertView[]; nextCursor: string | null };
    all.push(...page.alerts);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** "YYYY-MM-DDTHH:mm", what a datetime-local input takes, of `at` on the UTC wall clock. */
const utcInput = (at: number) => new Date(at).toISOString().slice(0, 16);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

test("an analyst's daily maintenance window shows on the week timeline and its alerts are recorded as suppressed", async ({ page, baseURL }) => {
  test.setTimeout(420_000);
  const admin = await adminApi(baseURL);
  await createUserAsAdmin(admin, ANALYST);
  const reason = `E2E nightly patching ${Date.now()}`;
  let windowId: number | undefined;
  try {
    await logInWithForm(page, ANALYST.email, ANALYST.password);
    await page.goto("/maintenance");
    await expect(page.getByTestId("maintenance-page")).toBeVisible();
    const form = page.getByRole("region", { name: "Schedule a window" });

    // Every day, 22 hours from 20 hours ago (UTC): it covers now, and also the data time of the alerts
    // the demo raises now, because the demo replays its last 15 hours at 60× until it catches up.
    const now = Date.now();
    const start = Math.floor((now - 20 * HOUR) / MINUTE) * MINUTE;
    await form.getByLabel("Reason").fill(reason);
    await form.getByLabel("Repeats").selectOption({ label: "Every day" });
    await form.getByLabel("Time zone").selectOption("UTC");
    await form.getByLabel("First starts").fill(utcInput(start));
    await form.getByLabel("First ends").fill(utcInput(start + 22 * HOUR));
    await form.getByLabel("Applies to").selectOption({ label: "All devices" });
    await form.getByRole("button", { name: "Schedule window" }).click();
    await expect(form.getByRole("status")).toContainText(`Scheduled “${reason}”.`);
    const savedAt = Date.now();

    // listed with its schedule, scope and author
    const listRow = page.getByTestId("maintenance-window-list").locator("tr", { hasText: reason });
    // its times, and "(next day)" when it ends past midnight (whether it does depends on the hour the test runs)
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const endsNextDay = new Date(start).getUTCDate() !== new Date(start + 22 * HOUR).getUTCDate();
    await expect(listRow).toContainText(`Daily ${hhmm(start)}–${hhmm(start + 22 * HOUR)}${endsNextDay ? " (next day)" : ""} UTC`);
    await expect(listRow).toContainText("All devices");
    await expect(listRow).toContainText(ANALYST.name);
    windowId = Number(await listRow.getAttribute("data-window-id"));
    expect(windowId).toBeGreaterThan(0);

    // on this week's timeline, with an occurrence covering now
    const timeline = page.getByTestId("maintenance-timeline");
    await expect(timeline.locator(`li.mw-row[data-window-id="${windowId}"]`)).toContainText(reason);
    const occurrences = timeline.locator(`[data-testid="maintenance-occurrence"][data-window-id="${windowId}"]`);
    await expect(occurrences.first()).toBeVisible();
    const spans = await occurrences.evaluateAll((els) => els.map((e) => [Date.parse(e.getAttribute("data-start")!), Date.parse(e.getAttribute("data-end")!)]));
    expect(spans.some(([s, e]) => s! <= savedAt && savedAt < e!), `an occurrence covers now: ${JSON.stringify(spans)}`).toBe(true);

    // Once the worker has read the window, each new alert is recorded as suppressed by it, never raised.
    const pickedUp = savedAt + SETTINGS_PICKUP_MS;
    let suppressed: AlertView | undefined;
    await expect
      .poll(
        async () => {
          const found = await alertsCreatedSince(admin, pickedUp, { status: "suppressed" });
          suppressed = found.find((a) => a.expected.maintenanceWindowId === windowId);
          return suppressed?.id;
        },
        { timeout: 300_000, intervals: [5_000], message: "a new alert recorded as suppressed by the window" },
      )
      .toBeDefined();
    expect(suppressed!.expected.suppression).toEqual({ kind: "maintenance", windowId });
    const onDevice = (await (
      await admin.get(`/api/alerts?deviceId=${suppressed!.device.id}&status=suppressed&limit=200`)
    ).json()) as { alerts: AlertView[] };
    expect(onDevice.alerts.map((a) => a.id)).toContain(suppressed!.id);
    const since = await alertsCreatedSince(admin, pickedUp);
    expect(since.length).toBeGreaterThan(0);
    for (const a of since) {
      expect(a.status, `alert #${a.id} (${a.detector} on ${a.device.name}, created ${a.createdAt})`).toBe("suppressed");
      expect(a.expected.maintenanceWindowId, `alert #${a.id}`).toBe(windowId);
    }

    // the alert's page says so
    await page.goto(`/alerts/${suppressed!.id}`);
    await expect(page.getByTestId("alert-detail").locator('[data-status="suppressed"]').first()).toBeVisible();

    // delete the window through the UI
    await page.goto("/maintenance");
    await page.getByRole("button", { name: `Delete the window “${reason}”` }).click();
    await page.getByRole("group", { name: `Confirm: delete the window “${reason}”` }).getByRole("button", { name: "Confirm delete" }).click();
    await expect(page.getByTestId("maintenance-page").locator(`[data-window-id="${windowId}"]`)).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("maintenance-timeline")).toBeVisible();
    await expect(page.getByText(reason)).toHaveCount(0);
  } finally {
    // if the test stopped before deleting it, the window must not suppress the alerts of later specs
    const { windows } = (await (await admin.get("/api/maintenance-windows")).json()) as { windows: { id: number; reason: string }[] };
    for (const w of windows.filter((w) => w.reason === reason)) await admin.delete(`/api/maintenance-windows/${w.id}`, JSON_WRITE);
    await admin.dispose();
  }
});

interface SettingsBody {
  detectors: { id: string; effective: Record<string, unknown>; overrides: { id: number; scope: string; target: string | null; config: Record<string, unknown> }[] }[];
}

test(`an admin's ${DETECTOR} bar is audited and used by the worker, then removed`, async ({ page, baseURL }) => {
  test.setTimeout(420_000);
  const admin = await adminApi(baseURL);
  const settingsOf = async () => ((await (await admin.get("/api/detector-settings")).json()) as SettingsBody).detectors.find((d) => d.id === DETECTOR)!;
  const before = await settingsOf();
  const globalBefore = before.overrides.find((o) => o.scope === "global");
  expect(before.effective[FIELD]).not.toBe(THRESHOLD);
  try {
    await logInWithForm(page);
    await page.goto("/tuning");
    await expect(page.getByTestId("tuning-page")).toBeVisible();
    await page.getByRole("button", { name: `Tune ${DETECTOR}` }).click();
    await expect(page.getByTestId("tuning-detector")).toHaveAttribute("data-detector", DETECTOR);
    // the curve has labels before any analyst judged: the worker labels the demo's alerts with its ground truth
    await expect
      .poll(async () => (await (await admin.get(`/api/detector-settings/feedback-curve?detector=${DETECTOR}`)).json()).sources.scenarios, { timeout: 180_000 })
      .toBeGreaterThan(0);

    const tuner = page.getByRole("region", { name: "Apply a threshold" });
    await expect(tuner.getByLabel("Applies to")).toHaveValue("global");
    await tuner.getByLabel(`${FIELD} (alert threshold)`).fill(String(THRESHOLD));
    // what-if answers for the typed threshold
    await expect(page.getByTestId("tuning-what-if")).toBeVisible();
    await expect(tuner.getByText(`Will set ${FIELD} ${THRESHOLD}.`)).toBeVisible();
    await tuner.getByRole("button", { name: "Apply" }).click();
    const applied = `set ${DETECTOR} for all devices: ${FIELD} ${THRESHOLD}`;
    await expect(page.getByTestId("tuning-applied")).toContainText(applied);
    const appliedAt = Date.now();

    // the audited change and the new override are listed; the fleet-wide threshold shows it
    await expect(page.getByTestId("tuning-changes").locator("li").first()).toContainText(applied);
    const overrideRow = page.getByTestId("tuning-overrides").locator("tr", { hasText: "all devices" });
    await expect(overrideRow).toContainText(`${FIELD} ${THRESHOLD}`);
    await expect(page.getByTestId("tuning-detectors").locator(`tr[data-detector="${DETECTOR}"]`)).toContainText(`${FIELD} ${THRESHOLD}`);
    await expect(page.getByTestId("tuning-effective").locator(`[data-field="${FIELD}"]`)).toContainText(String(THRESHOLD));
    expect((await settingsOf()).effective[FIELD]).toBe(THRESHOLD);

    // After the worker's next settings read, every alert the detector records is at least that rare
    // (its score is the rarity in days), and its usual range is drawn at ±3 spreads around the expected.
    const pickedUp = appliedAt + SETTINGS_PICKUP_MS;
    let fromDetector: AlertView[] = [];
    await expect
      .poll(
        async () => {
          fromDetector = (await alertsCreatedSince(admin, pickedUp)).filter((a) => a.detector === DETECTOR);
          return fromDetector.length;
        },
        { timeout: 300_000, intervals: [5_000], message: `a new ${DETECTOR} alert after the worker read the setting` },
      )
      .toBeGreaterThan(0);
    // (a bound can be clamped to the metric's range, e.g. CPU to 0–100 %: then it is nearer the expected)
    const spreads: number[] = [];
    for (const a of fromDetector) {
      expect(a.score, `alert #${a.id} on ${a.device.name} (${a.metric})`).toBeGreaterThanOrEqual(THRESHOLD);
      const { mean, std, high, low } = a.expected;
      expect(std, `alert #${a.id}: std`).toBeGreaterThan(0);
      spreads.push(Math.max((high - mean!) / std!, (mean! - low) / std!));
    }
    for (const s of spreads) expect(s).toBeLessThanOrEqual(3 + 1e-6);
    expect(spreads.some((s) => Math.abs(s - 3) < 1e-3), `usual ranges in spreads: ${spreads.join(", ")}`).toBe(true);

    // remove the override through the UI
    await overrideRow.getByRole("button", { name: "Remove the override for all devices" }).click();
    await page.getByRole("button", { name: "Confirm remove" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Removed and audited" })).toContainText(`removed ${DETECTOR}'s setting for all devices`);
    await expect(page.getByTestId("tuning-changes").locator("li").first()).toContainText(`removed ${DETECTOR}'s setting for all devices`);
    await expect(page.getByTestId("tuning-detectors").locator(`tr[data-detector="${DETECTOR}"]`)).toContainText(`${FIELD} ${String(before.effective[FIELD])}`);
    expect((await settingsOf()).effective[FIELD]).toBe(before.effective[FIELD]);
  } finally {
    // back to what it was, whatever happened above
    const now = await settingsOf();
    const global = now.overrides.find((o) => o.scope === "global");
    if (globalBefore) {
      if (JSON.stringify(global?.config) !== JSON.stringify(globalBefore.config)) {
        await admin.put("/api/detector-settings", { data: { detector: DETECTOR, scope: "global", config: globalBefore.config } });
      }
    } else if (global) {
      await admin.delete(`/api/detector-settings/${global.id}`, JSON_WRITE);
    }
    await admin.dispose();
  }
});
