"use client";
// Reads and writes of the tuning page. Applying or removing a setting refreshes the settings, the
// what-if numbers and the curves (they depend on the current threshold).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  DetectorSettingChangeResponse,
  DetectorSettingsResponse,
  FeedbackCurveResponse,
  WhatIfResponse,
} from "@/lib/alerts/settings-views";
import { fetchJson } from "@/components/api/fetch-json";
import { scopeQuery, tuningQueryKeys, type TuningScope } from "./tuning-query-keys";

export function useDetectorSettings() {
  return useQuery({
    queryKey: tuningQueryKeys.settings,
    queryFn: ({ signal }) => fetchJson<DetectorSettingsResponse>("/api/detector-settings", { signal }),
  });
}

export function useWhatIf(scope: TuningScope, threshold: number | null) {
  return useQuery({
    queryKey: tuningQueryKeys.whatIf(scope, threshold ?? NaN),
    queryFn: ({ signal }) =>
      fetchJson<WhatIfResponse>(`/api/detector-settings/what-if?${scopeQuery(scope)}&threshold=${threshold}`, { signal }),
    enabled: threshold !== null && (scope.scope === "global" || !!scope.target),
    placeholderData: keepPreviousData,
  });
}

export function useFeedbackCurve(scope: TuningScope) {
  return useQuery({
    queryKey: tuningQueryKeys.curve(scope),
    queryFn: ({ signal }) => fetchJson<FeedbackCurveResponse>(`/api/detector-settings/feedback-curve?${scopeQuery(scope)}`, { signal }),
    enabled: scope.scope === "global" || !!scope.target,
  });
}

export function useApplySetting() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { detector: string; scope: TuningScope["scope"]; target?: string; config: Record<string, number> }) =>
      fetchJson<DetectorSettingChangeResponse>("/api/detector-settings", { method: "PUT", json: body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tuningQueryKeys.all }),
  });
}

export function useDeleteSetting() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => fetchJson<DetectorSettingChangeResponse>(`/api/detector-settings/${id}`, { method: "DELETE" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tuningQueryKeys.all }),
  });
}
