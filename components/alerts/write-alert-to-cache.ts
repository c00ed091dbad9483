// Puts a newer copy of an alert into every cache that holds it. Used by the live stream (whose
// copies carry `feedback.mine: null`, so the cached verdict is kept) and by the feedback mutation
// (whose answer carries the real verdict).
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type { AlertPage, AlertView } from "@/lib/alerts/alert-view";
import { alertQueryKeys } from "./alert-query-keys";
import { FEED_CAP } from "./use-alert-feed";

export interface WriteAlertOptions {
  /** Add the alert to the Overview feed when it is not there yet (alert.created). */
  addToFeed?: boolean;
  /** Keep the cached `feedback.mine` (true for live events, which never know the viewer). */
  keepMine?: boolean;
}

export function writeAlertToCache(queryClient: QueryClient, incoming: AlertView, options: WriteAlertOptions = {}): void {
  const merge = (cached: AlertView | undefined): AlertView | undefined => {
    if (!cached) return incoming;
    // Events can be replayed after a reconnect; never let an older copy overwrite a newer one
    // (but an older answer to our own feedback still knows our verdict best).
    if (Date.parse(incoming.updatedAt) < Date.parse(cached.updatedAt)) {
      return options.keepMine ? undefined : withMine(cached, incoming.feedback.mine);
    }
    return options.keepMine ? withMine(incoming, cached.feedback.mine) : incoming;
  };

  const replaceIn = (page: AlertPage): AlertPage => {
    const index = page.alerts.findIndex((a) => a.id === incoming.id);
    if (index < 0) return page;
    const next = merge(page.alerts[index]);
    if (!next) return page;
    const alerts = page.alerts.slice();
    alerts[index] = next;
    return { ...page, alerts };
  };

  queryClient.setQueriesData<AlertPage>({ queryKey: alertQueryKeys.lists }, (page) => (page ? replaceIn(page) : page));
  // The Anomalies table: rows change in place; new alerts are announced, not inserted, so the row
  // under the analyst's keyboard cursor never moves (see use-alert-arrivals).
  queryClient.setQueriesData<InfiniteData<AlertPage>>({ queryKey: alertQueryKeys.tables }, (data) => {
    if (!data) return data;
    const pages = data.pages.map(replaceIn);
    return pages.every((p, i) => p === data.pages[i]) ? data : { ...data, pages };
  });

  if (options.addToFeed) {
    queryClient.setQueryData<AlertPage>(alertQueryKeys.feed, (page) => {
      if (!page || page.alerts.some((a) => a.id === incoming.id)) return page;
      return { ...page, alerts: insertNewestFirst(page.alerts, incoming).slice(0, FEED_CAP) };
    });
  }

  queryClient.setQueryData<AlertView>(alertQueryKeys.detail(incoming.id), (cached) => {
    if (!cached) return cached; // not viewed yet: it is fetched in full when opened
    return merge(cached) ?? cached;
  });
}

function withMine(alert: AlertView, mine: AlertView["feedback"]["mine"]): AlertView {
  return alert.feedback.mine === mine ? alert : { ...alert, feedback: { ...alert.feedback, mine } };
}

/** Same order as the API: createdAt descending, then id descending. */
function insertNewestFirst(alerts: AlertView[], alert: AlertView): AlertView[] {
  const created = Date.parse(alert.createdAt);
  const index = alerts.findIndex((a) => {
    const other = Date.parse(a.createdAt);
    return other < created || (other === created && a.id < alert.id);
  });
  if (index < 0) return [...alerts, alert];
  return [...alerts.slice(0, index), alert, ...alerts.slice(index)];
}
