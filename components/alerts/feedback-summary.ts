import type { AlertView } from "@/lib/alerts/alert-view";
import { feedbackAgreement } from "@/lib/alerts/alert-table-filter";

/** "2 true positive · 1 false positive" */
export function feedbackSummary(feedback: AlertView["feedback"]): string {
  return `${feedback.truePositive} true positive · ${feedback.falsePositive} false positive`;
}

/** "3 votes · 67% agree" / "No votes yet" */
export function agreementSummary(feedback: AlertView["feedback"]): string {
  const { votes, agreement } = feedbackAgreement(feedback);
  if (votes === 0 || agreement === null) return "No votes yet";
  return `${votes} ${votes === 1 ? "vote" : "votes"} · ${Math.round(agreement * 100)}% agree`;
}
