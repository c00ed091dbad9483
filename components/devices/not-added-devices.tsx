"use client";
// For admins on the devices page: sources auto-discovery saw but did not add because its hourly cap
// (DISCOVERY_MAX_NEW_DEVICES_PER_HOUR) was reached: a flood of spoofed sources, or a network that
// needs a higher cap. Shown only when there are some.
import { useQuery } from "@tanstack/react-query";
import type { DiscoveryReport } from "@/lib/dashboards/device-inventory";
import { fetchJson } from "@/components/api/fetch-json";
import { formatFullTime, formatTime } from "@/components/ui/format-time";

type WorkerDiscovery = { workerId: string } & DiscoveryReport;

export function NotAddedDevices() {
  const { data } = useQuery({
    queryKey: ["devices", "discovery"],
    queryFn: ({ signal }) => fetchJson<{ workers: WorkerDiscovery[] }>("/api/devices/discovery", { signal }).then((r) => r.workers),
    refetchInterval: 30_000,
  });
  const reports = (data ?? []).filter((w) => w.notAddedTotal > 0);
  if (reports.length === 0) return null;
  const rows = reports.flatMap((w) => w.notAdded);
  const total = reports.reduce((n, w) => n + w.notAddedTotal, 0);
  return (
    <section className="panel" aria-labelledby="not-added-heading" data-testid="devices-not-added">
      <div className="panel-header">
        <h2 id="not-added-heading">Seen but not added</h2>
        <span className="faint">
          {total.toLocaleString()} sightings over the discovery cap of {reports[0]!.maxNewPerHour.toLocaleString()} new devices per hour
        </span>
      </div>
      <p className="panel-body faint">
        Telemetry from these sources is not stored until the cap has room again. Many unknown sources at once is typical of spoofed
        traffic; for a network that really grows this fast, raise DISCOVERY_MAX_NEW_DEVICES_PER_HOUR.
      </p>
      <div className="table-wrap">
        <table className="alert-table compact-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Address</th>
              <th scope="col">Seen via</th>
              <th scope="col">First seen</th>
              <th scope="col">Last seen</th>
              <th scope="col">Sightings</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((n) => (
              <tr key={`${n.name}|${n.via}`} data-testid="not-added-row">
                <td>{n.name}</td>
                <td>{n.address ?? "—"}</td>
                <td>{n.via}</td>
                <td title={formatFullTime(n.firstSeen)}>{formatTime(n.firstSeen)}</td>
                <td title={formatFullTime(n.lastSeen)}>{formatTime(n.lastSeen)}</td>
                <td className="cell-number">{n.sightings}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
