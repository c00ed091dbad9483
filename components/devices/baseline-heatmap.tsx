"use client";
// What the detectors consider normal for this device, by hour of week: a 7 × 24 table coloured by the
// mean of each bucket of the newest training, with a metric picker. A table (days as row headers, hours
// as column headers) reads cell by cell in a screen reader; each cell's title gives the numbers on hover.
import { useId } from "react";
import {
  buildBaselineHeatmap,
  describeHourOfWeek,
  heatmapColor,
  heatmapPosition,
  heatmapValue,
  HOURS_PER_DAY,
} from "@/lib/dashboards/baseline-heatmap";
import type { BaselineCellView, DeviceBaselines } from "@/lib/dashboards/device-detail";
import { formatMetricRange, formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { isMetricName, METRIC_INFO, type MetricName } from "@/lib/telemetry/metrics";
import { formatFullTime } from "@/components/ui/format-time";

const HOURS = Array.from({ length: HOURS_PER_DAY }, (_, h) => h);
const pad = (h: number) => String(h).padStart(2, "0");

export function BaselineHeatmap({
  baselines,
  onMetric,
  updating,
}: {
  baselines: DeviceBaselines;
  onMetric: (metric: string) => void;
  updating: boolean;
}) {
  const selectId = useId();
  const metric = baselines.metric !== null && isMetricName(baselines.metric) ? baselines.metric : null;

  return (
    <section className="panel" aria-labelledby="baseline-heatmap-heading" aria-busy={updating} data-updating={updating || undefined}>
      <div className="panel-header">
        <h2 id="baseline-heatmap-heading">Baselines by hour of week</h2>
        {baselines.metrics.length > 0 ? (
          <div className="field field-inline">
            <label htmlFor={selectId}>Metric</label>
            <select
              id={selectId}
              className="input"
              value={baselines.metric ?? ""}
              onChange={(e) => onMetric(e.target.value)}
              data-testid="baseline-metric"
            >
              {baselines.metrics.map((m) => (
                <option key={m} value={m}>
                  {isMetricName(m) ? METRIC_INFO[m].label : m}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      {metric === null ? (
        <div className="empty-state" data-testid="baseline-heatmap-empty">
          <strong>No baseline for this device yet.</strong>
          <span>
            The worker learns what is normal for each hour of the week from the device’s history and retrains on a schedule;
            the heatmap fills in after the first training that includes this device.
          </span>
        </div>
      ) : (
        <HeatmapTable baselines={baselines} metric={metric} />
      )}
    </section>
  );
}

function HeatmapTable({ baselines, metric }: { baselines: DeviceBaselines; metric: MetricName }) {
  const heatmap = buildBaselineHeatmap(baselines.cells);
  const label = METRIC_INFO[metric].label;
  const filled = heatmap.rows.reduce((n, r) => n + r.cells.filter(Boolean).length, 0);
  return (
    <div className="panel-body stack">
      <p className="faint">
        Mean {label} of each hour (UTC) in the newest training
        {baselines.version !== null ? ` (version ${baselines.version}` : ""}
        {baselines.trainedAt ? `, trained ${formatFullTime(baselines.trainedAt)}` : ""}
        {baselines.version !== null ? ")" : ""}. Hover a cell for its median, 5th–95th percentile band and sample count.
      </p>
      <div className="table-wrap">
        <table className="baseline-heatmap" data-testid="baseline-heatmap" data-metric={metric} data-filled-cells={filled}>
          <caption className="visually-hidden">
            {label} baseline by day of week (rows) and hour of day in UTC (columns); {filled} of 168 hours trained.
          </caption>
          <thead>
            <tr>
              <td />
              {HOURS.map((h) => (
                <th key={h} scope="col" className="baseline-heatmap-hour">
                  {/* every third hour is labelled on screen; a screen reader hears them all */}
                  <span className={h % 3 === 0 ? undefined : "visually-hidden"}>{pad(h)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {heatmap.rows.map((row) => (
              <tr key={row.day}>
                <th scope="row" className="baseline-heatmap-day">
                  <abbr title={row.day}>{row.day.slice(0, 3)}</abbr>
                </th>
                {row.cells.map((cell, hour) => (
                  <HeatmapCell key={hour} cell={cell} metric={metric} domain={heatmap.domain} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <HeatmapLegend metric={metric} domain={heatmap.domain} />
    </div>
  );
}

function HeatmapCell({
  cell,
  metric,
  domain,
}: {
  cell: BaselineCellView | null;
  metric: MetricName;
  domain: { min: number; max: number } | null;
}) {
  if (!cell || !domain) {
    return (
      <td className="baseline-heatmap-cell" data-testid="heatmap-cell" data-filled="false" title="No baseline for this hour">
        <span className="visually-hidden">no baseline</span>
      </td>
    );
  }
  const value = heatmapValue(cell);
  const band = cell.p05 !== null ? formatMetricRange(metric, cell.p05, cell.p95) : `up to ${formatMetricValue(metric, cell.p95)}`;
  const title =
    `${describeHourOfWeek(cell.hourOfWeek)}\n` +
    `Mean ${formatMetricValue(metric, cell.mean)} · median ${formatMetricValue(metric, cell.median)}\n` +
    `5th–95th percentile ${band}\n` +
    `${cell.sampleCount} ${cell.sampleCount === 1 ? "sample" : "samples"}`;
  return (
    <td
      className="baseline-heatmap-cell"
      data-testid="heatmap-cell"
      data-filled="true"
      data-hour-of-week={cell.hourOfWeek}
      data-mean={cell.mean}
      title={title}
      style={{ background: heatmapColor(heatmapPosition(value, domain)) }}
    >
      <span className="visually-hidden">{formatMetricValue(metric, value)}</span>
    </td>
  );
}

function HeatmapLegend({ metric, domain }: { metric: MetricName; domain: { min: number; max: number } | null }) {
  if (!domain) return null;
  const stops = Array.from({ length: 11 }, (_, i) => `${heatmapColor(i / 10)} ${i * 10}%`).join(", ");
  return (
    <div className="baseline-heatmap-legend" aria-label="Colour scale">
      <span>{formatMetricValue(metric, domain.min)}</span>
      <span className="baseline-heatmap-scale" style={{ background: `linear-gradient(to right, ${stops})` }} aria-hidden="true" />
      <span>{formatMetricValue(metric, domain.max)}</span>
      <span className="baseline-heatmap-legend-empty">
        <span className="legend-swatch baseline-heatmap-none" aria-hidden="true" />
        no baseline
      </span>
    </div>
  );
}
