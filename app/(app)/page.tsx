import type { Metadata } from "next";
import { AlertFeed } from "@/components/alerts/alert-feed";
import { SeveritySummary } from "@/components/alerts/severity-summary";
import { OverviewPanels } from "@/components/overview/overview-panels";
import { ActiveMitigationsPanel } from "@/components/mitigations/active-mitigations-panel";

export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1>Overview</h1>
        <p className="page-subtitle">Alerts needing attention, what the detectors raised lately, and whether telemetry is coming in.</p>
      </header>
      <SeveritySummary />
      <OverviewPanels />
      <ActiveMitigationsPanel />
      <AlertFeed />
    </div>
  );
}
