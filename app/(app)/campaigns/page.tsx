import type { Metadata } from "next";
import { CampaignList } from "@/components/campaigns/campaign-list";

export const metadata: Metadata = { title: "Campaigns" };

export default function CampaignsPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1>Campaigns</h1>
        <p className="page-subtitle">Threats of different types on the same device, close in time, correlated into one incident.</p>
      </header>
      <CampaignList />
    </div>
  );
}
