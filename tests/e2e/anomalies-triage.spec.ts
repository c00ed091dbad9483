// Keyboard triage on the Anomalies page in a real browser against the demo's live alerts: j/k move,
// f gives "False positive" and the alert updates everywhere live (another analyst's open detail page),
// a acknowledges, Enter opens; filters live in the URL; bulk acknowledge; the CSV export.
import { expect, request as newRequest, test, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createUserAsAdmin, logInWithApi, logInWithForm } from "./session";

const ANALYST = { email: "triage-analyst@tidewatch.local", name: "Tess Triage", role: "analyst" as const, password: "triage-analyst-password" };

/** Waits for at least `n` rows, showing announced arrivals (a table with rows announces new alerts). */
async function waitForRows(page: Page, n: number, timeout: number): Promise<void> {
  const rows = page.getByTestId("anomaly-row");
  const show = page.getByRole("status").getByRole("button", { name: "Show" });
  await expect
    .poll(
      async () => {
        if (await show.isVisible()) await show.click();
        return rows.count();
      },
      { timeout, intervals: [2_000] },
    )
    .toBeGreaterThanOrEqual(n);
}

async function activeRowId(page: Page): Promise<string> {
  const id = await page.locator('[data-testid="anomaly-row"][data-active="true"]').getAttribute("data-alert-id");
  expect(id).toBeTruthy();
  return id!;
}

test("keyboard triage: f marks a false positive everywhere live, a acknowledges, Enter opens", async ({ page, browser, baseURL }) => {
  test.setTimeout(300_000);
  const admin = await newRequest.newContext({ baseURL });
  await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await createUserAsAdmin(admin, ANALYST);

  await logInWithForm(page, ANALYST.email, ANALYST.password);
  // open alerts only, so acknowledging is a visible change
  await page.goto("/anomalies?status=open");
  await expect(page.getByRole("heading", { name: "Anomalies" })).toBeVisible();
  const rows = page.getByTestId("anomaly-row");
  // An empty table fills itself as alerts arrive; a table with rows announces them ("Show").
  await waitForRows(page, 2, 240_000);

  await expect(rows.first()).toHaveAttribute("data-active", "true");
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toHaveAttribute("data-active", "true");
  await page.keyboard.press("k");
  await expect(rows.first()).toHaveAttribute("data-active", "true");
  await page.keyboard.press("j");
  const id = await activeRowId(page);
  const row = page.locator(`[data-testid="anomaly-row"][data-alert-id="${id}"]`);

  // the admin has the same alert open in another browser
  const adminContext = await browser.newContext();
  const watcher = await adminContext.newPage();
  await logInWithForm(watcher);
  await watcher.goto(`/alerts/${id}`);
  const before = (await (await admin.get(`/api/alerts/${id}`)).json()).feedback as { truePositive: number; falsePositive: number };
  await expect(watcher.getByTestId("feedback-counts")).toContainText(`${before.falsePositive} false positive`);
  await expect(watcher.getByTestId("triage-status")).toHaveText("open");

  await page.keyboard.press("f");
  await expect(row.getByTestId("row-verdict")).toHaveText("False positive");
  await expect(page.getByTestId("triage-message")).toHaveText(`Alert #${id} marked false positive.`);
  await expect(watcher.getByTestId("feedback-counts")).toContainText(`${before.falsePositive + 1} false positive`);
  const votes = before.truePositive + before.falsePositive + 1;
  const agree = Math.round((Math.max(before.truePositive, before.falsePositive + 1) / votes) * 100);
  await expect(watcher.getByTestId("feedback-agreement")).toHaveText(`${votes} ${votes === 1 ? "vote" : "votes"} · ${agree}% agree`);

  await page.keyboard.press("a");
  await expect(row.locator(".status-badge")).toHaveText("acknowledged");
  await expect(watcher.getByTestId("triage-status")).toHaveText("acknowledged");

  // the verdict and status were stored, not just drawn
  const stored = await (await admin.get(`/api/alerts/${id}`)).json();
  expect(stored.feedback.falsePositive).toBe(before.falsePositive + 1);
  expect(stored.status).toBe("acknowledged");

  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/alerts/${id}$`));
  await expect(page.getByTestId("alert-detail")).toHaveAttribute("data-alert-id", id);
  await expect(page.getByTestId("my-verdict")).toContainText("False positive");
  await adminContext.close();
  await admin.dispose();
});

test("filters live in the URL; bulk acknowledge and the CSV export follow them", async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  await logInWithForm(page);
  await page.goto("/anomalies");
  const rows = page.getByTestId("anomaly-row");
  await waitForRows(page, 1, 120_000);

  await page.getByRole("group", { name: "Status" }).getByRole("button", { name: "open" }).click();
  await expect(page).toHaveURL(/[?&]status=open/);
  await page.getByLabel("Time range").selectOption("24h");
  await expect(page).toHaveURL(/range=24h/);
  await page.reload();
  await expect(page.getByRole("group", { name: "Status" }).getByRole("button", { name: "open" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("Time range")).toHaveValue("24h");
  await waitForRows(page, 2, 240_000);
  for (const status of await rows.locator(".status-badge").allTextContents()) expect(status).toBe("open");

  // select two with x and acknowledge them together
  const first = await rows.nth(0).getAttribute("data-alert-id");
  const second = await rows.nth(1).getAttribute("data-alert-id");
  await page.keyboard.press("x");
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await page.getByRole("button", { name: "Acknowledge selected (2)" }).click();
  await expect(page.getByTestId("triage-message")).toHaveText("Acknowledged 2 alerts.");
  const api = await newRequest.newContext({ baseURL });
  await logInWithApi(api, ADMIN_EMAIL, ADMIN_PASSWORD);
  for (const id of [first, second]) expect((await (await api.get(`/api/alerts/${id}`)).json()).status).toBe("acknowledged");

  // the export link carries the page's filters
  const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  expect(href).toMatch(/status=open/);
  const csv = await api.get(href!);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trimEnd().split("\r\n");
  expect(lines[0]).toMatch(/^id,created_at,observed_at,severity,status/);
  for (const line of lines.slice(1)) expect(line.split(",")[4]).toBe("open");
  await api.dispose();
});

test("a verdict the server refuses shows at once, then rolls back with a message", async ({ page }) => {
  test.setTimeout(240_000);
  await logInWithForm(page);
  await page.goto("/anomalies?status=open,acknowledged");
  await waitForRows(page, 1, 180_000);
  // the verdicts shown before the key press, by alert: a refetch still landing after "Show" may put a
  // newer alert under the cursor, so the alert acted on is read from the request the key sends
  const rows = page.getByTestId("anomaly-row");
  const shown = new Map<string, string>();
  for (const r of await rows.all()) shown.set((await r.getAttribute("data-alert-id"))!, (await r.getByTestId("row-verdict").textContent()) ?? "");
  expect(shown.get(await activeRowId(page))).not.toBe("True positive");

  // the server is slow and then refuses: the row shows the verdict while waiting, then the old one
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  let sentFor: (id: string) => void = () => undefined;
  const acted = new Promise<string>((r) => (sentFor = r));
  await page.route("**/api/alerts/*/feedback", async (route) => {
    sentFor(route.request().url().match(/\/api\/alerts\/(\d+)\/feedback/)![1]!);
    await held;
    await route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: { code: "unavailable", message: "database is restarting" } }) });
  });
  await page.keyboard.press("t");
  const id = await acted;
  const row = page.locator(`[data-testid="anomaly-row"][data-alert-id="${id}"]`);
  // an alert that arrived after the verdicts were read has none yet
  const before = shown.get(id) ?? "—";
  expect(before).not.toBe("True positive");
  await expect(row.getByTestId("row-verdict")).toHaveText("True positive");
  release();
  await expect(row.getByTestId("row-verdict")).toHaveText(before);
  await expect(page.getByTestId("triage-message")).toHaveText(`Could not record the verdict on alert #${id}: database is restarting.`);
});
