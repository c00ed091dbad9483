// An admin adds a signed webhook on the Integrations page, presses "Send test" and sees it delivered;
// the receiver (a server in this test process) checks the signature. The worker then sends the demo's
// live alerts to it as alert.raised, and the page lists those deliveries; the admin then narrows what
// it sends (the stored secret still signs the next test). The channel is deleted at the end (through
// the UI; through the API as well if the test failed before that).
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, request as newRequest, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, logInWithApi, logInWithForm } from "./session";

const NAME = "e2e webhook";
const SECRET = "e2e-hmac-secret-123";

test("an admin adds a webhook, sends a test and sees the delivery; live alerts follow", async ({ page, baseURL }) => {
  const received: { event: string; signed: boolean; body: Record<string, unknown> }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const sig = `sha256=${crypto.createHmac("sha256", SECRET).update(body).digest("hex")}`;
      const parsed = JSON.parse(body) as Record<string, unknown>;
      received.push({ event: String(parsed.event), signed: req.headers["x-tidewatch-signature"] === sig, body: parsed });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tidewatch`;
  try {
    await logInWithForm(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Integrations" })).toBeVisible();

    await page.getByLabel("Name").fill(NAME);
    await page.getByLabel("Kind").selectOption("webhook");
    await page.getByLabel("URL", { exact: true }).fill(url);
    await page.getByLabel("HMAC signing secret (optional)").fill(SECRET);
    await page.getByRole("button", { name: "Add channel" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Channel added." })).toBeVisible();

    const row = page.locator(`[data-testid="channel-row"][data-name="${NAME}"]`);
    await expect(row).toBeVisible();
    await expect(row).not.toContainText(SECRET);
    await row.getByRole("button", { name: "Send test" }).click();
    await expect(row.getByTestId("test-outcome")).toHaveText("Delivered (HTTP 200).");
    await expect(row).toHaveAttribute("data-health", "healthy");
    // a live alert may have arrived first: the worker sends them as soon as the channel exists
    expect(received.filter((r) => r.event === "test")).toMatchObject([{ signed: true, body: { alert: { type: "test" } } }]);

    // the demo keeps raising alerts: the worker's sender delivers them signed, within seconds
    await expect.poll(() => received.filter((r) => r.event === "alert.raised").length, { timeout: 120_000 }).toBeGreaterThan(0);
    const raised = received.find((r) => r.event === "alert.raised")!;
    expect(raised.signed).toBe(true);
    expect((raised.body.alert as { url: string }).url).toMatch(/\/alerts\/\d+$/);
    await page.reload();
    await expect(page.locator('[data-testid="delivery-row"][data-status="sent"]').filter({ hasText: "alert.raised" }).first()).toBeVisible();

    // change what it sends: only site hq, quiet at night (the secret stays as stored)
    await row.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByTestId("channel-edit-row");
    await edit.getByLabel("Only these sites").fill("hq");
    await edit.getByLabel("Quiet hours from").fill("22:00");
    await edit.getByLabel("Quiet hours until").fill("06:00");
    await edit.getByRole("button", { name: "Save channel" }).click();
    await expect(edit).toHaveCount(0);
    await expect(row).toContainText("sites hq");
    await expect(row).toContainText("quiet 22:00–06:00");
    received.length = 0;
    await row.getByRole("button", { name: "Send test" }).click();
    await expect(row.getByTestId("test-outcome")).toHaveText("Delivered (HTTP 200).");
    expect(received.filter((r) => r.event === "test")).toMatchObject([{ signed: true }]);

    await row.getByRole("button", { name: "Pause" }).click();
    await expect(row).toHaveAttribute("data-health", "paused");
    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByRole("button", { name: "Confirm" }).click();
    await expect(row).toHaveCount(0);
  } finally {
    server.close();
    const admin = await newRequest.newContext({ baseURL });
    await logInWithApi(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
    const { channels } = (await (await admin.get("/api/notification-channels")).json()) as { channels: { id: number; name: string }[] };
    for (const c of channels.filter((c) => c.name === NAME)) {
      await admin.delete(`/api/notification-channels/${c.id}`, { headers: { "content-type": "application/json" } });
    }
    await admin.dispose();
  }
});
