"use client";
import { useQuery } from "@tanstack/react-query";
import type { OverviewView } from "@/lib/dashboards/overview-view";
import { fetchJson } from "@/components/api/fetch-json";
import { overviewQueryKeys } from "./overview-query-keys";

/** Everything the Overview panels show, in one request; kept fresh by the live stream (components/live-events.tsx). */
export function useOverview() {
  return useQuery({
    queryKey: overviewQueryKeys.all,
    queryFn: ({ signal }) => fetchJson<OverviewView>("/api/overview", { signal }),
  });
}
