"use client";
// Today's AI triage spend against its daily budget (calls and dollars), and how often analysts agreed
// with the analyses over the last 7 days.
import type { AiSpendView } from "@/lib/ai/triage-service";
import { formatCount, formatPercent } from "./overview-format";

const usd = (n: number) => `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`;

export function AiSpendPanel({ spend }: { spend: AiSpendView }) {
  const judged = spend.agree7d + spend.disagree7d;
  return (
    <section className="panel overview-panel" aria-labelledby="ai-spend-heading" data-testid="ai-spend">
      <div className="panel-header">
        <h2 id="ai-spend-heading">AI triage</h2>
        <span className="faint">today (UTC) · {spend.model}</span>
      </div>
      <div className="panel-body stack">
        {!spend.enabled ? <p className="muted">Off: set ANTHROPIC_API_KEY to have Claude analyse alerts.</p> : null}
        <p className="overview-big-number" data-testid="ai-spend-usd" data-cost={spend.costUsd}>
          <strong>{usd(spend.costUsd)}</strong>
          <span className="muted">{spend.budgetUsd === null ? "no dollar budget set (AI_DAILY_BUDGET_USD)" : `of ${usd(spend.budgetUsd)} budget`}</span>
        </p>
        <p className="muted" data-testid="ai-spend-calls">
          {formatCount(spend.calls)} of {formatCount(spend.callLimit)} calls · {formatCount(spend.analysed)} alerts analysed
        </p>
        <p className="faint" data-testid="ai-agreement">
          {judged === 0 ? "No analyst has judged an AI analysis in the last 7 days." : `Analysts agreed with ${formatPercent(spend.agree7d / judged)} of ${formatCount(judged)} judged analyses (7 days).`}
        </p>
      </div>
    </section>
  );
}
