// Cluster profiles for the dashboard: a cluster's centroid in original units, its config flag shares, the
// features that set it apart from the fleet and a one-line summary.
import { mean } from "simple-statistics";
import { CONFIG_FEATURES, PROFILE_FEATURE_INFO, type ConfigFeature } from "@/lib/detect/peers/device-profile";
import type { FeatureMatrix } from "@/lib/detect/peers/feature-matrix";
import type { PeerGroupCluster, PeerGroupDevice } from "@/lib/detect/peers/peer-group-result";

/**
 * Profile of cluster `c` (0-based) with member rows `list` and `centroid` in the matrix; `devices` and
 * `pointSilhouettes` in matrix row order.
 */
export function describeCluster(
  c: number,
  list: readonly number[],
  centroid: readonly number[],
  matrix: FeatureMatrix,
  devices: readonly PeerGroupDevice[],
  pointSilhouettes: Float64Array,
  distance: { median: number; scale: number },
): PeerGroupCluster {
  const centroidOriginalUnits: Record<string, number | null> = {};
  for (const [name, values] of matrix.originals) {
    const present = list.map((i) => values[i]).filter((v): v is number => v !== null && v !== undefined);
    centroidOriginalUnits[name] = present.length > 0 ? mean(present) : null;
  }
  const configShare = Object.fromEntries(
    CONFIG_FEATURES.map((feature) => {
      const known = list.map((i) => matrix.config[i]![feature]).filter((v): v is number => v !== null);
      return [feature, known.length > 0 ? mean(known) : null];
    }),
  ) as Record<ConfigFeature, number | null>;

  // The matrix is centred on the fleet mean, so a centroid coordinate is the group's offset in σ.
  const fleetMedian = new Map(matrix.features.map((f) => [f.name, f.fleetMedian]));
  const distinguishing = matrix.behaviour
    .map((column) => ({
      feature: column.name,
      clusterMean: centroidOriginalUnits[column.name] ?? null,
      fleetMedian: fleetMedian.get(column.name) ?? null,
      standardizedDiff: centroid[column.index]!,
    }))
    .sort((a, b) => Math.abs(b.standardizedDiff) - Math.abs(a.standardizedDiff))
    .slice(0, 3);

  const sampled = list.map((i) => pointSilhouettes[i]!).filter((s) => !Number.isNaN(s));
  const words = distinguishing
    .filter((d) => Math.abs(d.standardizedDiff) >= 0.5)
    .map((d) => `${d.standardizedDiff > 0 ? "high" : "low"} ${PROFILE_FEATURE_INFO[d.feature]?.label ?? d.feature}`);
  const size = list.length;
  const summary = `${size} ${size === 1 ? "device" : "devices"}${words.length > 0 ? `; ${words.join(", ")}` : ""}`;

  return {
    id: c + 1,
    size,
    centroidOriginalUnits,
    configShare,
    distinguishing,
    silhouette: sampled.length > 0 ? mean(sampled) : null,
    outliers: list.filter((i) => devices[i]!.isOutlier).length,
    driftDevices: list.filter((i) => devices[i]!.configDrift.length > 0).length,
    summary,
    distanceMedian: distance.median,
    distanceScale: distance.scale,
  };
}
