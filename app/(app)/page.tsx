import type { Metadata } from "next";
import { AlertFeed } from "@/components/alerts/alert-feed";
import { SeveritySummary } from "@/components/alerts/severity-summary";

export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1>Overview</h1>
        <p className="page-subtitle">Alerts needing attention and the live feed, newest first.</p>
      </header>
      <SeveritySummary />
      <AlertFeed />
    </div>
  );
}
