import type { Metadata } from "next";
import { currentUser } from "@/app/_server/session";
import { can } from "@/lib/auth/roles";
import { DeviceInventory } from "@/components/devices/device-inventory";
import { NotAddedDevices } from "@/components/devices/not-added-devices";

export const metadata: Metadata = { title: "Devices" };

export default async function DevicesPage() {
  const user = await currentUser();
  return (
    <div className="page" data-testid="devices-page">
      <header className="page-header">
        <h1>Devices</h1>
        <p className="faint">Every monitored device, its newest telemetry and open alerts.</p>
      </header>
      <div className="stack">
        <DeviceInventory />
        {/* admins only: the names come from the wire */}
        {user !== null && can(user.role, "settings:manage") ? <NotAddedDevices /> : null}
      </div>
    </div>
  );
}
