// Peer groups: k-means clustering of devices by behavioural profile and configuration, so each device is
// judged against the devices that behave like it (web servers against web servers) rather than the fleet.
// Pure and seeded: the same profiles, options and seed give the same groups, whatever the input order.
//
// Terms: the *matrix* holds one row per device: behavioural features transformed (log1p for rates, see
// FeatureScale), imputed with the fleet median where missing, and z-scored across the fleet; then config
// flags as 0/1 × configWeight. Config flags are not z-scored because a flag set on 1 device in 100 would
// become a 10σ feature and outweigh the whole behavioural profile; they shape the groups a little and are
// judged by the drift rule instead. A *peer* of a device is another member of its cluster (for a member of a
// small cluster: a member of the nearest large one). *Distance* is Euclidean from a device to its peers'
// centroid over the behavioural features the device actually reported (rescaled to the full feature
// count), so an imputed value never makes a device look unusual.
//
// Steps: k from kRange by mean silhouette (k = 1 when no k reaches minSilhouette: a fleet with no group
// structure is not split into arbitrary halves); k-means++ via ml-kmeans, best of a few seeded restarts by
// inertia; distance z against the peers, robust (median and MAD), where members of a much smaller cluster
// than the rest are compared with the nearest large one (else the oddest devices, alone in a cluster of
// their own, would never be flagged); config drift by a peer-majority rule; PCA (ml-pca) for a 2-D picture.
//
// Files: peer-group-options (options, defaults, checks), peer-group-result (input and result shapes),
// feature-matrix, choose-clusters, compare-with-peers (+ config-drift), describe-cluster, project-pca.
import { chooseClusters } from "@/lib/detect/peers/choose-clusters";
import { compareWithPeers } from "@/lib/detect/peers/compare-with-peers";
import { describeCluster } from "@/lib/detect/peers/describe-cluster";
import { buildFeatureMatrix, columnMeans, compareText } from "@/lib/detect/peers/feature-matrix";
import { resolvePeerGroupOptions, type PeerGroupOptions } from "@/lib/detect/peers/peer-group-options";
import type { PeerGroupCluster, PeerGroupDevice, PeerGroupInput, PeerGroupResult } from "@/lib/detect/peers/peer-group-result";
import { projectPca } from "@/lib/detect/peers/project-pca";

/**
 * Groups devices into peer groups and finds the devices unlike their peers. Fleets of fewer than 3
 * devices are one cluster with no outliers. Throws RangeError on duplicate device names or bad options.
 */
export function clusterPeerGroups(profiles: readonly PeerGroupInput[], opts: PeerGroupOptions = {}): PeerGroupResult {
  const options = resolvePeerGroupOptions(opts);
  const n = profiles.length;
  checkUniqueNames(profiles);

  // Work in name order so the result does not depend on the order the caller's query returned rows in.
  const order = profiles.map((_, i) => i).sort((a, b) => compareText(profiles[a]!.device, profiles[b]!.device));
  const sorted = order.map((i) => profiles[i]!);

  const matrix = buildFeatureMatrix(sorted, options, opts.featureScales ?? {});
  const { rows } = matrix;

  const choice = chooseClusters(rows, options);
  const labels = choice.labels;
  const k = n === 0 ? 0 : Math.max(...labels) + 1;

  const members: number[][] = Array.from({ length: k }, () => []);
  labels.forEach((label, i) => members[label]!.push(i));
  const width = rows[0]?.length ?? 0;
  const centroids = members.map((list) => columnMeans(rows, list, width));

  const pca = projectPca(rows);
  const peers = compareWithPeers(sorted, matrix, { labels, members, centroids }, pca.points, options);
  const devicesSorted = peers.devices;

  const clusters: PeerGroupCluster[] = members.map((list, c) =>
    describeCluster(c, list, centroids[c]!, matrix, devicesSorted, choice.pointSilhouettes, {
      median: peers.distanceMedians[c]!,
      scale: peers.distanceScales[c]!,
    }),
  );

  const devices: PeerGroupDevice[] = new Array(n);
  order.forEach((original, i) => {
    devices[original] = devicesSorted[i]!;
  });

  return {
    k,
    silhouette: { byK: choice.byK, chosen: k > 1 ? choice.chosenSilhouette : null },
    clusters,
    devices,
    features: matrix.features,
    pcaExplainedVariance: pca.explained,
    options,
  };
}

function checkUniqueNames(profiles: readonly PeerGroupInput[]): void {
  const seen = new Set<string>();
  for (const { device } of profiles) {
    if (seen.has(device)) throw new RangeError(`clusterPeerGroups: duplicate device "${device}"`);
    seen.add(device);
  }
}
