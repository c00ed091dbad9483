import type { AlertView } from "@/lib/alerts/alert-view";

/** "2 true positive · 1 false positive" */
export function feedbackSummary(feedback: AlertView["feedback"]): string {
  return `${feedback.truePositive} true positive · ${feedback.falsePositive} false positive`;
}
