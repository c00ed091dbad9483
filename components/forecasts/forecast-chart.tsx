"use client";
// A device-metric over two weeks: what actually happened (solid line), the model's fit of the past
// week (thin), the forecast for the next 7 days (dashed) inside its 95% band, alerts as dots on the
// line (a click opens the alert), and the capacity with the hour the forecast reaches it.
import { useRouter } from "next/navigation";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { ForecastAlertMark, ForecastResponse } from "@/lib/dashboards/forecast-view";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { isMetricName, METRIC_INFO } from "@/lib/telemetry/metrics";
import { buildForecastChartData, dayTicks, forecastYDomain, type AlertMarkPoint, type ForecastChartRow } from "./forecast-chart-data";

export const FORECAST_COLORS = {
  actual: "var(--text, #e3e9f1)",
  fit: "#6b7a8e",
  forecast: "#4fb3d9",
  band: "#4fb3d9",
  capacity: "#f36b7f",
  axis: "#6b7a8e",
  grid: "#243041",
} as const;

const SEVERITY_COLORS: Record<ForecastAlertMark["severity"], string> = {
  critical: "#f0506e",
  high: "#f28c38",
  medium: "#e3c14d",
  low: "#5aa9e6",
};

const HOUR = 3_600_000;
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric" });
const hourFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

export function ForecastChart({ view, showCapacity }: { view: ForecastResponse; showCapacity: boolean }) {
  const router = useRouter();
  const metric = view.metric.metric;
  const format = (v: number | null | undefined) =>
    isMetricName(metric) ? formatMetricValue(metric, v) : v === null || v === undefined ? "—" : String(Number(v.toPrecision(3)));
  const data = buildForecastChartData(view);
  const capacity = view.forecast?.capacity ?? null;
  const drawCapacity = showCapacity && capacity !== null;
  const hardMax = isMetricName(metric) ? METRIC_INFO[metric].max : undefined;
  const yDomain = forecastYDomain(data, drawCapacity ? capacity : null, hardMax);
  const eta = view.forecast?.capacityEta ? Date.parse(view.forecast.capacityEta) : null;
  const rowsByTs = new Map(data.rows.map((r) => [r.ts, r]));
  const alertsByHour = new Map<number, ForecastAlertMark[]>();
  for (const m of data.marks) {
    const hour = Math.floor(m.ts / HOUR) * HOUR;
    alertsByHour.set(hour, [...(alertsByHour.get(hour) ?? []), m.alert]);
  }

  const summary = chartSummary(view, format);

  return (
    <figure className="forecast-figure">
      <figcaption className="visually-hidden">{summary}</figcaption>
      <div data-testid="forecast-chart" role="img" aria-label={`Chart: ${summary}`}>
        <ResponsiveContainer width="100%" height={380} initialDimension={{ width: 900, height: 380 }}>
          <ComposedChart data={data.rows} margin={{ top: 18, right: 24, bottom: 8, left: 8 }} accessibilityLayer={false}>
            <CartesianGrid stroke={FORECAST_COLORS.grid} strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="ts"
              domain={data.xDomain}
              ticks={dayTicks(data.xDomain[0], data.xDomain[1])}
              tickFormatter={(v: number) => dayFormat.format(v)}
              stroke={FORECAST_COLORS.axis}
              tick={{ fill: FORECAST_COLORS.axis, fontSize: 12 }}
              allowDataOverflow
            />
            <YAxis
              type="number"
              domain={yDomain}
              tickFormatter={(v: number) => format(v)}
              stroke={FORECAST_COLORS.axis}
              tick={{ fill: FORECAST_COLORS.axis, fontSize: 12 }}
              width={84}
              allowDataOverflow
            />
            <Tooltip
              content={<ForecastTooltip rowsByTs={rowsByTs} alertsByHour={alertsByHour} format={format} />}
              cursor={{ stroke: FORECAST_COLORS.axis, strokeDasharray: "3 3" }}
            />
            <Area
              dataKey="band"
              name="95% band"
              type="monotone"
              stroke="none"
              fill={FORECAST_COLORS.band}
              fillOpacity={0.18}
              isAnimationActive={false}
              activeDot={false}
              connectNulls={false}
            />
            <Line
              dataKey="fit"
              name="Model fit"
              type="monotone"
              stroke={FORECAST_COLORS.fit}
              strokeWidth={1}
              dot={false}
              activeDot={false}
              isAnimationActive={false}
              connectNulls={false}
            />
            <Line
              dataKey="actual"
              name="Actual"
              type="monotone"
              stroke={FORECAST_COLORS.actual}
              strokeWidth={1.75}
              dot={false}
              isAnimationActive={false}
              connectNulls={false}
            />
            <Line
              dataKey="yhat"
              name="Forecast"
              type="monotone"
              stroke={FORECAST_COLORS.forecast}
              strokeWidth={2}
              strokeDasharray="6 4"
              dot={false}
              isAnimationActive={false}
              connectNulls={false}
            />
            {data.forecastStart !== null ? (
              <ReferenceLine
                x={data.forecastStart}
                stroke={FORECAST_COLORS.axis}
                strokeDasharray="2 3"
                label={{ value: "Forecast →", position: "insideTopLeft", fill: FORECAST_COLORS.axis, fontSize: 12 }}
              />
            ) : null}
            {drawCapacity ? (
              <ReferenceLine
                y={capacity}
                stroke={FORECAST_COLORS.capacity}
                strokeDasharray="8 4"
                strokeWidth={1.5}
                label={{ value: `Capacity ${format(capacity)}`, position: "insideTopRight", fill: FORECAST_COLORS.capacity, fontSize: 12 }}
              />
            ) : null}
            {drawCapacity && eta !== null ? (
              <ReferenceLine
                x={eta}
                stroke={FORECAST_COLORS.capacity}
                strokeWidth={1.5}
                label={{ value: "Reaches capacity", position: "insideTopRight", fill: FORECAST_COLORS.capacity, fontSize: 12 }}
              />
            ) : null}
            <Scatter
              data={data.marks}
              dataKey="y"
              name="Alerts"
              isAnimationActive={false}
              shape={(props: { cx?: number; cy?: number; payload?: AlertMarkPoint }) => (
                <AlertDot {...props} onOpen={(id) => router.push(`/alerts/${id}`)} />
              )}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <ForecastLegend hasCapacity={drawCapacity} hasAlerts={data.marks.length > 0} />
    </figure>
  );
}

function AlertDot({
  cx,
  cy,
  payload,
  onOpen,
}: {
  cx?: number;
  cy?: number;
  payload?: AlertMarkPoint;
  onOpen: (id: number) => void;
}) {
  if (cx === undefined || cy === undefined || !payload || !Number.isFinite(cx) || !Number.isFinite(cy)) return <g />;
  return (
    <circle
      className="forecast-alert-dot"
      data-alert-id={payload.alert.id}
      data-severity={payload.alert.severity}
      cx={cx}
      cy={cy}
      r={5.5}
      fill={SEVERITY_COLORS[payload.alert.severity]}
      stroke="var(--bg, #0b1017)"
      strokeWidth={1.5}
      style={{ cursor: "pointer" }}
      onClick={() => onOpen(payload.alert.id)}
    />
  );
}

function ForecastTooltip({
  active,
  label,
  rowsByTs,
  alertsByHour,
  format,
}: {
  active?: boolean;
  label?: unknown;
  rowsByTs: ReadonlyMap<number, ForecastChartRow>;
  alertsByHour: ReadonlyMap<number, ForecastAlertMark[]>;
  format: (v: number | null | undefined) => string;
}) {
  if (!active || typeof label !== "number") return null;
  const hour = Math.floor(label / HOUR) * HOUR;
  const row = rowsByTs.get(hour);
  const alerts = alertsByHour.get(hour) ?? [];
  if (!row && alerts.length === 0) return null;
  return (
    <div className="chart-tooltip">
      <strong>{hourFormat.format(hour)}</strong>
      {row?.actual !== null && row?.actual !== undefined ? <div>Actual {format(row.actual)}</div> : null}
      {row?.fit !== null && row?.fit !== undefined ? <div className="faint">Model fit {format(row.fit)}</div> : null}
      {row?.yhat !== null && row?.yhat !== undefined ? <div>Forecast {format(row.yhat)}</div> : null}
      {row?.band ? (
        <div className="faint">
          95% band {format(row.band[0])} – {format(row.band[1])}
        </div>
      ) : null}
      {alerts.map((a) => (
        <div key={a.id} className="chart-tooltip-flag">
          {a.severity} · {a.title} (#{a.id})
        </div>
      ))}
    </div>
  );
}

function ForecastLegend({ hasCapacity, hasAlerts }: { hasCapacity: boolean; hasAlerts: boolean }) {
  const line = (color: string, dash?: string, width = 2) => (
    <svg width="22" height="10" aria-hidden="true">
      <line x1="0" y1="5" x2="22" y2="5" stroke={color} strokeWidth={width} strokeDasharray={dash} />
    </svg>
  );
  return (
    <ul className="chart-legend" aria-label="Legend">
      <li>{line(FORECAST_COLORS.actual)}Actual (hourly mean)</li>
      <li>{line(FORECAST_COLORS.fit, undefined, 1)}Model fit</li>
      <li>{line(FORECAST_COLORS.forecast, "6 4")}Forecast</li>
      <li>
        <span className="legend-swatch" style={{ background: FORECAST_COLORS.band, opacity: 0.4 }} aria-hidden="true" />
        95% band
      </li>
      {hasAlerts ? (
        <li>
          <svg width="12" height="12" aria-hidden="true">
            <circle cx="6" cy="6" r="5" fill={SEVERITY_COLORS.high} />
          </svg>
          Alert (colour = severity)
        </li>
      ) : null}
      {hasCapacity ? <li>{line(FORECAST_COLORS.capacity, "8 4")}Capacity</li> : null}
    </ul>
  );
}

function chartSummary(view: ForecastResponse, format: (v: number | null | undefined) => string): string {
  const f = view.forecast;
  if (!f) return `No forecast for ${view.metric.label} of ${view.device.name}.`;
  const horizon = f.points.slice(f.firstForecastIndex);
  const peak = horizon.reduce((max, p) => Math.max(max, p.yhat), Number.NEGATIVE_INFINITY);
  const last = view.actual[view.actual.length - 1];
  return (
    `${view.metric.label} of ${view.device.name}: ` +
    (last ? `latest hourly mean ${format(last.value)}; ` : "") +
    `forecast peak ${format(peak)} over the next ${Math.round(horizon.length / 24)} days; ` +
    `${view.alerts.length} ${view.alerts.length === 1 ? "alert" : "alerts"} marked.`
  );
}
