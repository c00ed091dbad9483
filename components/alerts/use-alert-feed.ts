"use client";
import { useQuery } from "@tanstack/react-query";
import type { AlertPage } from "@/lib/alerts/alert-view";
import { fetchJson } from "@/components/api/fetch-json";
import { alertQueryKeys } from "./alert-query-keys";

/** Alerts the feed loads; live events add to the top, up to FEED_CAP. */
export const FEED_PAGE_SIZE = 50;
export const FEED_CAP = 100;

/** The Overview feed: the newest alerts of any status, kept current by the live stream. */
export function useAlertFeed() {
  return useQuery({
    queryKey: alertQueryKeys.feed,
    queryFn: ({ signal }) => fetchJson<AlertPage>(`/api/alerts?limit=${FEED_PAGE_SIZE}`, { signal }),
  });
}
