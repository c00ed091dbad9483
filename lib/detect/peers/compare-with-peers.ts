// Outliers and differences: each device against its peers (the other members of its cluster; for a member of
// a much smaller cluster than the rest, the members of the nearest large one, else the oddest devices, alone in
// a cluster of their own, would never be flagged). Distance is Euclidean from the device to its peers' centroid
// over the behavioural features it actually reported (rescaled to the full feature count), so an imputed value
// never makes a device look unusual; its z is robust (median and MAD of the peers' distances).
import { median, medianAbsoluteDeviation } from "simple-statistics";
import { configDrift } from "@/lib/detect/peers/config-drift";
import type { BehaviourColumn, FeatureMatrix } from "@/lib/detect/peers/feature-matrix";
import type { ResolvedPeerGroupOptions } from "@/lib/detect/peers/peer-group-options";
import type { FeatureDifference, PeerGroupDevice, PeerGroupInput } from "@/lib/detect/peers/peer-group-result";

/** Scales a MAD to a normal σ. */
const MAD_TO_SIGMA = 1.4826;

/** A clustering of the matrix rows: 0-based labels, each cluster's members and centroid. */
export interface PeerClustering {
  labels: readonly number[];
  members: readonly number[][];
  centroids: readonly number[][];
}

export interface PeerComparison {
  /** One per profile, in the order given. */
  devices: PeerGroupDevice[];
  /** Per cluster: the median distance of its members and the robust scale their z-scores divide by. */
  distanceMedians: number[];
  distanceScales: number[];
}

/**
 * Judges every device against its peers: distance and its z, outlier or not, the features that differ most
 * from the peers' centroid and config drift. `profiles`, the matrix rows and `pcaPoints` share one order.
 */
export function compareWithPeers(
  profiles: readonly PeerGroupInput[],
  matrix: FeatureMatrix,
  { labels, members, centroids }: PeerClustering,
  pcaPoints: readonly [number, number][],
  options: ResolvedPeerGroupOptions,
): PeerComparison {
  const { rows, behaviour } = matrix;
  const k = members.length;

  // Members of a small cluster are judged against the nearest large one (see smallClusterRatio).
  const medianSize = k > 0 ? median(members.map((list) => list.length)) : 0;
  const large = members.map((list) => list.length >= options.smallClusterRatio * medianSize);
  const anyLarge = large.some(Boolean);
  const reference = labels.map((label, i) => {
    if (large[label] || !anyLarge) return label;
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    centroids.forEach((centroid, c) => {
      if (!large[c]) return;
      const d = squaredDistance(rows[i]!, centroid);
      if (d < bestDistance) [best, bestDistance] = [c, d];
    });
    return best;
  });

  const distances = rows.map((row, i) => behaviouralDistance(row, i, centroids[reference[i]!]!, behaviour));
  const { medians: clusterMedians, scales: clusterScales } = distanceScales(distances, members, options);
  const stats = members.map((list) => behaviour.map((column) => featureStats(list, column.observed)));
  const drift = configDrift(profiles, members, reference, options);

  const devices: PeerGroupDevice[] = profiles.map((profile, i) => {
    const ref = reference[i]!;
    const refSize = members[ref]!.length;
    // With two members both are equally far from their centre, so z only means something from three on.
    const distanceZ = refSize <= 2 ? 0 : (distances[i]! - clusterMedians[ref]!) / clusterScales[ref]!;
    return {
      device: profile.device,
      cluster: labels[i]! + 1,
      comparedWith: ref + 1,
      distance: distances[i]!,
      distanceZ,
      isOutlier: refSize >= 3 && distanceZ > options.outlierZ,
      pca: pcaPoints[i]!,
      topDifferences: topDifferences(
        i,
        rows[i]!,
        centroids[ref]!,
        stats[ref]!,
        behaviour,
        ref === labels[i],
        options.topDifferences,
      ),
      configDrift: drift[i]!,
      imputedFeatures: behaviour.filter((c) => c.observed[i] === null).map((c) => c.name),
    };
  });

  return { devices, distanceMedians: clusterMedians, distanceScales: clusterScales };
}

/** Euclidean distance over the behavioural columns the device reported, rescaled to all of them. */
function behaviouralDistance(
  row: readonly number[],
  i: number,
  centroid: readonly number[],
  behaviour: readonly BehaviourColumn[],
): number {
  let sum = 0;
  let observedCount = 0;
  for (const column of behaviour) {
    if (column.observed[i] === null) continue;
    const diff = row[column.index]! - centroid[column.index]!;
    sum += diff * diff;
    observedCount++;
  }
  return observedCount === 0 ? 0 : Math.sqrt((sum * behaviour.length) / observedCount);
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j]! - b[j]!) ** 2;
  return sum;
}

/**
 * Per cluster, from its own members: the median distance and the scale z divides by,
 * max(1.4826 × MAD, minRelativeScale × median, minDistanceScale).
 */
function distanceScales(
  distances: readonly number[],
  members: readonly number[][],
  options: ResolvedPeerGroupOptions,
): { medians: number[]; scales: number[] } {
  const medians = members.map((list) => (list.length > 0 ? median(list.map((i) => distances[i]!)) : 0));
  const scales = members.map((list, c) => {
    const mad = list.length > 0 ? medianAbsoluteDeviation(list.map((i) => distances[i]!)) : 0;
    return Math.max(MAD_TO_SIGMA * mad, options.minRelativeScale * medians[c]!, options.minDistanceScale);
  });
  return { medians, scales };
}

/** Per cluster and feature: what a member's peer mean and range need, without rescanning the cluster per member. */
interface FeatureStats {
  sum: number;
  count: number;
  /** Two smallest and two largest values, so the range without any one member is known. */
  min: [number, number];
  max: [number, number];
}

function featureStats(list: readonly number[], observed: readonly (number | null)[]): FeatureStats {
  const stats: FeatureStats = { sum: 0, count: 0, min: [Infinity, Infinity], max: [-Infinity, -Infinity] };
  for (const m of list) {
    const v = observed[m];
    if (v === null || v === undefined) continue;
    stats.sum += v;
    stats.count++;
    if (v < stats.min[0]) stats.min = [v, stats.min[0]];
    else if (v < stats.min[1]) stats.min[1] = v;
    if (v > stats.max[0]) stats.max = [v, stats.max[0]];
    else if (v > stats.max[1]) stats.max[1] = v;
  }
  return stats;
}

function topDifferences(
  i: number,
  row: readonly number[],
  centroid: readonly number[],
  stats: readonly FeatureStats[],
  behaviour: readonly BehaviourColumn[],
  isMember: boolean,
  limit: number,
): FeatureDifference[] {
  const differences: FeatureDifference[] = [];
  let sumSquares = 0;
  behaviour.forEach((column, b) => {
    const value = column.observed[i];
    if (value === null || value === undefined) return;
    const standardizedDiff = row[column.index]! - centroid[column.index]!;
    const s = stats[b]!;
    // Without this device: drop it from the sum, and from the range when it is one of the extremes.
    const own = isMember ? value : 0;
    const peers = s.count - (isMember ? 1 : 0);
    const peerMin = isMember && value === s.min[0] ? s.min[1] : s.min[0];
    const peerMax = isMember && value === s.max[0] ? s.max[1] : s.max[0];
    sumSquares += standardizedDiff ** 2;
    differences.push({
      feature: column.name,
      value,
      clusterMean: s.count > 0 ? s.sum / s.count : value,
      peerMean: peers > 0 ? (s.sum - own) / peers : null,
      peerRange: peers > 0 ? [peerMin, peerMax] : null,
      standardizedDiff,
      distanceShare: 0,
    });
  });
  for (const d of differences) d.distanceShare = sumSquares > 0 ? d.standardizedDiff ** 2 / sumSquares : 0;
  // Stable sort: equal differences keep the fixed feature order.
  differences.sort((a, b) => Math.abs(b.standardizedDiff) - Math.abs(a.standardizedDiff));
  return differences.slice(0, limit);
}
