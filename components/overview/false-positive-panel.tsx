"use client";
// The share of judged alerts that analysts called false positives over the last 7 days, with the
// per-day rate as a line (days without verdicts leave a gap, not a zero).
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { FalsePositiveRate } from "@/lib/dashboards/overview-view";
import { CHART } from "./chart-colors";
import { formatCount, formatPercent, formatUtcDay } from "./overview-format";

export function FalsePositivePanel({ fp }: { fp: FalsePositiveRate }) {
  return (
    <section className="panel overview-panel" aria-labelledby="fp-rate-heading">
      <div className="panel-header">
        <h2 id="fp-rate-heading">False-positive rate</h2>
        <span className="faint">last {fp.days} days</span>
      </div>
      {fp.judged === 0 ? (
        <div className="empty-state" data-testid="fp-rate-empty">
          <strong>No verdicts in the last {fp.days} days.</strong>
          <span>Mark alerts “True positive” or “False positive” on their detail page; the rate of false positives shows here.</span>
        </div>
      ) : (
        <div className="panel-body stack">
          <p className="overview-big-number" data-testid="fp-rate" data-rate={fp.rate ?? ""} data-judged={fp.judged}>
            <strong>{formatPercent(fp.rate)}</strong>
            <span className="muted">
              {formatCount(fp.falsePositives)} of {formatCount(fp.judged)} judged alerts were false positives
            </span>
          </p>
          <div data-testid="fp-rate-chart" role="img" aria-label={`Chart: false-positive rate per day, ${fp.perDay.map((d) => `${formatUtcDay(d.day)} ${formatPercent(d.rate)}`).join(", ")}`}>
            <ResponsiveContainer width="100%" height={120} initialDimension={{ width: 360, height: 120 }}>
              <LineChart data={fp.perDay} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
                <CartesianGrid stroke={CHART.grid} strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="day" tickFormatter={formatUtcDay} stroke={CHART.axis} tick={{ fill: CHART.axis, fontSize: 11 }} />
                <YAxis domain={[0, 1]} ticks={[0, 0.5, 1]} tickFormatter={formatPercent} stroke={CHART.axis} tick={{ fill: CHART.axis, fontSize: 11 }} width={40} />
                <Tooltip
                  contentStyle={CHART.tooltip}
                  labelStyle={{ color: "var(--text)" }}
                  labelFormatter={(v) => `${formatUtcDay(String(v))} (UTC)`}
                  formatter={(v, _name, item) => {
                    const day = item.payload as FalsePositiveRate["perDay"][number];
                    return [`${formatPercent(typeof v === "number" ? v : null)} of ${day.judged} judged`, "False positives"];
                  }}
                />
                <Line dataKey="rate" type="monotone" stroke={CHART.line} strokeWidth={2} dot={{ r: 3, fill: CHART.line }} connectNulls={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </div>
      )}
    </section>
  );
}
