import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/not-built-yet";

export const metadata: Metadata = { title: "Forecasts" };

export default function ForecastsPage() {
  return (
    <NotBuiltYet
      title="Forecasts"
      plan="This page will forecast bandwidth and utilisation per device and site, and warn before a link is expected to saturate."
    />
  );
}
