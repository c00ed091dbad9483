import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type { AlertPage, AlertView } from "@/lib/alerts/alert-view";
import { alertQueryKeys } from "./alert-query-keys";

/** The cached copy of an alert, from its own query or any list; undefined when none holds it. */
export function findCachedAlert(queryClient: QueryClient, id: number): AlertView | undefined {
  const own = queryClient.getQueryData<AlertView>(alertQueryKeys.detail(id));
  if (own) return own;
  for (const [, page] of queryClient.getQueriesData<AlertPage>({ queryKey: alertQueryKeys.lists })) {
    const found = page?.alerts.find((a) => a.id === id);
    if (found) return found;
  }
  for (const [, data] of queryClient.getQueriesData<InfiniteData<AlertPage>>({ queryKey: alertQueryKeys.tables })) {
    for (const page of data?.pages ?? []) {
      const found = page.alerts.find((a) => a.id === id);
      if (found) return found;
    }
  }
  return undefined;
}
