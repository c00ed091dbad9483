"use client";
// The device page: who the device is, whether maintenance covers it now, its recent metrics, what is
// normal for it by hour of week, its alerts and its maintenance windows. Refetched by the live stream
// when its alerts or status change.
import Link from "next/link";
import { useState } from "react";
import { DEFAULT_SERIES_RANGE, type DeviceDetailDevice, type DeviceMaintenanceWindow, type DeviceSeriesRange } from "@/lib/dashboards/device-detail";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { ApiError } from "@/components/api/api-error";
import { formatFullTime, formatTime } from "@/components/ui/format-time";
import { LoadError } from "@/components/ui/load-error";
import { BaselineHeatmap } from "./baseline-heatmap";
import { DeviceAlerts } from "./device-alerts";
import { DeviceMaintenanceWindows } from "./device-maintenance-windows";
import { DeviceMetricCharts } from "./device-metric-charts";
import { useDeviceDetail } from "./use-device-detail";

export function DeviceDetail({ id }: { id: number }) {
  const [range, setRange] = useState<DeviceSeriesRange>(DEFAULT_SERIES_RANGE);
  const [baselineMetric, setBaselineMetric] = useState<string | null>(null);
  const { data, isError, error, refetch, isFetching, isPlaceholderData } = useDeviceDetail(id, range, baselineMetric);

  if (isError && !data) {
    if (error instanceof ApiError && error.status === 404) return <DeviceNotFound />;
    return (
      <div className="page">
        <div className="panel">
          <LoadError what="this device" error={error} onRetry={() => void refetch()} retrying={isFetching} />
        </div>
      </div>
    );
  }
  if (!data) return <DeviceDetailSkeleton />;

  const { device, series, baselines, maintenanceWindows } = data;
  return (
    <article className="page" data-testid="device-detail" data-device-id={device.id}>
      <Link className="back-link" href="/devices">
        ← Devices
      </Link>
      <DeviceHeader device={device} />
      {device.inMaintenance ? <MaintenanceBanner windows={maintenanceWindows.filter((w) => w.activeNow)} /> : null}
      <DeviceMetricCharts series={series} range={range} onRange={setRange} updating={isPlaceholderData && data.series.range !== range} />
      <BaselineHeatmap
        baselines={baselines}
        onMetric={setBaselineMetric}
        updating={isPlaceholderData && baselineMetric !== null && baselines.metric !== baselineMetric}
      />
      <div className="detail-grid">
        <DeviceAlerts deviceId={device.id} />
        <DeviceMaintenanceWindows windows={maintenanceWindows} />
      </div>
    </article>
  );
}

function DeviceHeader({ device }: { device: DeviceDetailDevice }) {
  return (
    <header className="detail-header">
      <div className="detail-title-row">
        <h1>{device.name}</h1>
        <span className="badge device-status-badge" data-status={device.status}>
          {device.status}
        </span>
        <Link href={`/forecasts?deviceId=${device.id}`}>Forecasts</Link>
      </div>
      <dl className="detail-meta" data-testid="device-facts">
        <div>
          <dt>Role</dt>
          <dd>{device.role}</dd>
        </div>
        <div>
          <dt>Site</dt>
          <dd>{device.site}</dd>
        </div>
        <div>
          <dt>Management IP</dt>
          <dd className="mono">{device.managementIp ?? "—"}</dd>
        </div>
        <div>
          <dt>Tags</dt>
          <dd>{device.tags.length > 0 ? device.tags.join(", ") : "none"}</dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>
            {device.lastSeenAt ? (
              <time dateTime={device.lastSeenAt} title={formatFullTime(device.lastSeenAt)}>
                {formatTime(device.lastSeenAt)}
              </time>
            ) : (
              "never"
            )}
          </dd>
        </div>
        <div>
          <dt>Capacity</dt>
          <dd>{device.capacityBps !== null ? formatMetricValue("bandwidthInBps", device.capacityBps) : "not configured"}</dd>
        </div>
      </dl>
    </header>
  );
}

function MaintenanceBanner({ windows }: { windows: DeviceMaintenanceWindow[] }) {
  const until = windows
    .map((w) => w.nextOccurrence?.end)
    .filter((end): end is string => end !== undefined)
    .sort()
    .at(-1);
  return (
    <div className="panel panel-body device-maintenance-banner" role="status" data-testid="device-in-maintenance">
      <strong>In maintenance</strong>
      {windows.length > 0 ? `: ${windows.map((w) => w.reason).join(", ")}` : ""}
      {until ? ` (until ${formatFullTime(until)})` : ""}. Its alerts are recorded as suppressed, not raised.
    </div>
  );
}

export function DeviceNotFound() {
  return (
    <div className="page">
      <div className="panel empty-state" role="alert" data-testid="device-not-found">
        <h1>Device not found</h1>
        <p>It may have been removed from the inventory, or the link is wrong.</p>
        <p>
          <Link href="/devices">Back to the devices</Link>
        </p>
      </div>
    </div>
  );
}

function DeviceDetailSkeleton() {
  return (
    <div className="page" aria-busy="true" aria-label="Loading device">
      <span className="skeleton" style={{ width: "6rem" }} />
      <span className="skeleton" style={{ width: "min(22rem, 70%)", height: "2rem" }} />
      <span className="skeleton" style={{ width: "min(40rem, 90%)" }} />
      <div className="panel panel-body stack">
        <span className="skeleton" style={{ width: "30%", height: "1.4rem" }} />
        <div className="device-metric-grid">
          {Array.from({ length: 6 }, (_, i) => (
            <span key={i} className="skeleton" style={{ height: "150px" }} />
          ))}
        </div>
      </div>
      <div className="panel panel-body stack">
        <span className="skeleton" style={{ width: "30%", height: "1.4rem" }} />
        <span className="skeleton" style={{ height: "200px" }} />
      </div>
    </div>
  );
}
