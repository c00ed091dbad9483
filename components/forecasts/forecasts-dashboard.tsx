"use client";
// The Forecasts page: device and metric pickers (kept in the URL as ?deviceId=&metric=), the chart,
// the capacity outlook, how the forecast was made, and the alerts in its span.
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useId, useState } from "react";
import type { ForecastOptionsResponse, ForecastResponse } from "@/lib/dashboards/forecast-view";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { isMetricName } from "@/lib/telemetry/metrics";
import { SeverityBadge } from "@/components/alerts/severity-badge";
import { StatusBadge } from "@/components/alerts/status-badge";
import { formatFullTime, formatTime } from "@/components/ui/format-time";
import { LoadError } from "@/components/ui/load-error";
import { ForecastChart } from "./forecast-chart";
import { useForecast, useForecastOptions } from "./use-forecast";

const METHOD_LABELS: Record<string, string> = {
  mstl: "MSTL: seasonal-trend decomposition (daily and weekly) with an exponential-smoothing trend",
  prophet: "Prophet: additive trend with daily and weekly seasonality",
  constant: "Constant: the history never varied, so the forecast is flat",
};

/** Draw the capacity line by default when the forecast comes within this share of it. */
const CAPACITY_NEAR_SHARE = 0.2;

function parseDeviceId(value: string | null): number | null {
  if (!value || !/^[1-9]\d{0,9}$/.test(value)) return null;
  return Number(value);
}

export function ForecastsDashboard() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const options = useForecastOptions();
  const devices = options.data?.devices ?? [];
  const metrics = options.data?.metrics ?? [];

  // The selection lives here and is mirrored to the URL: `useSearchParams` only changes once
  // `router.replace` has landed, so a second pick right after the first must not read the URL.
  const [picked, setPicked] = useState(() => ({ deviceId: parseDeviceId(params.get("deviceId")), metric: params.get("metric") }));
  const urlKey = params.toString();
  useEffect(() => {
    // the URL changed from outside (back/forward, a link): follow it
    const fromUrl = new URLSearchParams(urlKey);
    setPicked({ deviceId: parseDeviceId(fromUrl.get("deviceId")), metric: fromUrl.get("metric") });
  }, [urlKey]);
  const urlDevice = picked.deviceId;
  const urlMetric = picked.metric;
  const deviceId = urlDevice ?? devices[0]?.id ?? null;
  const deviceEntry = devices.find((d) => d.id === deviceId);
  const metric = urlMetric ?? deviceEntry?.metrics[0] ?? metrics[0]?.metric ?? null;

  const select = (next: { deviceId: number | null; metric: string | null }) => {
    setPicked(next);
    const search = new URLSearchParams(params.toString());
    if (next.deviceId !== null) search.set("deviceId", String(next.deviceId));
    if (next.metric !== null) search.set("metric", next.metric);
    router.replace(`${pathname}?${search.toString()}`, { scroll: false });
  };

  // Once the options are known, a bare /forecasts gets the chosen device and metric in its URL.
  useEffect(() => {
    if (deviceId !== null && metric !== null && (urlDevice === null || urlMetric === null)) {
      const search = new URLSearchParams(params.toString());
      search.set("deviceId", String(deviceId));
      search.set("metric", metric);
      router.replace(`${pathname}?${search.toString()}`, { scroll: false });
    }
  }, [deviceId, metric, urlDevice, urlMetric, params, pathname, router]);

  const forecast = useForecast(options.data ? deviceId : null, options.data ? metric : null);

  if (options.isPending) return <ForecastsSkeleton />;
  if (options.isError) {
    return (
      <div className="panel">
        <LoadError
          what="the list of forecasts"
          error={options.error}
          onRetry={() => void options.refetch()}
          retrying={options.isFetching}
        />
      </div>
    );
  }
  if (deviceId === null || metric === null) {
    return (
      <div className="panel empty-state" data-testid="forecasts-empty">
        <strong>No forecasts yet.</strong>
        <span>
          The worker fits a 7-day forecast of each device’s bandwidth and CPU once it has two days of hourly history, and
          refits every 10 minutes; with the demo simulator the first ones appear a few minutes after start.
        </span>
        <p>
          <button type="button" className="button" onClick={() => void options.refetch()} disabled={options.isFetching}>
            {options.isFetching ? "Refreshing…" : "Refresh"}
          </button>
        </p>
      </div>
    );
  }

  return (
    <>
      <ForecastPickers
        options={options.data}
        deviceId={deviceId}
        metric={metric}
        onDevice={(id) => {
          const entry = devices.find((d) => d.id === id);
          const keep = metric !== null && entry?.metrics.includes(metric);
          select({ deviceId: id, metric: keep ? metric : (entry?.metrics[0] ?? metric) });
        }}
        onMetric={(m) => select({ deviceId, metric: m })}
      />
      {forecast.isError && !forecast.data ? (
        <div className="panel">
          <LoadError
            what="this forecast"
            error={forecast.error}
            onRetry={() => void forecast.refetch()}
            retrying={forecast.isFetching}
          />
        </div>
      ) : !forecast.data ? (
        <ChartSkeleton />
      ) : (
        <ForecastDetail
          key={`${forecast.data.device.id}:${forecast.data.metric.metric}`}
          view={forecast.data}
          updating={forecast.isPlaceholderData}
        />
      )}
    </>
  );
}

function ForecastPickers({
  options,
  deviceId,
  metric,
  onDevice,
  onMetric,
}: {
  options: ForecastOptionsResponse;
  deviceId: number | null;
  metric: string | null;
  onDevice: (id: number) => void;
  onMetric: (metric: string) => void;
}) {
  const deviceSelectId = useId();
  const metricSelectId = useId();
  const entry = options.devices.find((d) => d.id === deviceId);
  const metricKnown = options.metrics.some((m) => m.metric === metric);
  return (
    <form className="panel panel-body picker-row" aria-label="Forecast to show" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={deviceSelectId}>Device</label>
        <select
          id={deviceSelectId}
          className="input"
          value={deviceId ?? ""}
          onChange={(e) => onDevice(Number(e.target.value))}
          data-testid="forecast-device"
        >
          {deviceId !== null && !entry ? <option value={deviceId}>Device #{deviceId} (no forecasts)</option> : null}
          {options.devices.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.role} · {d.site})
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={metricSelectId}>Metric</label>
        <select
          id={metricSelectId}
          className="input"
          value={metric ?? ""}
          onChange={(e) => onMetric(e.target.value)}
          data-testid="forecast-metric"
        >
          {metric !== null && !metricKnown ? <option value={metric}>{metric} (no forecasts)</option> : null}
          {options.metrics.map((m) => (
            <option key={m.metric} value={m.metric}>
              {m.label}
              {entry && !entry.metrics.includes(m.metric) ? " (no forecast for this device yet)" : ""}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}

function ForecastDetail({ view, updating }: { view: ForecastResponse; updating: boolean }) {
  const f = view.forecast;
  const metric = view.metric.metric;
  const format = (v: number | null | undefined) => (isMetricName(metric) ? formatMetricValue(metric, v) : v == null ? "—" : String(v));
  const horizon = f ? f.points.slice(f.firstForecastIndex) : [];
  const peak = horizon.reduce((max, p) => Math.max(max, p.yhat), 0);
  const capacityNear = f?.capacity != null && (f.capacityEta !== null || peak >= CAPACITY_NEAR_SHARE * f.capacity);
  const [showCapacityChoice, setShowCapacity] = useState<boolean | null>(null);
  const showCapacity = showCapacityChoice ?? capacityNear;
  const capacityToggleId = useId();

  if (!f) {
    return (
      <div className="panel empty-state" data-testid="forecast-missing">
        <strong>
          No forecast of {view.metric.label.toLowerCase()} for {view.device.name} yet.
        </strong>
        <span>
          The worker fits one once the device has two days of hourly {view.metric.label.toLowerCase()} data. Pick another
          device or metric, or check back after the next refit (every 10 minutes).
        </span>
      </div>
    );
  }

  return (
    <section className="panel panel-body stack" aria-labelledby="forecast-heading" aria-busy={updating} data-updating={updating || undefined}>
      <div className="panel-title-row">
        <h2 id="forecast-heading">
          {view.metric.label} · {view.device.name}
        </h2>
        {f.capacity !== null ? (
          <label className="checkbox" htmlFor={capacityToggleId}>
            <input
              id={capacityToggleId}
              type="checkbox"
              checked={showCapacity}
              onChange={(e) => setShowCapacity(e.target.checked)}
            />
            Show capacity on the chart
          </label>
        ) : null}
      </div>
      <CapacityOutlook view={view} format={format} peak={peak} />
      <ForecastChart view={view} showCapacity={showCapacity} />
      <dl className="numbers" data-testid="forecast-facts">
        <div>
          <dt>Method</dt>
          <dd data-testid="forecast-method" title={METHOD_LABELS[f.method] ?? f.method}>
            {f.method === "mstl" ? "MSTL" : f.method === "prophet" ? "Prophet" : f.method === "constant" ? "Constant" : f.method}
          </dd>
        </div>
        <div>
          <dt>Generated</dt>
          <dd>
            <time dateTime={f.generatedAt} title={formatFullTime(f.generatedAt)}>
              {formatTime(f.generatedAt)}
            </time>
          </dd>
        </div>
        <div>
          <dt>Band</dt>
          <dd>{Math.round(f.level * 100)}% interval</dd>
        </div>
        <div>
          <dt>Peak forecast</dt>
          <dd>{format(peak)}</dd>
        </div>
        <div>
          <dt>Latest hour</dt>
          <dd>{format(view.actual[view.actual.length - 1]?.value)}</dd>
        </div>
      </dl>
      <p className="faint">{METHOD_LABELS[f.method] ?? `Method: ${f.method}`}. Generated {formatFullTime(f.generatedAt)} (data time).</p>
      <ForecastAlerts view={view} format={format} />
    </section>
  );
}

function CapacityOutlook({
  view,
  format,
  peak,
}: {
  view: ForecastResponse;
  format: (v: number | null | undefined) => string;
  peak: number;
}) {
  const f = view.forecast!;
  if (f.capacity === null) {
    return (
      <p className="muted" data-testid="capacity-eta">
        No capacity is configured for this device and metric, so there is no capacity outlook.
      </p>
    );
  }
  if (f.capacityEta === null) {
    return (
      <p className="capacity-outlook" data-state="clear" data-testid="capacity-eta">
        Not expected to reach capacity ({format(f.capacity)}) within the next 7 days; the forecast peaks at {format(peak)} (
        {Math.round((peak / f.capacity) * 100)}% of it).
      </p>
    );
  }
  const hours = Math.max(0, Math.round((Date.parse(f.capacityEta) - Date.parse(f.generatedAt)) / 3_600_000));
  const within = hours < 48 ? `${hours} ${hours === 1 ? "hour" : "hours"}` : `${Math.round(hours / 24)} days`;
  return (
    <p className="capacity-outlook" data-state="warn" role="status" data-testid="capacity-eta">
      <strong>Expected to reach capacity ({format(f.capacity)})</strong> around{" "}
      <time dateTime={f.capacityEta}>{formatFullTime(f.capacityEta)}</time>, about {within} after the forecast was made.
    </p>
  );
}

function ForecastAlerts({ view, format }: { view: ForecastResponse; format: (v: number | null | undefined) => string }) {
  if (view.alerts.length === 0) {
    return <p className="muted">No alerts on this device and metric in the charted period.</p>;
  }
  const newestFirst = [...view.alerts].reverse();
  return (
    <div className="stack-tight">
      <h3>
        Alerts in this period <span className="faint">({view.alerts.length})</span>
      </h3>
      <div className="table-wrap">
        <table className="alert-table" data-testid="forecast-alerts">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Severity</th>
              <th scope="col">Type</th>
              <th scope="col">Observed</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {newestFirst.map((a) => (
              <tr key={a.id} data-alert-id={a.id}>
                <td className="cell-time">
                  <time dateTime={a.ts} title={formatFullTime(a.ts)}>
                    {formatTime(a.ts)}
                  </time>
                </td>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td>
                  <Link className="row-link" href={`/alerts/${a.id}`}>
                    {a.title}
                  </Link>
                </td>
                <td className="cell-number">{format(a.value)}</td>
                <td>
                  <StatusBadge status={a.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function ChartSkeleton() {
  return (
    <div className="panel panel-body stack" aria-busy="true" aria-label="Loading forecast">
      <span className="skeleton" style={{ width: "40%", height: "1.4rem" }} />
      <span className="skeleton" style={{ width: "70%" }} />
      <span className="skeleton" style={{ height: "380px" }} />
    </div>
  );
}

export function ForecastsSkeleton() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading forecasts">
      <div className="panel panel-body picker-row">
        <span className="skeleton" style={{ height: "2.4rem" }} />
        <span className="skeleton" style={{ height: "2.4rem" }} />
      </div>
      <ChartSkeleton />
    </div>
  );
}
