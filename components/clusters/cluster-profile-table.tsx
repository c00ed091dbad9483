import type { ClusterRunView } from "@/lib/dashboards/cluster-view";
import { clusterColor } from "./cluster-colors";

/** One row per cluster: its size, its members' means of the key features in original units, and what sets it apart. */
export function ClusterProfileTable({ run }: { run: ClusterRunView }) {
  return (
    <section className="panel" aria-labelledby="cluster-profiles-heading">
      <div className="panel-header">
        <h2 id="cluster-profiles-heading">Cluster profiles</h2>
        <span className="faint">Members’ means, in original units</span>
      </div>
      <div className="table-wrap">
        <table className="alert-table" data-testid="cluster-profiles">
          <thead>
            <tr>
              <th scope="col">Cluster</th>
              <th scope="col">Devices</th>
              {run.keyFeatures.map((f) => (
                <th key={f.feature} scope="col">
                  {f.label}
                </th>
              ))}
              <th scope="col">Outliers</th>
              <th scope="col">Drift</th>
              <th scope="col">Sets it apart from the fleet</th>
            </tr>
          </thead>
          <tbody>
            {run.clusters.map((c) => (
              <tr key={c.id} data-testid="cluster-profile-row" data-cluster={c.id}>
                <th scope="row" className="cell-device row-header">
                  <span className="cluster-swatch" style={{ background: clusterColor(c.id) }} aria-hidden="true" /> Cluster {c.id}
                </th>
                <td className="cell-number">{c.size}</td>
                {c.keyFeatures.map((f) => (
                  <td key={f.feature} className="cell-number">
                    {f.text}
                  </td>
                ))}
                <td className="cell-number">{c.outliers}</td>
                <td className="cell-number">{c.driftDevices}</td>
                <td className="cell-explanation">
                  {c.distinguishing.length === 0 ? (
                    <span className="faint">Close to the fleet’s median on every feature</span>
                  ) : (
                    <ul className="plain-list">
                      {c.distinguishing.map((d) => (
                        <li key={d.feature}>
                          <span className={d.direction === "high" ? "trend-high" : "trend-low"}>{d.direction === "high" ? "High" : "Low"}</span>{" "}
                          {d.label}: {d.clusterText} <span className="faint">(fleet median {d.fleetMedianText})</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
