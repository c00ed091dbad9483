import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/ui/not-built-yet";

export const metadata: Metadata = { title: "Maintenance" };

export default function MaintenancePage() {
  return (
    <NotBuiltYet
      title="Maintenance"
      plan="This page will list maintenance windows (one-off or recurring, for all devices, a site, a role or one device) during which alerts are suppressed."
    />
  );
}
