"use client";
// The mitigation lists (an alert's, a campaign's, the active ones) and the analysts' actions on them.
// The lists refetch on the live stream's mitigation.updated (components/live-events.tsx), so a change
// made by the worker's controller (announced, expired) or by another analyst shows up at once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/components/api/fetch-json";
import type { MitigationView, PlaybookSettingsView } from "@/lib/mitigation/mitigation-view";
import type { MitigationsResponse } from "@/lib/mitigation/mitigation-service";
import { mitigationQueryKeys } from "./mitigation-query-keys";

export function useMitigations(scope: { alertId?: number; campaignId?: number; status?: "active" | "open" | "all"; limit?: number }) {
  const params = new URLSearchParams();
  if (scope.alertId !== undefined) params.set("alertId", String(scope.alertId));
  if (scope.campaignId !== undefined) params.set("campaignId", String(scope.campaignId));
  if (scope.status) params.set("status", scope.status);
  if (scope.limit) params.set("limit", String(scope.limit));
  return useQuery({
    queryKey: mitigationQueryKeys.list(scope),
    queryFn: () => fetchJson<MitigationsResponse>(`/api/mitigations?${params}`),
  });
}

export type MitigationActionInput =
  | { id: number; action: "approve" }
  | { id: number; action: "deny" | "withdraw"; reason?: string }
  | { id: number; action: "extend"; minutes: number };

export function useMitigationAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ["mitigation-action"],
    mutationFn: ({ id, action, ...body }: MitigationActionInput) => fetchJson<MitigationView>(`/api/mitigations/${id}/${action}`, { method: "POST", json: body }),
    // a refusal also changes the row (refused, with its reason): refetch either way
    onSettled: () => void queryClient.invalidateQueries({ queryKey: mitigationQueryKeys.all }),
  });
}

export function usePlaybooks() {
  return useQuery({
    queryKey: mitigationQueryKeys.playbooks,
    queryFn: () => fetchJson<{ playbooks: PlaybookSettingsView[] }>("/api/mitigation-playbooks"),
  });
}

export function useUpdatePlaybook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ["mitigation-playbook"],
    mutationFn: ({ id, ...patch }: { id: string; enabled?: boolean; automatic?: boolean; ttlMinutes?: number }) =>
      fetchJson<PlaybookSettingsView>(`/api/mitigation-playbooks/${id}`, { method: "PATCH", json: patch }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: mitigationQueryKeys.playbooks }),
  });
}
