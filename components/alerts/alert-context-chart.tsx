"use client";
// The alert's metric over the 3 hours before it and the hour after (data time): the observed line,
// the baseline's p5–p95 band for each hour of the week, the forecast's interval where one exists,
// and a vertical line where the alert fired.
import { useQuery } from "@tanstack/react-query";
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { AlertContextView } from "@/lib/alerts/alert-context";
import type { AlertView } from "@/lib/alerts/alert-view";
import { fetchJson } from "@/components/api/fetch-json";
import { LoadError } from "@/components/ui/load-error";
import { alertQueryKeys } from "./alert-query-keys";
import { formatAlertValue } from "./format-alert-value";

const COLORS = {
  observed: "var(--text, #e3e9f1)",
  band: "#4fb3d9",
  forecast: "#b48ef0",
  axis: "var(--text-faint, #6b7a8e)",
  grid: "var(--border, #243041)",
  alert: "#f0506e",
} as const;

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const full = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

export function AlertContextChart({ alert }: { alert: AlertView }) {
  const query = useQuery({
    queryKey: alertQueryKeys.context(alert.id),
    queryFn: ({ signal }) => fetchJson<AlertContextView>(`/api/alerts/${alert.id}/context`, { signal }),
    enabled: alert.metric !== null,
  });
  if (alert.metric === null) return null;
  if (query.isPending) return <span className="skeleton" style={{ height: "220px" }} aria-label="Loading the metric around the alert" />;
  if (query.isError) return <LoadError what="the metric around this alert" error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />;
  const view = query.data;
  if (view.points.length === 0) {
    return <p className="muted">No stored samples of this metric around the alert (they may have been pruned by retention).</p>;
  }
  const format = (v: number) => formatAlertValue(alert.metric, v);
  const rows = view.points.map((p) => ({
    t: p.t,
    observed: p.observed,
    band: p.bandLow !== null && p.bandHigh !== null ? [p.bandLow, p.bandHigh] : null,
    forecast: p.forecastLow !== null && p.forecastHigh !== null ? [p.forecastLow, p.forecastHigh] : null,
  }));
  const summary = `${alert.metric} from ${full.format(view.from)} to ${full.format(view.to)}, ${view.points.length} minutes; the alert at ${full.format(view.alertAt)}.`;

  return (
    <figure className="range-chart">
      <div data-testid="alert-context-chart" role="img" aria-label={`Chart: ${summary}`}>
        <ResponsiveContainer width="100%" height={240} initialDimension={{ width: 640, height: 240 }}>
          <ComposedChart data={rows} margin={{ top: 12, right: 20, bottom: 4, left: 8 }} accessibilityLayer={false}>
            <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="t"
              domain={[view.from, view.to]}
              tickFormatter={(v: number) => clock.format(v)}
              stroke={COLORS.axis}
              tick={{ fill: COLORS.axis, fontSize: 12 }}
              allowDataOverflow
            />
            <YAxis tickFormatter={format} stroke={COLORS.axis} tick={{ fill: COLORS.axis, fontSize: 12 }} width={72} />
            <Tooltip
              labelFormatter={(v) => full.format(Number(v))}
              formatter={(value: unknown, name: unknown) => {
                const label = String(name);
                if (Array.isArray(value)) return [`${format(Number(value[0]))} – ${format(Number(value[1]))}`, label];
                return [format(Number(value)), label];
              }}
              contentStyle={{ background: "var(--panel, #141c27)", border: "1px solid var(--border-strong, #33435a)" }}
            />
            {view.hasBand ? (
              <Area dataKey="band" name="Baseline p5–p95" stroke={COLORS.band} strokeOpacity={0.5} fill={COLORS.band} fillOpacity={0.16} isAnimationActive={false} connectNulls />
            ) : null}
            {view.hasForecast ? (
              <Area dataKey="forecast" name="Forecast 95% interval" stroke={COLORS.forecast} strokeDasharray="4 3" fill={COLORS.forecast} fillOpacity={0.1} isAnimationActive={false} connectNulls />
            ) : null}
            <Line dataKey="observed" name="Observed" stroke={COLORS.observed} dot={false} strokeWidth={1.6} isAnimationActive={false} connectNulls={false} />
            <ReferenceLine x={view.alertAt} stroke={COLORS.alert} strokeWidth={2} label={{ value: "alert", fill: COLORS.alert, fontSize: 12, position: "insideTopRight" }} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <ul className="chart-legend" aria-hidden="true">
        <li>
          <svg width="18" height="10">
            <line x1="0" y1="5" x2="18" y2="5" stroke={COLORS.observed} strokeWidth="2" />
          </svg>
          Observed
        </li>
        {view.hasBand ? (
          <li>
            <span className="legend-swatch" style={{ background: COLORS.band, opacity: 0.45 }} />
            Baseline p5–p95 for the hour of week
          </li>
        ) : null}
        {view.hasForecast ? (
          <li>
            <span className="legend-swatch" style={{ background: COLORS.forecast, opacity: 0.45 }} />
            Forecast 95% interval
          </li>
        ) : null}
        <li>
          <svg width="10" height="12">
            <line x1="5" y1="0" x2="5" y2="12" stroke={COLORS.alert} strokeWidth="2" />
          </svg>
          Alert
        </li>
      </ul>
    </figure>
  );
}
