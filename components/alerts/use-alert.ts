"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { AlertView } from "@/lib/alerts/alert-view";
import { fetchJson } from "@/components/api/fetch-json";
import { alertQueryKeys } from "./alert-query-keys";
import { findCachedAlert } from "./find-cached-alert";

/** One alert. While it loads, the copy from any cached list is shown so a click from the feed is instant. */
export function useAlert(id: number) {
  const queryClient = useQueryClient();
  return useQuery<AlertView>({
    queryKey: alertQueryKeys.detail(id),
    queryFn: ({ signal }) => fetchJson<AlertView>(`/api/alerts/${id}`, { signal }),
    placeholderData: () => findCachedAlert(queryClient, id),
  });
}
