"use client";
// The Clusters page: the newest peer-group run as a scatter of devices coloured by cluster, the
// selected device's "why", the cluster profiles and the device list.
import { useState } from "react";
import { formatFullTime } from "@/components/ui/format-time";
import { LoadError } from "@/components/ui/load-error";
import { ClusterDeviceTable } from "./cluster-device-table";
import { ClusterProfileTable } from "./cluster-profile-table";
import { ClusterScatter } from "./cluster-scatter";
import { DEVICE_EXPLANATION_ID, DeviceExplanation } from "./device-explanation";
import { useClusterRun } from "./use-cluster-run";

export function ClustersDashboard() {
  const { data: run, isPending, isError, error, refetch, isFetching } = useClusterRun();
  const [selected, setSelected] = useState<string | null>(null);

  if (isPending) return <ClustersSkeleton />;
  if (isError) {
    return (
      <div className="panel">
        <LoadError what="the peer groups" error={error} onRetry={() => void refetch()} retrying={isFetching} />
      </div>
    );
  }
  if (!run) {
    return (
      <div className="panel empty-state" data-testid="clusters-empty">
        <strong>No peer groups yet.</strong>
        <span>
          The worker clusters devices after its first training, once it has a few hours of telemetry from at least three
          devices (with the demo simulator, shortly after start). Check back then, or refresh.
        </span>
        <p>
          <button type="button" className="button" onClick={() => void refetch()} disabled={isFetching}>
            {isFetching ? "Refreshing…" : "Refresh"}
          </button>
        </p>
      </div>
    );
  }

  const device = run.devices.find((d) => d.name === selected) ?? null;
  // From the table (often far below), bring the explanation into view; focus stays on the row.
  const selectFromTable = (name: string) => {
    setSelected(name);
    requestAnimationFrame(() => document.getElementById(DEVICE_EXPLANATION_ID)?.scrollIntoView({ block: "nearest" }));
  };
  const outliers = run.devices.filter((d) => d.isOutlier).length;
  const drift = run.devices.filter((d) => d.hasDrift).length;

  return (
    <>
      <dl className="detail-meta" data-testid="cluster-run-meta">
        <div>
          <dt>Clustered</dt>
          <dd>
            <time dateTime={run.computedAt}>{formatFullTime(run.computedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Devices</dt>
          <dd>{run.devices.length}</dd>
        </div>
        <div>
          <dt>Clusters</dt>
          <dd>{run.k}</dd>
        </div>
        <div>
          <dt>Silhouette</dt>
          <dd title="How well separated the groups are: 1 is perfect, below 0.25 no real structure">
            {run.silhouette === null ? "— (one group)" : run.silhouette.toFixed(2)}
          </dd>
        </div>
        <div>
          <dt>Outliers</dt>
          <dd>{outliers}</dd>
        </div>
        <div>
          <dt>Configuration drift</dt>
          <dd>{drift}</dd>
        </div>
      </dl>
      <div className="detail-grid">
        <section className="panel panel-body stack" aria-labelledby="cluster-chart-heading">
          <h2 id="cluster-chart-heading">Devices by behaviour</h2>
          <p className="muted">
            Each point is a device, placed by the two main directions in which device profiles differ; nearby points behave
            alike. Click a point to see why it stands out.
          </p>
          <ClusterScatter run={run} selected={selected} onSelect={setSelected} />
        </section>
        <DeviceExplanation run={run} device={device} />
      </div>
      <ClusterProfileTable run={run} />
      <ClusterDeviceTable run={run} selected={selected} onSelect={selectFromTable} />
      <p className="visually-hidden" aria-live="polite">
        {device ? `Showing why ${device.name} stands out, next to the chart.` : ""}
      </p>
    </>
  );
}

function ClustersSkeleton() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading peer groups">
      <span className="skeleton" style={{ width: "min(36rem, 90%)" }} />
      <div className="detail-grid">
        <div className="panel panel-body stack">
          <span className="skeleton" style={{ width: "40%" }} />
          <span className="skeleton" style={{ height: "420px" }} />
        </div>
        <div className="panel panel-body stack">
          <span className="skeleton" style={{ width: "60%" }} />
          <span className="skeleton" />
          <span className="skeleton" style={{ width: "80%" }} />
        </div>
      </div>
      <div className="panel panel-body stack">
        {Array.from({ length: 4 }, (_, i) => (
          <span key={i} className="skeleton" style={{ height: "1.6rem" }} />
        ))}
      </div>
    </div>
  );
}
