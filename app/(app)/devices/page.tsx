import type { Metadata } from "next";
import { DeviceInventory } from "@/components/devices/device-inventory";

export const metadata: Metadata = { title: "Devices" };

export default function DevicesPage() {
  return (
    <div className="page" data-testid="devices-page">
      <header className="page-header">
        <h1>Devices</h1>
        <p className="faint">Every monitored device, its newest telemetry and open alerts.</p>
      </header>
      <DeviceInventory />
    </div>
  );
}
