"use client";
// The Devices page body: every monitored device (its name opens its page) with its role, site, status,
// newest telemetry and open alerts, and a banner on devices a maintenance window covers now. The live
// stream refetches it on device status changes and new alerts.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { DeviceInventoryRow } from "@/lib/dashboards/device-inventory";
import { formatFullTime, formatTime } from "@/components/ui/format-time";
import { LoadError } from "@/components/ui/load-error";
import { deviceQueryKeys } from "./device-query-keys";
import { fetchAllDevices } from "./fetch-all-devices";

export function DeviceInventory() {
  const { data, isPending, isError, error, refetch, isFetching } = useQuery({
    queryKey: deviceQueryKeys.inventory,
    queryFn: ({ signal }) => fetchAllDevices(signal),
  });
  const [find, setFind] = useState("");

  if (isPending) {
    return (
      <div className="panel panel-body stack" aria-busy="true" aria-label="Loading devices">
        {Array.from({ length: 6 }, (_, i) => (
          <span key={i} className="skeleton" style={{ height: "1.6rem" }} />
        ))}
      </div>
    );
  }
  if (isError && !data) {
    return (
      <div className="panel">
        <LoadError what="the device inventory" error={error} onRetry={() => void refetch()} retrying={isFetching} />
      </div>
    );
  }
  if (data.length === 0) {
    return (
      <div className="panel empty-state" data-testid="devices-empty">
        <strong>No devices yet.</strong>
        <span>
          Devices appear when they send telemetry (NetFlow, syslog) or are polled (SNMP targets in TIDEWATCH_CONFIG); the demo
          (SIMULATE=1) creates its own.
        </span>
      </div>
    );
  }
  const needle = find.trim().toLowerCase();
  const shown = needle ? data.filter((d) => `${d.name} ${d.role} ${d.site} ${d.managementIp ?? ""}`.toLowerCase().includes(needle)) : data;
  const inMaintenance = data.filter((d) => d.inMaintenance);

  return (
    <div className="stack">
      {inMaintenance.length > 0 ? (
        <div className="panel panel-body device-maintenance-banner" role="status" data-testid="devices-in-maintenance">
          In maintenance now: {inMaintenance.map((d) => d.name).join(", ")}. Their alerts are recorded as suppressed.
        </div>
      ) : null}
      <section className="panel" aria-labelledby="device-inventory-heading">
        <div className="panel-header">
          <h2 id="device-inventory-heading">Inventory</h2>
          <label className="field field-inline">
            Find
            <input className="input" type="search" value={find} onChange={(e) => setFind(e.target.value)} placeholder="Name, role, site or IP" />
          </label>
        </div>
        <div className="table-wrap">
          <table className="alert-table" data-testid="device-inventory">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Role</th>
                <th scope="col">Site</th>
                <th scope="col">Status</th>
                <th scope="col">Management IP</th>
                <th scope="col">Last seen</th>
                <th scope="col">Open alerts</th>
                <th scope="col">Forecasts</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => (
                <tr key={d.id} data-testid="device-row" data-device={d.name}>
                  <th scope="row" className="cell-device row-header">
                    <Link href={`/devices/${d.id}`}>{d.name}</Link>{" "}
                    {d.inMaintenance ? <span className="badge device-maintenance-badge">in maintenance</span> : null}
                  </th>
                  <td>{d.role}</td>
                  <td>{d.site}</td>
                  <td>{d.status}</td>
                  <td>{d.managementIp ?? "—"}</td>
                  <td title={d.lastSeenAt ? formatFullTime(d.lastSeenAt) : undefined}>{d.lastSeenAt ? formatTime(d.lastSeenAt) : "never"}</td>
                  <td className="cell-number">{d.openAlerts}</td>
                  <td>
                    <Link href={`/forecasts?deviceId=${d.id}`}>Forecasts</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {shown.length === 0 ? <p className="panel-body faint">No device matches “{find}”.</p> : null}
      </section>
    </div>
  );
}
