"use client";
// The device's newest alerts (from the alert list API), each opening its detail page, and a way to
// all of them on the Anomalies page.
import Link from "next/link";
import { SeverityBadge } from "@/components/alerts/severity-badge";
import { StatusBadge } from "@/components/alerts/status-badge";
import { metricLabel } from "@/components/alerts/format-alert-value";
import { formatFullTime, formatTime } from "@/components/ui/format-time";
import { LoadError } from "@/components/ui/load-error";
import { DEVICE_ALERTS_LIMIT } from "./device-detail-query-keys";
import { useDeviceAlerts } from "./use-device-detail";

export function DeviceAlerts({ deviceId }: { deviceId: number }) {
  const { data, isPending, isError, error, refetch, isFetching } = useDeviceAlerts(deviceId);
  const allHref = `/anomalies?deviceId=${deviceId}`;
  return (
    <section className="panel" aria-labelledby="device-alerts-heading">
      <div className="panel-header">
        <h2 id="device-alerts-heading">Alerts</h2>
        <Link href={allHref}>All alerts for this device</Link>
      </div>
      {isPending ? (
        <div className="panel-body stack" aria-busy="true" aria-label="Loading alerts">
          {Array.from({ length: 4 }, (_, i) => (
            <span key={i} className="skeleton" style={{ height: "1.6rem" }} />
          ))}
        </div>
      ) : isError && !data ? (
        <LoadError what="this device’s alerts" error={error} onRetry={() => void refetch()} retrying={isFetching} />
      ) : data.alerts.length === 0 ? (
        <div className="empty-state" data-testid="device-alerts-empty">
          <strong>No alerts on this device.</strong>
          <span>They appear here as soon as the worker flags its telemetry; nothing to triage until then.</span>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="alert-table" data-testid="device-alerts">
            <caption className="visually-hidden">
              The newest {Math.min(data.alerts.length, DEVICE_ALERTS_LIMIT)} alerts on this device, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Severity</th>
                <th scope="col">Alert</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {data.alerts.map((alert) => (
                <tr key={alert.id} data-testid="device-alert-row" data-alert-id={alert.id}>
                  <td className="cell-time">
                    <time dateTime={alert.observedAt} title={formatFullTime(alert.observedAt)}>
                      {formatTime(alert.observedAt)}
                    </time>
                  </td>
                  <td>
                    <SeverityBadge severity={alert.severity} />
                  </td>
                  <td>
                    <Link className="row-link" href={`/alerts/${alert.id}`}>
                      {alert.title}
                    </Link>
                    <div className="faint">{alert.metric ? metricLabel(alert.metric) : alert.detector}</div>
                  </td>
                  <td>
                    <StatusBadge status={alert.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.nextCursor ? (
            <p className="panel-body faint">
              Showing the newest {data.alerts.length}. <Link href={allHref}>See all alerts for this device</Link>.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}
