import type { ClusterDeviceView } from "@/lib/dashboards/cluster-view";

/** "Outlier" and "Config drift" badges, or "Typical". */
export function FindingBadges({ device }: { device: ClusterDeviceView }) {
  if (!device.isOutlier && !device.hasDrift) return <span className="faint">Typical</span>;
  return (
    <span className="badge-row">
      {device.isOutlier ? <span className="badge finding-badge" data-finding="outlier">Outlier</span> : null}
      {device.hasDrift ? <span className="badge finding-badge" data-finding="drift">Config drift</span> : null}
    </span>
  );
}
