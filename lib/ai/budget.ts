// The daily budget in calls and dollars (UTC day). Spending counts every call made today, including
// those in flight at their worst-case cost, so concurrent analyses cannot overshoot it together.
export interface DailyUsage {
  calls: number;
  costUsd: number;
}

export interface BudgetLimits {
  callLimit: number;
  budgetUsd: number | undefined;
}

export type BudgetDecision = { allowed: true } | { allowed: false; reason: string };

export function checkBudget(used: DailyUsage, limits: BudgetLimits, nextCallUsd: number): BudgetDecision {
  if (used.calls >= limits.callLimit) {
    return { allowed: false, reason: `daily call limit reached (${used.calls} of ${limits.callLimit} calls today, AI_DAILY_CALL_LIMIT)` };
  }
  if (limits.budgetUsd !== undefined && used.costUsd + nextCallUsd > limits.budgetUsd) {
    return {
      allowed: false,
      reason: `daily budget reached ($${used.costUsd.toFixed(4)} spent of $${limits.budgetUsd.toFixed(2)} today, AI_DAILY_BUDGET_USD; the next call could cost up to $${nextCallUsd.toFixed(4)})`,
    };
  }
  return { allowed: true };
}

/** Midnight UTC of the day `now` falls in: the budget's day. */
export function budgetDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
