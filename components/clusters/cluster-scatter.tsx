"use client";
// Devices on the first two principal components of their standardized profiles, one colour per
// cluster. Outliers are diamonds with a white outline, configuration drift adds a dashed amber ring,
// the selected device a blue ring. A click on a point selects it; the device table below does the
// same by keyboard.
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import type { ClusterDeviceView, ClusterRunView } from "@/lib/dashboards/cluster-view";
import { clusterColor, DRIFT_STROKE, OUTLIER_STROKE, SELECTED_STROKE } from "./cluster-colors";
import { niceAxis } from "./nice-axis";

const AXIS = "#6b7a8e";
const GRID = "#243041";

interface PointProps {
  cx?: number;
  cy?: number;
  payload?: ClusterDeviceView;
}

export function ClusterScatter({
  run,
  selected,
  onSelect,
}: {
  run: ClusterRunView;
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const outliers = run.devices.filter((d) => d.isOutlier).length;
  const drift = run.devices.filter((d) => d.hasDrift).length;
  const [pc1, pc2] = run.pcaExplainedVariance.map((v) => Math.round(v * 100));
  const summary =
    `${run.devices.length} devices in ${run.k} ${run.k === 1 ? "cluster" : "clusters"}; ` +
    `${outliers} ${outliers === 1 ? "outlier" : "outliers"}, ${drift} with configuration drift.`;

  // Unusual devices are drawn last so no ordinary point hides them.
  const rank = (d: ClusterDeviceView) => (d.name === selected ? 3 : d.isOutlier ? 2 : d.hasDrift ? 1 : 0);
  const byCluster = run.clusters.map((c) => ({
    cluster: c,
    points: run.devices.filter((d) => d.cluster === c.id).sort((a, b) => rank(a) - rank(b)),
  }));

  const xAxis = niceAxis(run.devices.map((d) => d.x));
  const yAxis = niceAxis(run.devices.map((d) => d.y));

  const renderPoint = (props: PointProps) => {
    const { cx, cy, payload } = props;
    if (cx === undefined || cy === undefined || !payload || !Number.isFinite(cx) || !Number.isFinite(cy)) return <g />;
    return (
      <DevicePoint
        cx={cx}
        cy={cy}
        device={payload}
        selected={payload.name === selected}
        onSelect={() => onSelect(payload.name)}
      />
    );
  };

  return (
    <figure className="cluster-figure">
      <figcaption className="visually-hidden">{summary}</figcaption>
      <div data-testid="cluster-chart" role="img" aria-label={`Scatter chart of devices by behaviour: ${summary}`}>
        <ResponsiveContainer width="100%" height={420} initialDimension={{ width: 720, height: 420 }}>
          <ScatterChart margin={{ top: 12, right: 16, bottom: 28, left: 8 }} accessibilityLayer={false}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="x"
              name="Component 1"
              stroke={AXIS}
              tick={{ fill: AXIS, fontSize: 12 }}
              tickFormatter={(v: number) => String(Number(v.toFixed(2)))}
              domain={xAxis.domain}
              ticks={xAxis.ticks}
              label={{ value: `Component 1 (${pc1}% of variation)`, position: "insideBottom", offset: -16, fill: AXIS, fontSize: 12 }}
            />
            <YAxis
              type="number"
              dataKey="y"
              name="Component 2"
              stroke={AXIS}
              tick={{ fill: AXIS, fontSize: 12 }}
              tickFormatter={(v: number) => String(Number(v.toFixed(2)))}
              domain={yAxis.domain}
              ticks={yAxis.ticks}
              width={56}
              label={{ value: `Component 2 (${pc2}%)`, angle: -90, position: "insideLeft", offset: 12, fill: AXIS, fontSize: 12 }}
            />
            <Tooltip content={<DeviceTooltip outlierZ={run.outlierZ} />} cursor={{ strokeDasharray: "3 3", stroke: AXIS }} />
            {byCluster.map(({ cluster, points }) => (
              <Scatter
                key={cluster.id}
                name={`Cluster ${cluster.id}`}
                data={points}
                fill={clusterColor(cluster.id)}
                isAnimationActive={false}
                shape={renderPoint}
              />
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <ClusterLegend run={run} />
    </figure>
  );
}

function DevicePoint({
  cx,
  cy,
  device,
  selected,
  onSelect,
}: {
  cx: number;
  cy: number;
  device: ClusterDeviceView;
  selected: boolean;
  onSelect: () => void;
}) {
  const fill = clusterColor(device.cluster);
  const r = device.isOutlier ? 8 : 5.5;
  return (
    <g
      className="cluster-point"
      data-device={device.name}
      data-cluster={device.cluster}
      data-outlier={device.isOutlier ? "true" : undefined}
      data-drift={device.hasDrift ? "true" : undefined}
      onClick={onSelect}
      style={{ cursor: "pointer" }}
    >
      {selected ? <circle cx={cx} cy={cy} r={r + 7} fill="none" stroke={SELECTED_STROKE} strokeWidth={2.5} /> : null}
      {device.hasDrift ? (
        <circle cx={cx} cy={cy} r={r + 3.5} fill="none" stroke={DRIFT_STROKE} strokeWidth={2} strokeDasharray="3 2" />
      ) : null}
      {device.isOutlier ? (
        <path
          d={`M${cx} ${cy - r} L${cx + r} ${cy} L${cx} ${cy + r} L${cx - r} ${cy} Z`}
          fill={fill}
          stroke={OUTLIER_STROKE}
          strokeWidth={2}
        />
      ) : (
        <circle cx={cx} cy={cy} r={r} fill={fill} fillOpacity={0.85} stroke="var(--bg, #0b1017)" strokeWidth={1} />
      )}
    </g>
  );
}

function DeviceTooltip({
  active,
  payload,
  outlierZ,
}: {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
  outlierZ: number;
}) {
  const device = active ? (payload?.[0]?.payload as ClusterDeviceView | undefined) : undefined;
  if (!device) return null;
  const flags = [device.isOutlier ? "outlier" : null, device.hasDrift ? "configuration drift" : null].filter(Boolean);
  return (
    <div className="chart-tooltip">
      <strong>{device.name}</strong>
      {device.role ? (
        <div className="faint">
          {device.role} · {device.site}
        </div>
      ) : null}
      <div>
        Cluster {device.cluster}
        {device.comparedWith !== device.cluster ? ` (compared with ${device.comparedWith})` : ""}
      </div>
      <div>
        Distance z {device.distanceZ.toFixed(1)} <span className="faint">(outlier past {outlierZ})</span>
      </div>
      {flags.length > 0 ? <div className="chart-tooltip-flag">{flags.join(" · ")}</div> : null}
      <div className="faint">Click to see why</div>
    </div>
  );
}

function ClusterLegend({ run }: { run: ClusterRunView }) {
  return (
    <ul className="chart-legend" aria-label="Legend">
      {run.clusters.map((c) => (
        <li key={c.id}>
          <span className="cluster-swatch" style={{ background: clusterColor(c.id) }} aria-hidden="true" />
          Cluster {c.id} ({c.size})
        </li>
      ))}
      <li>
        <svg width="16" height="16" aria-hidden="true">
          <path d="M8 1 L15 8 L8 15 L1 8 Z" fill="#93a1b3" stroke={OUTLIER_STROKE} strokeWidth="1.5" />
        </svg>
        Outlier among peers
      </li>
      <li>
        <svg width="18" height="18" aria-hidden="true">
          <circle cx="9" cy="9" r="4" fill="#93a1b3" />
          <circle cx="9" cy="9" r="7.5" fill="none" stroke={DRIFT_STROKE} strokeWidth="1.5" strokeDasharray="3 2" />
        </svg>
        Configuration drift
      </li>
      <li>
        <svg width="18" height="18" aria-hidden="true">
          <circle cx="9" cy="9" r="4" fill="#93a1b3" />
          <circle cx="9" cy="9" r="7.5" fill="none" stroke={SELECTED_STROKE} strokeWidth="2" />
        </svg>
        Selected
      </li>
    </ul>
  );
}
