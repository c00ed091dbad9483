import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/not-built-yet";

export const metadata: Metadata = { title: "Clusters" };

export default function ClustersPage() {
  return (
    <NotBuiltYet
      title="Clusters"
      plan="This page will show devices grouped by behaviour (k-means peer groups) with outliers and configuration drift highlighted."
    />
  );
}
