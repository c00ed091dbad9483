"use client";
// Refetches the Overview panels when alerts are created or change and when a device's status
// changes. The panels are aggregates (counts, rates, buckets) that an event cannot be applied to
// in place, so they are fetched again — at most once per REFRESH_EVERY_MS however many events a
// burst brings (an incident raising dozens of alerts, a replay after reconnecting).
//
// It listens on a stream of its own while the Overview is on screen, beside the app-wide one in
// components/live-events.tsx, which has no hook for other listeners. That is one more connection to
// the server per Overview tab (browsers allow six per host over HTTP/1.1): calling overviewRefresher
// from live-events.tsx's listeners instead would share the one stream. The browser resumes this one
// with Last-Event-ID after a drop; a replayed burst is one refetch.
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { EventType } from "@/lib/events/event-types";
import { overviewQueryKeys } from "./overview-query-keys";
import { throttle, type Throttled } from "./throttle";

const STREAM_URL = "/api/stream";
const REFRESH_EVERY_MS = 2_000;
const RETRY_MS = 5_000;
const REFRESHING_EVENTS: readonly EventType[] = ["alert.created", "alert.updated", "device.status"];

/** Invalidates the Overview panels, at most once per REFRESH_EVERY_MS however often it is called. */
export function overviewRefresher(queryClient: QueryClient): Throttled {
  return throttle(() => void queryClient.invalidateQueries({ queryKey: overviewQueryKeys.all }), REFRESH_EVERY_MS);
}

export function useOverviewLiveRefresh(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const refresh = overviewRefresher(queryClient);
    let source: EventSource | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let everOpened = false;

    const connect = () => {
      const es = new EventSource(STREAM_URL);
      source = es;
      es.onopen = () => {
        // a new stream starts at the newest event: what happened while there was none is fetched
        if (everOpened) refresh();
        everOpened = true;
      };
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) return; // the browser retries by itself
        es.close();
        retryTimer = setTimeout(connect, RETRY_MS);
      };
      for (const type of REFRESHING_EVENTS) es.addEventListener(type, refresh);
    };

    connect();
    return () => {
      clearTimeout(retryTimer);
      refresh.cancel();
      source?.close();
    };
  }, [queryClient]);
}
