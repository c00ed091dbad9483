import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/not-built-yet";

export const metadata: Metadata = { title: "Devices" };

export default function DevicesPage() {
  return (
    <NotBuiltYet
      title="Devices"
      plan="This page will list monitored devices with their role, site, status and last telemetry, and each device's recent alerts."
    />
  );
}
