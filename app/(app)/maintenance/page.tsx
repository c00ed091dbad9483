import type { Metadata } from "next";
import { MaintenanceDashboard } from "@/components/maintenance/maintenance-dashboard";

export const metadata: Metadata = { title: "Maintenance" };

export default function MaintenancePage() {
  return (
    <div className="page" data-testid="maintenance-page">
      <header className="page-header">
        <h1>Maintenance</h1>
        <p className="page-subtitle">
          Planned work, known noise and announced surges: alerts they cover are recorded as suppressed, never raised.
        </p>
      </header>
      <MaintenanceDashboard />
    </div>
  );
}
