"use client";
// Precision, recall and F1 of a detector against its threshold (from analysts' verdicts and scenario labels), with the
// F1-, precision- and recall-optimal thresholds, the current setting and the chosen value marked.
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { FeedbackCurveResponse } from "@/lib/alerts/settings-views";

export const CURVE_COLORS = {
  precision: "#4fb3d9",
  recall: "#e8b04b",
  f1: "#4cc38a",
  current: "var(--text-muted, #93a1b3)",
  chosen: "var(--text, #e3e9f1)",
  axis: "#6b7a8e",
  grid: "#243041",
} as const;

const pctText = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${Math.round(v * 100)}%`);
export const formatThreshold = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

export function FeedbackCurveChart({ curve, chosen }: { curve: FeedbackCurveResponse; chosen: number | null }) {
  const { optimal, points } = curve;
  const thresholds = points.map((p) => p.threshold);
  const lo = Math.min(...thresholds, ...(chosen !== null ? [chosen] : []));
  const hi = Math.max(...thresholds, ...(chosen !== null ? [chosen] : []));
  const pad = (hi - lo || 1) * 0.05;
  const domain: [number, number] = [lo - pad, hi + pad];
  const summary =
    `Precision, recall and F1 against the ${curve.field ?? "threshold"} from ${curve.labelled} labelled alerts (${curve.sources.verdicts} with verdicts, ${curve.sources.scenarios} from scenario ground truth; ${curve.positives} true positives). ` +
    `F1 is best at ${optimal.f1 === null ? "—" : formatThreshold(optimal.f1)}, precision at ${optimal.precision === null ? "—" : formatThreshold(optimal.precision)}, ` +
    `recall at ${optimal.recall === null ? "—" : formatThreshold(optimal.recall)}.`;
  const markers = [
    { key: "f1", label: "F1-optimal", value: optimal.f1, color: CURVE_COLORS.f1, dash: "6 3" },
    { key: "precision", label: "Precision-optimal", value: optimal.precision, color: CURVE_COLORS.precision, dash: "2 3" },
    { key: "recall", label: "Recall-optimal", value: optimal.recall, color: CURVE_COLORS.recall, dash: "8 3 2 3" },
  ];

  return (
    <figure className="tuning-figure">
      <figcaption className="visually-hidden">{summary}</figcaption>
      <div
        data-testid="tuning-chart"
        data-points={points.length}
        data-f1-optimal={optimal.f1 ?? ""}
        data-precision-optimal={optimal.precision ?? ""}
        data-recall-optimal={optimal.recall ?? ""}
        role="img"
        aria-label={`Chart: ${summary}`}
      >
        <ResponsiveContainer width="100%" height={300} initialDimension={{ width: 720, height: 300 }}>
          <LineChart data={points} margin={{ top: 28, right: 24, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke={CURVE_COLORS.grid} strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="threshold"
              domain={domain}
              tickFormatter={(v: number) => formatThreshold(v)}
              stroke={CURVE_COLORS.axis}
              tick={{ fill: CURVE_COLORS.axis, fontSize: 12 }}
              allowDataOverflow
            />
            <YAxis
              type="number"
              domain={[0, 1]}
              tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
              stroke={CURVE_COLORS.axis}
              tick={{ fill: CURVE_COLORS.axis, fontSize: 12 }}
              width={48}
            />
            <Tooltip
              contentStyle={{ background: "#111822", border: "1px solid #33435a", borderRadius: 5 }}
              labelFormatter={(v) => `${curve.field ?? "threshold"} ≥ ${formatThreshold(Number(v))}`}
              formatter={(v, name) => [pctText(typeof v === "number" ? v : null), String(name)]}
            />
            <Line dataKey="precision" name="Precision" type="stepAfter" stroke={CURVE_COLORS.precision} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
            <Line dataKey="recall" name="Recall" type="stepAfter" stroke={CURVE_COLORS.recall} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
            <Line dataKey="f1" name="F1" type="stepAfter" stroke={CURVE_COLORS.f1} strokeWidth={2.5} dot={false} isAnimationActive={false} connectNulls={false} />
            {markers.map((m) =>
              m.value === null ? null : (
                <ReferenceLine key={m.key} x={m.value} stroke={m.color} strokeDasharray={m.dash} strokeWidth={1.5} ifOverflow="extendDomain" />
              ),
            )}
            {curve.currentThreshold !== null ? (
              <ReferenceLine
                x={curve.currentThreshold}
                stroke={CURVE_COLORS.current}
                strokeDasharray="1 3"
                label={{ value: "current", position: "insideTopLeft", fill: CURVE_COLORS.current, fontSize: 11 }}
              />
            ) : null}
            {chosen !== null ? (
              <ReferenceLine x={chosen} stroke={CURVE_COLORS.chosen} strokeWidth={2} label={{ value: "chosen", position: "top", fill: CURVE_COLORS.chosen, fontSize: 12 }} />
            ) : null}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <ul className="chart-legend" aria-hidden="true">
        {(["precision", "recall", "f1"] as const).map((k) => (
          <li key={k}>
            <span className="legend-swatch" style={{ background: CURVE_COLORS[k] }} />
            {k === "f1" ? "F1" : k[0]!.toUpperCase() + k.slice(1)}
          </li>
        ))}
        {markers.map((m) => (
          <li key={m.key}>
            <svg width="18" height="10">
              <line x1="0" y1="5" x2="18" y2="5" stroke={m.color} strokeWidth="2" strokeDasharray={m.dash} />
            </svg>
            {m.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
