"use client";
// Status changes and "assign to me", optimistic like the verdicts: every cached copy changes at once
// and rolls back if the server refuses. Bulk changes wait for the server (it may skip some rows).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AlertView } from "@/lib/alerts/alert-view";
import type { AlertPatch, TriageStatus } from "@/lib/alerts/alert-triage";
import { fetchJson } from "@/components/api/fetch-json";
import { useCurrentUser } from "@/components/current-user";
import { alertQueryKeys } from "./alert-query-keys";
import { findCachedAlert } from "./find-cached-alert";
import { writeAlertToCache } from "./write-alert-to-cache";

export function useAlertTriage() {
  const queryClient = useQueryClient();
  const user = useCurrentUser();

  return useMutation({
    mutationKey: ["alert-triage"],
    mutationFn: ({ alertId, patch }: { alertId: number; patch: AlertPatch }) =>
      fetchJson<AlertView>(`/api/alerts/${alertId}`, { method: "PATCH", json: patch }),
    onMutate: async ({ alertId, patch }) => {
      await queryClient.cancelQueries({ queryKey: alertQueryKeys.detail(alertId), exact: true });
      const previous = findCachedAlert(queryClient, alertId);
      if (previous) writeAlertToCache(queryClient, withPatch(previous, patch, user));
      return { previous };
    },
    onError: (_error, _input, context) => {
      if (context?.previous) writeAlertToCache(queryClient, context.previous);
    },
    onSuccess: (alert) => {
      writeAlertToCache(queryClient, alert);
      void queryClient.invalidateQueries({ queryKey: alertQueryKeys.counts });
    },
  });
}

export function useBulkTriage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ["alert-bulk-triage"],
    mutationFn: (input: { ids: number[]; status: TriageStatus }) =>
      fetchJson<{ changed: number[]; skipped: { id: number; reason: string }[] }>("/api/alerts/bulk", { method: "POST", json: input }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: alertQueryKeys.all });
    },
  });
}

function withPatch(alert: AlertView, patch: AlertPatch, user: { id: number; name: string }): AlertView {
  const now = new Date().toISOString();
  const next: AlertView = { ...alert };
  if (patch.status && alert.status !== "suppressed") {
    next.status = patch.status;
    if (patch.status === "acknowledged") next.acknowledgedAt = now;
    if (patch.status === "resolved") next.resolvedAt = now;
    if (patch.status === "open") {
      next.acknowledgedAt = null;
      next.resolvedAt = null;
    }
  }
  if (patch.assignee !== undefined) next.assignee = patch.assignee === "me" ? { id: user.id, name: user.name } : null;
  return next;
}
