"use client";
// The device's metrics as small line charts, one per metric it reports, over a chosen range that ends
// at its newest sample (data time: the demo's replay can run ahead of or behind the wall clock).
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import {
  DEVICE_SERIES_RANGES,
  SERIES_RANGE_LABELS,
  type DeviceMetricSeries,
  type DeviceSeries,
  type DeviceSeriesRange,
} from "@/lib/dashboards/device-detail";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { isMetricName } from "@/lib/telemetry/metrics";
import { formatFullTime } from "@/components/ui/format-time";
import { deviceSeriesRows, type SeriesChartRow } from "./device-series-rows";

const COLORS = { line: "#4fb3d9", axis: "#6b7a8e", grid: "#243041" } as const;

const hourMinute = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric" });
const monthDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const tooltipTime = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

export function DeviceMetricCharts({
  series,
  range,
  onRange,
  updating,
}: {
  series: DeviceSeries;
  range: DeviceSeriesRange;
  onRange: (range: DeviceSeriesRange) => void;
  updating: boolean;
}) {
  return (
    <section className="panel" aria-labelledby="device-metrics-heading" aria-busy={updating} data-updating={updating || undefined}>
      <div className="panel-header">
        <h2 id="device-metrics-heading">Metrics</h2>
        <div className="toolbar" role="group" aria-label="Time range">
          {DEVICE_SERIES_RANGES.map((r) => (
            <button
              key={r}
              type="button"
              className="button button-small"
              aria-pressed={r === range}
              aria-label={`Last ${SERIES_RANGE_LABELS[r]}`}
              onClick={() => onRange(r)}
            >
              {r}
            </button>
          ))}
        </div>
      </div>
      {series.newestSampleAt === null || series.metrics.length === 0 ? (
        <div className="empty-state" data-testid="device-metrics-empty">
          <strong>No telemetry from this device yet.</strong>
          <span>
            Charts appear with its first minute of data: devices report through NetFlow or syslog, or are polled over SNMP
            (targets in TIDEWATCH_CONFIG).
          </span>
        </div>
      ) : (
        <div className="panel-body stack">
          <p className="faint" data-testid="device-metrics-span">
            The {SERIES_RANGE_LABELS[series.range]} up to this device’s newest sample,{" "}
            <time dateTime={series.newestSampleAt}>{formatFullTime(series.newestSampleAt)}</time>, as{" "}
            {series.binMinutes === 1 ? "minute values" : `${binLabel(series.binMinutes)} means`}.
          </p>
          <div className="device-metric-grid">
            {series.metrics.map((m) => (
              <MetricChart key={m.metric} series={series} metric={m} />
            ))}
          </div>
        </div>
      )}
    </section>
  );
}

function MetricChart({ series, metric }: { series: DeviceSeries; metric: DeviceMetricSeries }) {
  const format = (v: number | null | undefined) =>
    isMetricName(metric.metric) ? formatMetricValue(metric.metric, v) : v === null || v === undefined ? "—" : String(Number(v.toPrecision(3)));
  const rows = deviceSeriesRows(series, metric.values);
  const latest = [...rows].reverse().find((r) => r.value !== null)?.value ?? null;
  const from = series.from ? Date.parse(series.from) : (rows[0]?.ts ?? 0);
  const to = series.to ? Date.parse(series.to) : (rows.at(-1)?.ts ?? 0);
  // beyond two weeks a weekday no longer says which day it is
  const tick = to - from > 14 * 86_400_000 ? monthDay : to - from > 36 * 3_600_000 ? weekday : hourMinute;
  const headingId = `metric-${metric.metric}-heading`;
  return (
    <figure className="device-metric-figure" data-testid="metric-chart" data-metric={metric.metric} aria-labelledby={headingId}>
      <figcaption className="device-metric-caption">
        <h3 id={headingId}>{metric.label}</h3>
        <span className="faint" title="Newest bin">
          {format(latest)}
        </span>
      </figcaption>
      <div role="img" aria-label={`${metric.label} over the ${SERIES_RANGE_LABELS[series.range]}, newest ${format(latest)}`}>
        <ResponsiveContainer width="100%" height={130} initialDimension={{ width: 320, height: 130 }}>
          <LineChart data={rows} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
            <XAxis
              type="number"
              dataKey="ts"
              domain={[from, to]}
              tickFormatter={(v: number) => tick.format(v)}
              stroke={COLORS.axis}
              tick={{ fill: COLORS.axis, fontSize: 11 }}
              tickCount={4}
              allowDataOverflow
            />
            <YAxis
              type="number"
              domain={[0, "auto"]}
              tickFormatter={(v: number) => format(v)}
              stroke={COLORS.axis}
              tick={{ fill: COLORS.axis, fontSize: 10 }}
              width={88}
              tickCount={3}
            />
            <Tooltip content={<MetricTooltip format={format} binMinutes={series.binMinutes} />} cursor={{ stroke: COLORS.axis, strokeDasharray: "3 3" }} />
            <Line dataKey="value" name={metric.label} type="monotone" stroke={COLORS.line} strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function MetricTooltip({
  active,
  payload,
  format,
  binMinutes,
}: {
  active?: boolean;
  payload?: readonly { payload?: SeriesChartRow }[];
  format: (v: number | null | undefined) => string;
  binMinutes: number;
}) {
  const row = payload?.[0]?.payload;
  if (!active || !row || row.value === null) return null;
  return (
    <div className="chart-tooltip">
      <strong>{tooltipTime.format(row.ts)}</strong>
      <div>
        {format(row.value)}
        {binMinutes > 1 ? <span className="faint"> ({binLabel(binMinutes)} mean)</span> : null}
      </div>
    </div>
  );
}

function binLabel(minutes: number): string {
  return minutes % 1440 === 0 ? `${minutes / 1440}-day` : minutes % 60 === 0 ? `${minutes / 60}-hour` : `${minutes}-minute`;
}
