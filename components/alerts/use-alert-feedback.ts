"use client";
// Records the current user's verdict on an alert. The alert's own cache changes at once
// (optimistically) and rolls back if the server refuses; the server's answer then goes everywhere.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AlertView, VERDICTS } from "@/lib/alerts/alert-view";
import { fetchJson } from "@/components/api/fetch-json";
import { alertQueryKeys } from "./alert-query-keys";
import { writeAlertToCache } from "./write-alert-to-cache";

export type Verdict = (typeof VERDICTS)[number];

export interface FeedbackInput {
  verdict: Verdict;
  note?: string;
}

export function useAlertFeedback(id: number) {
  const queryClient = useQueryClient();
  const key = alertQueryKeys.detail(id);

  return useMutation({
    mutationKey: ["alert-feedback", id],
    mutationFn: (input: FeedbackInput) =>
      fetchJson<AlertView>(`/api/alerts/${id}/feedback`, { method: "POST", json: input }),
    onMutate: async (input) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<AlertView>(key);
      if (previous) queryClient.setQueryData<AlertView>(key, withVerdict(previous, input.verdict));
      return { previous };
    },
    onError: (_error, _input, context) => {
      if (context?.previous) queryClient.setQueryData<AlertView>(key, context.previous);
    },
    onSuccess: (alert) => {
      if (!queryClient.getQueryData<AlertView>(key)) queryClient.setQueryData<AlertView>(key, alert);
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
