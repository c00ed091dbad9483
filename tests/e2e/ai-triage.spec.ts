// AI triage in the browser without an API key (the demo's default): an alert's page shows the "AI
// analysis" panel with the reason there is none next to the unchanged explanation, nothing is sent,
// and the Overview shows AI triage off with no spend. (Analyses themselves are tested against a local
// fake of the Messages API in tests/integration/ai-triage.test.ts.)
import { expect, test } from "@playwright/test";
import { logInWithForm } from "./session";

test("without ANTHROPIC_API_KEY the alert page says why there is no AI analysis and the Overview shows no spend", async ({ page }) => {
  test.setTimeout(300_000);
  await logInWithForm(page);
  let alert: { id: number; explanation: string } | undefined;
  await expect
    .poll(
      async () => {
        const body = (await (await page.request.get("/api/alerts?severity=high,critical&limit=1")).json()) as { alerts: { id: number; explanation: string }[] };
        alert = body.alerts[0];
        return alert !== undefined;
      },
      { timeout: 240_000, intervals: [2_000] },
    )
    .toBe(true);

  await page.goto(`/alerts/${alert!.id}`);
  const panel = page.getByTestId("ai-analysis");
  await expect(panel.getByRole("heading", { name: "AI analysis" })).toBeVisible();
  await expect(panel.getByTestId("ai-analysis-reason")).toContainText("AI triage is off: no ANTHROPIC_API_KEY is set");
  await expect(panel.getByRole("button", { name: "Analyse now" })).toHaveCount(0);
  await expect(page.getByTestId("alert-explanation")).toHaveText(alert!.explanation);

  const api = await (await page.request.get(`/api/alerts/${alert!.id}/analysis`)).json();
  expect(api).toMatchObject({ enabled: false });

  await page.goto("/");
  const spend = page.getByTestId("ai-spend");
  await expect(spend.getByRole("heading", { name: "AI triage" })).toBeVisible();
  await expect(spend).toContainText("Off: set ANTHROPIC_API_KEY");
  await expect(spend.getByTestId("ai-spend-usd")).toHaveAttribute("data-cost", "0");
  await expect(spend.getByTestId("ai-spend-calls")).toContainText("0 of 100 calls");
});
