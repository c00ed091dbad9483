import type { Metadata } from "next";
import { TuningDashboard } from "@/components/tuning/tuning-dashboard";
import { PlaybookSettingsPanel } from "@/components/mitigations/playbook-settings-panel";

export const metadata: Metadata = { title: "Tuning" };

export default function TuningPage() {
  return (
    <div className="page" data-testid="tuning-page">
      <header className="page-header">
        <h1>Threshold tuning</h1>
        <p className="page-subtitle">
          See what each detector runs with, try a threshold against the last week&apos;s alerts and the analysts&apos; verdicts, and apply it.
        </p>
      </header>
      <TuningDashboard />
      <PlaybookSettingsPanel />
    </div>
  );
}
