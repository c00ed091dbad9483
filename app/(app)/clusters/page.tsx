import type { Metadata } from "next";
import { ClustersDashboard } from "@/components/clusters/clusters-dashboard";

export const metadata: Metadata = { title: "Clusters" };

export default function ClustersPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1>Clusters</h1>
        <p className="page-subtitle">Devices grouped with the peers that behave like them; outliers and configuration drift stand out.</p>
      </header>
      <ClustersDashboard />
    </div>
  );
}
