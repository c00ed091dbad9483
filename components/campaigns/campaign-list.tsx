"use client";
// The Campaigns page body: correlated incidents, most recently active first. The live stream's
// "campaign.updated" refetches the list; campaigns that appear after the first load flash once.
import { useState } from "react";
import { LoadError } from "@/components/ui/load-error";
import { CampaignCard } from "./campaign-card";
import { CAMPAIGN_PAGE_SIZE, useCampaigns } from "./use-campaigns";

export function CampaignList() {
  const { data: campaigns, isPending, isError, error, refetch, isFetching } = useCampaigns();
  const [initialIds, setInitialIds] = useState<ReadonlySet<number> | null>(null);
  if (campaigns && initialIds === null) setInitialIds(new Set(campaigns.map((c) => c.id)));
  const isNew = (id: number) => initialIds !== null && !initialIds.has(id);

  if (isPending) return <CampaignsSkeleton />;
  if (isError && !campaigns) {
    return (
      <div className="panel">
        <LoadError what="the campaigns" error={error} onRetry={() => void refetch()} retrying={isFetching} />
      </div>
    );
  }
  if (campaigns.length === 0) {
    return (
      <div className="panel empty-state" data-testid="campaigns-empty">
        <strong>No campaigns yet.</strong>
        <span>
          When threats of different types hit the same device within 15 minutes (say a DDoS covering a data exfiltration),
          the worker correlates them into one campaign with an escalated severity. It appears here as it happens; nothing
          to do until then.
        </span>
      </div>
    );
  }
  return (
    <div className="stack" data-testid="campaign-list">
      <p className="faint" aria-live="polite">
        {campaigns.length === 1 ? "1 campaign" : `${campaigns.length} campaigns`}
        {campaigns.length >= CAMPAIGN_PAGE_SIZE ? ` (the ${CAMPAIGN_PAGE_SIZE} most recent)` : ""}, most recently active first.
      </p>
      {campaigns.map((c) => (
        <CampaignCard key={c.id} campaign={c} isNew={isNew(c.id)} />
      ))}
    </div>
  );
}

function CampaignsSkeleton() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading campaigns">
      {Array.from({ length: 3 }, (_, i) => (
        <div key={i} className="panel panel-body stack">
          <span className="skeleton" style={{ width: "min(24rem, 70%)", height: "1.4rem" }} />
          <span className="skeleton" style={{ width: "min(36rem, 90%)" }} />
          <span className="skeleton" style={{ height: "1.6rem" }} />
          <span className="skeleton" style={{ height: "1.6rem" }} />
        </div>
      ))}
    </div>
  );
}
