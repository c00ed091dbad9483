"use client";
// The observed value against the range the detector expected for that hour of the week: a band
// from low to high, lines at mean / median / p95, and the observed value as a diamond.
import { ReferenceArea, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, XAxis, YAxis } from "recharts";
import type { AlertView } from "@/lib/alerts/alert-view";
import { isMetricName, METRIC_INFO } from "@/lib/telemetry/metrics";
import { formatAlertRange, formatAlertValue } from "./format-alert-value";

const COLORS = {
  band: "#4fb3d9",
  axis: "#6b7a8e",
  mean: "var(--text, #e3e9f1)",
  median: "var(--text-muted, #93a1b3)",
  p95: "#e8b04b",
} as const;

const SEVERITY_COLORS: Record<AlertView["severity"], string> = {
  critical: "#f0506e",
  high: "#f28c38",
  medium: "#e3c14d",
  low: "#5aa9e6",
};

interface Marker {
  key: string;
  label: string;
  value: number;
  color: string;
  dash: string;
}

export function ExpectedRangeChart({ alert }: { alert: AlertView }) {
  const { metric, observed, expected, severity } = alert;
  const format = (v: number) => formatAlertValue(metric, v);
  const observedColor = SEVERITY_COLORS[severity];
  const hasBand = Number.isFinite(expected.low) && Number.isFinite(expected.high);
  const markers = markersFor(expected);
  const domain = paddedDomain(
    [observed.value, ...(hasBand ? [expected.low, expected.high] : []), ...markers.map((m) => m.value)],
    metric && isMetricName(metric) ? METRIC_INFO[metric].max : undefined,
  );
  const summary = `Observed ${format(observed.value)}; expected ${hasBand ? formatAlertRange(metric, expected.low, expected.high) : "range unknown"}.`;

  return (
    <figure className="range-chart">
      <figcaption className="muted">{summary}</figcaption>
      <div role="img" aria-label={`Chart: ${summary}`}>
        <ResponsiveContainer width="100%" height={150} initialDimension={{ width: 640, height: 150 }}>
          <ScatterChart margin={{ top: 30, right: 36, bottom: 4, left: 36 }} accessibilityLayer={false}>
            <XAxis
              type="number"
              dataKey="x"
              domain={domain}
              tickFormatter={format}
              tickCount={6}
              stroke={COLORS.axis}
              tick={{ fill: COLORS.axis, fontSize: 12 }}
              allowDataOverflow
            />
            <YAxis type="number" dataKey="y" domain={[0, 1]} hide />
            {hasBand ? (
              <ReferenceArea
                x1={expected.low}
                x2={expected.high}
                y1={0}
                y2={1}
                fill={COLORS.band}
                fillOpacity={0.18}
                stroke={COLORS.band}
                strokeOpacity={0.5}
              />
            ) : null}
            {markers.map((m) => (
              <ReferenceLine key={m.key} x={m.value} stroke={m.color} strokeDasharray={m.dash} strokeWidth={1.5} />
            ))}
            <Scatter
              data={[{ x: observed.value, y: 0.5 }]}
              isAnimationActive={false}
              shape={(props: { cx?: number; cy?: number }) => (
                <ObservedMarker cx={props.cx} cy={props.cy} color={observedColor} label={format(observed.value)} />
              )}
            />
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <ul className="chart-legend" aria-hidden="true">
        {hasBand ? (
          <li>
            <span className="legend-swatch" style={{ background: COLORS.band, opacity: 0.45 }} />
            Expected range
          </li>
        ) : null}
        {markers.map((m) => (
          <li key={m.key}>
            <svg width="18" height="10">
              <line x1="0" y1="5" x2="18" y2="5" stroke={m.color} strokeWidth="2" strokeDasharray={m.dash} />
            </svg>
            {m.label}
          </li>
        ))}
        <li>
          <svg width="12" height="12">
            <path d="M6 0 L12 6 L6 12 L0 6 Z" fill={observedColor} />
          </svg>
          Observed
        </li>
      </ul>
    </figure>
  );
}

function ObservedMarker({ cx, cy, color, label }: { cx?: number; cy?: number; color: string; label: string }) {
  if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) return null;
  const r = 9;
  return (
    <g>
      <path d={`M${cx} ${cy - r} L${cx + r} ${cy} L${cx} ${cy + r} L${cx - r} ${cy} Z`} fill={color} stroke="var(--bg, #0b1017)" strokeWidth={2} />
      <text x={cx} y={cy - r - 8} textAnchor="middle" fill={color} fontSize={13} fontWeight={600}>
        {label}
      </text>
    </g>
  );
}

function markersFor(expected: AlertView["expected"]): Marker[] {
  const candidates: Array<Omit<Marker, "value"> & { value: number | undefined }> = [
    { key: "mean", label: "Mean", value: expected.mean, color: COLORS.mean, dash: "6 4" },
    { key: "median", label: "Median", value: expected.median, color: COLORS.median, dash: "2 3" },
    { key: "p95", label: "95th percentile", value: expected.p95, color: COLORS.p95, dash: "8 3 2 3" },
  ];
  return candidates.filter((m): m is Marker => typeof m.value === "number" && Number.isFinite(m.value));
}

/** The smallest range holding every value, padded so the ends do not touch the edges. */
export function paddedDomain(values: number[], max?: number): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.15;
  let from = lo - pad;
  let to = hi + pad;
  if (lo >= 0) from = Math.max(0, from);
  if (max !== undefined && hi <= max) to = Math.min(max, to);
  return [from, to];
}
