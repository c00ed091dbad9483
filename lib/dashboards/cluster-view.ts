// The Clusters dashboard's JSON: the newest peer-group run as GET /api/clusters returns it, with every
// value already labelled and formatted in its original unit, so the browser needs no detector code.
// Client components import the types only; `buildClusterRunView` runs on the server.
//
// Terms follow lib/detect/peers/cluster-peer-groups.ts: a device's *peers* are the members of the cluster it is
// compared with (its own, or the nearest large one); *differences* are standardized (σ of the fleet on
// the feature's scale) from the peers' centroid; *drift* is a configuration fact unlike the peers' majority.
import { CONFIG_FEATURE_INFO, PROFILE_FEATURE_INFO } from "../detect/peers/device-profile";
import { describeDifference, describeDrift, formatFeatureValue } from "../detect/peers/peer-group-detector";
import type { PeerGroupResult } from "../detect/peers/peer-group-result";

/** Columns of the cluster profile table, when the run has them: traffic both ways, connections, CPU, peers. */
export const KEY_PROFILE_FEATURES = [
  "bandwidthInBpsMean",
  "bandwidthOutBpsMean",
  "connectionsPerSecMean",
  "cpuPctMean",
  "distinctPeersMean",
] as const;

export interface FeatureLabel {
  feature: string;
  label: string;
}

export interface ClusterFeatureValue extends FeatureLabel {
  /** Original units; null when no member reported it. */
  value: number | null;
  /** e.g. "912 Mbps"; "—" for null. */
  text: string;
}

export interface ClusterDistinguishingFeature extends FeatureLabel {
  direction: "high" | "low";
  standardizedDiff: number;
  clusterText: string;
  fleetMedianText: string;
}

export interface ClusterProfileView {
  /** 1..k, largest cluster first. */
  id: number;
  size: number;
  /** e.g. "12 devices; high Bandwidth out (mean)". */
  summary: string;
  silhouette: number | null;
  outliers: number;
  driftDevices: number;
  keyFeatures: ClusterFeatureValue[];
  /** What sets the group apart from the fleet, largest first. */
  distinguishing: ClusterDistinguishingFeature[];
}

export interface DeviceDifferenceView extends FeatureLabel {
  valueText: string;
  /** Mean of the other peers; null text "—" when none reported it. */
  peerMeanText: string;
  peerRangeText: string | null;
  /** Signed, σ units. */
  standardizedDiff: number;
  /** Share of the device's squared distance, 0..1. */
  distanceShare: number;
  /** "CPU (p95) 97.0%, 62.0 points above the peer mean of 35.0%". */
  description: string;
}

export interface DeviceDriftView extends FeatureLabel {
  value: number | string;
  peerValue: number | string;
  peerShare: number;
  peers: number;
  towardRisk: boolean | null;
  /** "telnet enabled where 100% of peers have telnet disabled". */
  description: string;
}

export interface ClusterDeviceView {
  name: string;
  /** Inventory id for links; null when the device has since left the inventory. */
  deviceId: number | null;
  role: string | null;
  site: string | null;
  cluster: number;
  comparedWith: number;
  /** First two principal components. */
  x: number;
  y: number;
  distance: number;
  distanceZ: number;
  isOutlier: boolean;
  hasDrift: boolean;
  differences: DeviceDifferenceView[];
  drift: DeviceDriftView[];
  /** Labels of the behavioural features the device did not report. */
  imputedFeatures: string[];
}

export interface ClusterRunView {
  computedAt: string;
  k: number;
  /** Mean silhouette of the chosen k; null for one group. */
  silhouette: number | null;
  /** Share of the variance on each chart axis, 0..1. */
  pcaExplainedVariance: [number, number];
  /** Distance z past which a device is an outlier. */
  outlierZ: number;
  keyFeatures: FeatureLabel[];
  clusters: ClusterProfileView[];
  devices: ClusterDeviceView[];
}

export interface ClustersResponse {
  run: ClusterRunView | null;
}

export interface InventoryDevice {
  id: number;
  role: string;
  site: string;
}

export function featureLabel(feature: string): string {
  return PROFILE_FEATURE_INFO[feature]?.label ?? feature;
}

function driftLabel(feature: string): string {
  return feature === "firmware" ? "Firmware" : (CONFIG_FEATURE_INFO[feature as keyof typeof CONFIG_FEATURE_INFO]?.label ?? feature);
}

function formatOrDash(feature: string, value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "—" : formatFeatureValue(feature, value);
}

/** The run as the dashboard shows it; devices keyed by name in `inventory` get their ids for links. */
export function buildClusterRunView(
  run: { computedAt: Date; result: PeerGroupResult },
  inventory: ReadonlyMap<string, InventoryDevice>,
): ClusterRunView {
  const { result } = run;
  const used = new Set(result.features.filter((f) => f.kind === "behaviour" && f.observed > 0).map((f) => f.name));
  const keyFeatures = KEY_PROFILE_FEATURES.filter((f) => used.has(f)).map((feature) => ({ feature, label: featureLabel(feature) }));

  const clusters: ClusterProfileView[] = result.clusters.map((c) => ({
    id: c.id,
    size: c.size,
    summary: c.summary,
    silhouette: c.silhouette,
    outliers: c.outliers,
    driftDevices: c.driftDevices,
    keyFeatures: keyFeatures.map(({ feature, label }) => {
      const value = c.centroidOriginalUnits[feature] ?? null;
      return { feature, label, value, text: formatOrDash(feature, value) };
    }),
    distinguishing: c.distinguishing
      .filter((d) => Math.abs(d.standardizedDiff) >= 0.5)
      .map((d) => ({
        feature: d.feature,
        label: featureLabel(d.feature),
        direction: d.standardizedDiff > 0 ? ("high" as const) : ("low" as const),
        standardizedDiff: d.standardizedDiff,
        clusterText: formatOrDash(d.feature, d.clusterMean),
        fleetMedianText: formatOrDash(d.feature, d.fleetMedian),
      })),
  }));

  const devices: ClusterDeviceView[] = result.devices.map((d) => {
    const known = inventory.get(d.device);
    return {
      name: d.device,
      deviceId: known?.id ?? null,
      role: known?.role ?? null,
      site: known?.site ?? null,
      cluster: d.cluster,
      comparedWith: d.comparedWith,
      x: d.pca[0],
      y: d.pca[1],
      distance: d.distance,
      distanceZ: d.distanceZ,
      isOutlier: d.isOutlier,
      hasDrift: d.configDrift.length > 0,
      differences: d.topDifferences.map((diff) => ({
        feature: diff.feature,
        label: featureLabel(diff.feature),
        valueText: formatOrDash(diff.feature, diff.value),
        peerMeanText: formatOrDash(diff.feature, diff.peerMean),
        peerRangeText: diff.peerRange
          ? `${formatOrDash(diff.feature, diff.peerRange[0])} – ${formatOrDash(diff.feature, diff.peerRange[1])}`
          : null,
        standardizedDiff: diff.standardizedDiff,
        distanceShare: diff.distanceShare,
        description: describeDifference(diff),
      })),
      drift: d.configDrift.map((drift) => ({
        feature: drift.feature,
        label: driftLabel(drift.feature),
        value: drift.value,
        peerValue: drift.peerValue,
        peerShare: drift.peerShare,
        peers: drift.peers,
        towardRisk: drift.towardRisk,
        description: describeDrift(drift),
      })),
      imputedFeatures: d.imputedFeatures.map(featureLabel),
    };
  });

  return {
    computedAt: run.computedAt.toISOString(),
    k: result.k,
    silhouette: result.silhouette.chosen,
    pcaExplainedVariance: result.pcaExplainedVariance,
    outlierZ: result.options.outlierZ,
    keyFeatures,
    clusters,
    devices,
  };
}
