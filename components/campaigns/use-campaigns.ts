"use client";
import { useQuery } from "@tanstack/react-query";
import type { CampaignsResponse } from "@/lib/dashboards/campaign-summary";
import { fetchJson } from "@/components/api/fetch-json";
import { campaignQueryKeys } from "./campaign-query-keys";

export const CAMPAIGN_PAGE_SIZE = 50;

/** Correlated campaigns, most recently active first; refreshed by the live stream. */
export function useCampaigns(limit = CAMPAIGN_PAGE_SIZE) {
  return useQuery({
    queryKey: campaignQueryKeys.list(limit),
    queryFn: ({ signal }) => fetchJson<CampaignsResponse>(`/api/campaigns?limit=${limit}`, { signal }),
    select: (data) => data.campaigns,
  });
}
