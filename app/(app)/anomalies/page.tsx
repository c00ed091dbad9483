import type { Metadata } from "next";
import { Suspense } from "react";
import { AnomaliesDashboard } from "@/components/anomalies/anomalies-dashboard";

export const metadata: Metadata = { title: "Anomalies" };

export default function AnomaliesPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1>Anomalies</h1>
        <p className="page-subtitle">Every alert, filtered and triaged from the keyboard. Filters are kept in the address, so a view can be shared.</p>
      </header>
      {/* The filters read the URL's search params, which are only known in the browser. */}
      <Suspense fallback={<div className="panel panel-body" aria-busy="true"><span className="skeleton" style={{ height: "8rem" }} /></div>}>
        <AnomaliesDashboard />
      </Suspense>
    </div>
  );
}
