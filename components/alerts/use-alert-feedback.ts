"use client";
// Records the current user's verdict on an alert. Every cached copy of the alert changes at once
// (optimistically) and rolls back if the server refuses; the server's answer then goes everywhere.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AlertView, VERDICTS } from "@/lib/alerts/alert-view";
import { fetchJson } from "@/components/api/fetch-json";
import { alertQueryKeys } from "./alert-query-keys";
import { findCachedAlert } from "./find-cached-alert";
import { writeAlertToCache } from "./write-alert-to-cache";

export type Verdict = (typeof VERDICTS)[number];

export interface FeedbackInput {
  alertId: number;
  verdict: Verdict;
  note?: string;
}

export function useAlertFeedback() {
  const queryClient = useQueryClient();

  return useMutation({
    mutationKey: ["alert-feedback"],
    mutationFn: ({ alertId, ...body }: FeedbackInput) =>
      fetchJson<AlertView>(`/api/alerts/${alertId}/feedback`, { method: "POST", json: body }),
    onMutate: async (input) => {
      await queryClient.cancelQueries({ queryKey: alertQueryKeys.detail(input.alertId), exact: true });
      const previous = findCachedAlert(queryClient, input.alertId);
      if (previous) writeAlertToCache(queryClient, withVerdict(previous, input.verdict));
      return { previous };
    },
    onError: (_error, _input, context) => {
      if (context?.previous) writeAlertToCache(queryClient, context.previous);
    },
    onSuccess: (alert) => {
      if (!queryClient.getQueryData<AlertView>(alertQueryKeys.detail(alert.id))) {
        queryClient.setQueryData<AlertView>(alertQueryKeys.detail(alert.id), alert);
      }
      writeAlertToCache(queryClient, alert);
      void queryClient.invalidateQueries({ queryKey: alertQueryKeys.counts });
    },
  });
}

/** The alert as it will look once the verdict is recorded: counts moved from the old verdict to the new. */
export function withVerdict(alert: AlertView, verdict: Verdict): AlertView {
  const { truePositive, falsePositive, mine } = alert.feedback;
  if (mine === verdict) return alert;
  const delta = (v: Verdict) => (verdict === v ? 1 : 0) - (mine === v ? 1 : 0);
  return {
    ...alert,
    feedback: {
      truePositive: Math.max(0, truePositive + delta("true_positive")),
      falsePositive: Math.max(0, falsePositive + delta("false_positive")),
      mine: verdict,
    },
  };
}
