"use client";
// Alerts raised in each of the last 24 hours, stacked by severity (counted when they were stored).
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { SEVERITIES } from "@/lib/alerts/alert-view";
import type { HourBucket } from "@/lib/dashboards/overview-view";
import { CHART, SEVERITY_FILL } from "./chart-colors";
import { formatCount, formatHour } from "./overview-format";

// Bottom to top: the most severe on top, where the eye lands first.
const STACK = [...SEVERITIES].reverse();

export function AlertsPerHourChart({ hours }: { hours: HourBucket[] }) {
  const total = hours.reduce((n, h) => n + h.total, 0);
  const busiest = hours.reduce<HourBucket | undefined>((max, h) => (!max || h.total > max.total ? h : max), undefined);
  const summary =
    total === 0
      ? "No alerts were raised in the last 24 hours."
      : `${formatCount(total)} alerts raised in the last 24 hours; the busiest hour, from ${formatHour(busiest!.hour)}, had ${formatCount(busiest!.total)}.`;

  return (
    <section className="panel overview-panel overview-panel-wide" aria-labelledby="alerts-per-hour-heading">
      <div className="panel-header">
        <h2 id="alerts-per-hour-heading">Alerts per hour</h2>
        <span className="faint">last 24 h · {formatCount(total)} raised</span>
      </div>
      <figure className="panel-body overview-figure">
        <figcaption className="visually-hidden">{summary}</figcaption>
        {total === 0 ? (
          <div className="empty-state" data-testid="alerts-per-hour-empty">
            <strong>No alerts in the last 24 hours.</strong>
            <span>New alerts are counted here by the hour they were raised, stacked by severity.</span>
          </div>
        ) : (
          <>
            <div data-testid="alerts-per-hour-chart" data-total={total} role="img" aria-label={`Chart: ${summary}`}>
              <ResponsiveContainer width="100%" height={220} initialDimension={{ width: 720, height: 220 }}>
                <BarChart data={hours} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
                  <CartesianGrid stroke={CHART.grid} strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="hour" tickFormatter={formatHour} stroke={CHART.axis} tick={{ fill: CHART.axis, fontSize: 11 }} interval="preserveStartEnd" minTickGap={24} />
                  <YAxis allowDecimals={false} stroke={CHART.axis} tick={{ fill: CHART.axis, fontSize: 11 }} width={36} />
                  <Tooltip
                    cursor={{ fill: "var(--panel-hover)" }}
                    contentStyle={CHART.tooltip}
                    labelStyle={{ color: "var(--text)" }}
                    labelFormatter={(v) => `From ${formatHour(String(v))}`}
                  />
                  {STACK.map((s) => (
                    <Bar key={s} dataKey={s} name={s} stackId="severity" fill={SEVERITY_FILL[s]} isAnimationActive={false} />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </div>
            <ul className="chart-legend" aria-hidden="true">
              {SEVERITIES.map((s) => (
                <li key={s}>
                  <span className="legend-swatch" style={{ background: SEVERITY_FILL[s] }} />
                  {s}
                </li>
              ))}
            </ul>
          </>
        )}
      </figure>
    </section>
  );
}
