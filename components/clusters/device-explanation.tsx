import Link from "next/link";
import type { ClusterDeviceView, ClusterRunView } from "@/lib/dashboards/cluster-view";
import { clusterColor } from "./cluster-colors";
import { FindingBadges } from "./finding-badges";

export const DEVICE_EXPLANATION_ID = "device-why";

/** Bars are drawn to this many σ; larger differences fill the bar. */
const BAR_MAX_SIGMA = 6;

/** "Why is this device an outlier": its largest standardized differences from its peers and its configuration drift. */
export function DeviceExplanation({ run, device }: { run: ClusterRunView | null; device: ClusterDeviceView | null }) {
  if (!run || !device) {
    return (
      <section className="panel panel-body stack" aria-labelledby="device-why-heading" data-testid="device-explanation">
        <h2 id="device-why-heading">Why does a device stand out?</h2>
        <p className="muted">
          Select a device on the chart or in the device table to see how it differs from its peers: the features furthest from
          their centre and any configuration unlike theirs.
        </p>
      </section>
    );
  }

  const peersCluster = run.clusters.find((c) => c.id === device.comparedWith);
  const ownCluster = run.clusters.find((c) => c.id === device.cluster);
  const peers = (peersCluster?.size ?? 0) - (device.comparedWith === device.cluster ? 1 : 0);
  const against =
    device.comparedWith === device.cluster
      ? `its ${peers} ${peers === 1 ? "peer" : "peers"} in cluster ${device.cluster}`
      : `cluster ${device.comparedWith} (${peers} devices), the nearest large group: it is ${
          ownCluster?.size === 1 ? "alone" : `one of ${ownCluster?.size ?? "?"}`
        } in cluster ${device.cluster}`;
  const verdict = device.isOutlier
    ? `Behaves unlike ${against}.`
    : device.hasDrift
      ? `Behaves like ${against}, but is configured differently.`
      : `Behaves like ${against}.`;

  return (
    <section
      className="panel panel-body stack"
      id={DEVICE_EXPLANATION_ID}
      aria-labelledby="device-why-heading"
      data-testid="device-explanation"
      data-device={device.name}
    >
      <div className="stack-tight">
        <h2 id="device-why-heading">
          <span className="cluster-swatch" style={{ background: clusterColor(device.cluster) }} aria-hidden="true" /> {device.name}
        </h2>
        {device.role ? (
          <span className="faint">
            {device.role} · {device.site}
          </span>
        ) : (
          <span className="faint">No longer in the inventory</span>
        )}
        <FindingBadges device={device} />
      </div>
      <p>{verdict}</p>
      <dl className="numbers">
        <div>
          <dt>Distance z</dt>
          <dd data-testid="device-distance-z">{device.distanceZ.toFixed(1)}</dd>
        </div>
        <div>
          <dt>Outlier past</dt>
          <dd>{run.outlierZ}</dd>
        </div>
        <div>
          <dt>Distance (σ)</dt>
          <dd>{device.distance.toFixed(2)}</dd>
        </div>
      </dl>

      <div className="stack-tight">
        <h3>Largest differences from its peers</h3>
        {device.differences.length === 0 ? (
          <p className="muted">No behavioural data to compare.</p>
        ) : (
          <ul className="difference-list" data-testid="device-differences">
            {device.differences.map((d) => {
              const width = Math.min(1, Math.abs(d.standardizedDiff) / BAR_MAX_SIGMA) * 50;
              const positive = d.standardizedDiff >= 0;
              return (
                <li key={d.feature}>
                  <div className="difference-head">
                    <span>{d.label}</span>
                    <span className="mono">
                      {positive ? "+" : "−"}
                      {Math.abs(d.standardizedDiff).toFixed(1)}σ
                    </span>
                  </div>
                  <div className="diff-bar" aria-hidden="true">
                    <span
                      className={positive ? "diff-bar-fill diff-bar-high" : "diff-bar-fill diff-bar-low"}
                      style={positive ? { left: "50%", width: `${width}%` } : { right: "50%", width: `${width}%` }}
                    />
                  </div>
                  <p className="muted">{d.description}.</p>
                  <p className="faint">
                    Device {d.valueText} · peer mean {d.peerMeanText}
                    {d.peerRangeText ? ` · peers ${d.peerRangeText}` : ""} · {Math.round(d.distanceShare * 100)}% of the distance
                  </p>
                </li>
              );
            })}
          </ul>
        )}
      </div>

      <div className="stack-tight">
        <h3>Configuration</h3>
        {device.drift.length === 0 ? (
          <p className="muted">Configured like its peers (as far as the known facts go).</p>
        ) : (
          <ul className="plain-list drift-list" data-testid="device-drift">
            {device.drift.map((d) => (
              <li key={d.feature}>
                {d.towardRisk ? <span className="badge finding-badge" data-finding="risk">Riskier</span> : null} {capitalize(d.description)}{" "}
                <span className="faint">({d.peers} peers known)</span>
              </li>
            ))}
          </ul>
        )}
      </div>

      {device.imputedFeatures.length > 0 ? (
        <p className="faint">
          Not reported by this device (not counted in its distance): {device.imputedFeatures.join(", ")}.
        </p>
      ) : null}
      {device.deviceId !== null ? (
        <p>
          <Link href={`/forecasts?deviceId=${device.deviceId}`}>Forecasts for {device.name}</Link>
        </p>
      ) : null}
    </section>
  );
}

function capitalize(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
