// The maintenance windows that cover the device (fleet-wide, its site, its role, or it by name),
// the one going on now first, each with its schedule and the occurrence now or next.
import Link from "next/link";
import type { DeviceMaintenanceWindow } from "@/lib/dashboards/device-detail";
import { describeSchedule, describeScope } from "@/components/maintenance/describe-window";
import { formatFullTime } from "@/components/ui/format-time";

export function DeviceMaintenanceWindows({ windows }: { windows: DeviceMaintenanceWindow[] }) {
  return (
    <section className="panel" aria-labelledby="device-maintenance-heading">
      <div className="panel-header">
        <h2 id="device-maintenance-heading">Maintenance windows</h2>
        <Link href="/maintenance">Maintenance</Link>
      </div>
      {windows.length === 0 ? (
        <div className="empty-state" data-testid="device-maintenance-empty">
          <strong>No current or upcoming window covers this device.</strong>
          <span>
            Schedule one on the <Link href="/maintenance">Maintenance page</Link> (for all devices, a site, a role or this device)
            so alerts during planned work are recorded as suppressed.
          </span>
        </div>
      ) : (
        <ul className="plain-list device-maintenance-list" data-testid="device-maintenance-windows">
          {windows.map((w) => (
            <li key={w.id} className="panel-body stack-tight" data-testid="device-maintenance-window" data-window-id={w.id}>
              <div>
                <strong>{w.reason}</strong> {w.activeNow ? <span className="badge device-maintenance-badge">in progress</span> : null}
              </div>
              <span className="faint">
                {describeScope(w)} · {describeSchedule(w)}
              </span>
              <span>{occurrenceText(w)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function occurrenceText(w: DeviceMaintenanceWindow): string {
  const next = w.nextOccurrence;
  if (!next) return "No further occurrence.";
  return w.activeNow ? `Now, until ${formatFullTime(next.end)}` : `Next: ${formatFullTime(next.start)} – ${formatFullTime(next.end)}`;
}
