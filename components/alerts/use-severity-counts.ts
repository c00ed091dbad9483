"use client";
import { useQuery } from "@tanstack/react-query";
import type { SeverityCounts } from "@/lib/alerts/alert-view";
import { fetchJson } from "@/components/api/fetch-json";
import { alertQueryKeys } from "./alert-query-keys";

/** Open + acknowledged alerts by severity; the live stream invalidates it on every alert event. */
export function useSeverityCounts() {
  return useQuery({
    queryKey: alertQueryKeys.counts,
    queryFn: ({ signal }) => fetchJson<{ bySeverity: SeverityCounts }>("/api/alerts/counts", { signal }),
    select: (data) => data.bySeverity,
  });
}
