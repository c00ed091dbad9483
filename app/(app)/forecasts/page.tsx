import type { Metadata } from "next";
import { Suspense } from "react";
import { ForecastsDashboard, ForecastsSkeleton } from "@/components/forecasts/forecasts-dashboard";

export const metadata: Metadata = { title: "Forecasts" };

export default function ForecastsPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1>Forecasts</h1>
        <p className="page-subtitle">
          The next 7 days of a device’s traffic or CPU against what happened, with a warning before capacity runs out.
        </p>
      </header>
      {/* The pickers read the URL's search params, which are only known in the browser. */}
      <Suspense fallback={<ForecastsSkeleton />}>
        <ForecastsDashboard />
      </Suspense>
    </div>
  );
}
