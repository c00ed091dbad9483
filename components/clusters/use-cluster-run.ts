"use client";
import { useQuery } from "@tanstack/react-query";
import type { ClustersResponse } from "@/lib/dashboards/cluster-view";
import { fetchJson } from "@/components/api/fetch-json";
import { clusterQueryKeys } from "./cluster-query-keys";

/** The newest peer-group run; null until the worker has clustered the fleet once. */
export function useClusterRun() {
  return useQuery({
    queryKey: clusterQueryKeys.run,
    queryFn: ({ signal }) => fetchJson<ClustersResponse>("/api/clusters", { signal }),
    select: (data) => data.run,
  });
}
