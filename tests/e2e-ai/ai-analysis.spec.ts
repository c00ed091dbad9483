// AI triage in a real browser, the demo's alerts analysed through a local fake of the Messages API:
// the alert page shows the analysis beside the unchanged explanation (verdict, causes, commands,
// actions, tokens and cost), an analyst's Agree is counted, and the Overview shows the day's spend.
import { expect, test } from "@playwright/test";
import { logInWithForm } from "../e2e/session";

interface AnalysisResponse {
  analysis: { status: string; costUsd: number; verdicts: { agree: number; disagree: number } } | null;
}

test("a demo alert's AI analysis shows on its page, Agree is counted, and the Overview shows the spend", async ({ page }) => {
  test.setTimeout(360_000);
  await logInWithForm(page);

  // the worker analyses the demo's high and critical alerts in the background
  let alert: { id: number; explanation: string } | undefined;
  await expect
    .poll(
      async () => {
        const { alerts } = (await (await page.request.get("/api/alerts?severity=high,critical&limit=20")).json()) as { alerts: { id: number; explanation: string }[] };
        for (const a of alerts) {
          const r = (await (await page.request.get(`/api/alerts/${a.id}/analysis`)).json()) as AnalysisResponse;
          if (r.analysis?.status === "ok") {
            alert = a;
            return true;
          }
        }
        return false;
      },
      { timeout: 300_000, intervals: [3_000] },
    )
    .toBe(true);
  const sent = (await (await page.request.get(`${process.env.FAKE_ANTHROPIC_URL}/_fake/requests`)).json()) as { raw: string }[];
  expect(sent.length).toBeGreaterThan(0);

  await page.goto(`/alerts/${alert!.id}`);
  await expect(page.getByTestId("alert-explanation")).toHaveText(alert!.explanation);
  const panel = page.getByTestId("ai-analysis");
  const body = panel.getByTestId("ai-analysis-body");
  await expect(body).toContainText("Likely legitimate");
  await expect(body).toContainText("70% confidence");
  await expect(body.getByRole("listitem").filter({ hasText: "Nightly backup ran late" })).toContainText("60%");
  await expect(body.locator("code")).toHaveText("show processes cpu sorted");
  await expect(panel.getByTestId("ai-analysis-cost")).toContainText("claude-sonnet-5-5");

  const agree = panel.getByRole("button", { name: "Agree", exact: true });
  await agree.click();
  await expect(agree).toHaveAttribute("aria-pressed", "true");
  await expect(panel.getByTestId("ai-analysis-verdicts")).toHaveText("1 agree · 0 disagree");
  await page.reload();
  await expect(page.getByTestId("ai-analysis").getByTestId("ai-analysis-verdicts")).toHaveText("1 agree · 0 disagree");
  await page.getByTestId("ai-analysis").screenshot({ path: "test-results/screenshots/ai-analysis-panel.png" });

  await page.goto("/");
  const spend = page.getByTestId("ai-spend");
  await expect(spend.getByRole("heading", { name: "AI triage" })).toBeVisible();
  await expect(spend).not.toContainText("Off:");
  await expect(spend.getByTestId("ai-spend-calls")).toContainText("of 100 calls");
  expect(Number(await spend.getByTestId("ai-spend-usd").getAttribute("data-cost"))).toBeGreaterThan(0);
  await expect(spend.getByTestId("ai-agreement")).toContainText("Analysts agreed with 100% of 1 judged analyses");
});
