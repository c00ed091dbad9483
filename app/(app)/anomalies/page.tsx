import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/not-built-yet";

export const metadata: Metadata = { title: "Anomalies" };

export default function AnomaliesPage() {
  return (
    <NotBuiltYet
      title="Anomalies"
      plan="This page will list every alert with filters for status, severity, device and time range, and bulk acknowledge and resolve for analysts."
    />
  );
}
