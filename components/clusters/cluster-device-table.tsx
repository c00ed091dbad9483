"use client";
// The devices of the run, most unusual first, each a button that selects it (the keyboard way to
// what a click on the chart does). Filtered to outliers and drift by default when there are any.
import { useId, useState } from "react";
import type { ClusterDeviceView, ClusterRunView } from "@/lib/dashboards/cluster-view";
import { clusterColor } from "./cluster-colors";
import { FindingBadges } from "./finding-badges";

const MAX_ROWS = 100;

type Show = "unusual" | "all";

export function ClusterDeviceTable({
  run,
  selected,
  onSelect,
}: {
  run: ClusterRunView;
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const unusualCount = run.devices.filter((d) => d.isOutlier || d.hasDrift).length;
  const [show, setShow] = useState<Show>(unusualCount > 0 ? "unusual" : "all");
  const [search, setSearch] = useState("");
  const showId = useId();
  const searchId = useId();

  const needle = search.trim().toLowerCase();
  const rows = run.devices
    .filter((d) => show === "all" || d.isOutlier || d.hasDrift)
    .filter((d) => needle === "" || d.name.toLowerCase().includes(needle))
    .sort(byUnusual);
  const shown = rows.slice(0, MAX_ROWS);

  return (
    <section className="panel" aria-labelledby="cluster-devices-heading">
      <div className="panel-header">
        <h2 id="cluster-devices-heading">Devices</h2>
        <div className="toolbar">
          <div className="field field-inline">
            <label htmlFor={showId}>Show</label>
            <select id={showId} className="input" value={show} onChange={(e) => setShow(e.target.value as Show)}>
              <option value="unusual">Outliers and drift ({unusualCount})</option>
              <option value="all">All devices ({run.devices.length})</option>
            </select>
          </div>
          <div className="field field-inline">
            <label htmlFor={searchId}>Find</label>
            <input
              id={searchId}
              className="input"
              type="search"
              placeholder="Device name"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
        </div>
      </div>
      {rows.length === 0 ? (
        <div className="empty-state">
          <strong>{needle ? `No device matches “${search.trim()}”.` : "No outliers and no configuration drift."}</strong>
          <span>
            {needle
              ? "Check the name, or show all devices."
              : "Every device behaves and is configured like its peers. Choose “All devices” to pick any device."}
          </span>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="alert-table" data-testid="cluster-devices">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Cluster</th>
                <th scope="col">Distance z</th>
                <th scope="col">Finding</th>
                <th scope="col">Largest difference</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => (
                <tr
                  key={d.name}
                  data-testid="cluster-device-row"
                  data-device={d.name}
                  className={d.name === selected ? "row-selected" : undefined}
                >
                  <td className="cell-device">
                    <button
                      type="button"
                      className="link-button"
                      aria-pressed={d.name === selected}
                      onClick={() => onSelect(d.name)}
                    >
                      {d.name}
                    </button>
                    {d.role ? (
                      <div className="faint">
                        {d.role} · {d.site}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <span className="cluster-swatch" style={{ background: clusterColor(d.cluster) }} aria-hidden="true" /> {d.cluster}
                    {d.comparedWith !== d.cluster ? <div className="faint">vs cluster {d.comparedWith}</div> : null}
                  </td>
                  <td className="cell-number">{d.distanceZ.toFixed(1)}</td>
                  <td>
                    <FindingBadges device={d} />
                  </td>
                  <td className="cell-explanation">
                    {d.differences[0] ? (
                      <span className="clamp-2">
                        {d.differences[0].label}: {d.differences[0].valueText}{" "}
                        <span className="faint">(peers {d.differences[0].peerMeanText})</span>
                      </span>
                    ) : (
                      <span className="faint">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length > shown.length ? (
            <p className="table-note faint">
              Showing the {shown.length} most unusual of {rows.length} devices; use Find to reach the others.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}

function byUnusual(a: ClusterDeviceView, b: ClusterDeviceView): number {
  const score = (d: ClusterDeviceView) => (d.isOutlier ? 2 : 0) + (d.hasDrift ? 1 : 0);
  return score(b) - score(a) || b.distanceZ - a.distanceZ || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
