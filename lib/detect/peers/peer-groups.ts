// Former home of clusterPeerGroups, split into this folder's cluster-peer-groups, peer-group-options,
// peer-group-result, feature-matrix, choose-clusters, compare-with-peers, config-drift, describe-cluster and
// project-pca. Kept only for scripts/eval/run-scenario.ts, whose owners switch its import to
// "@/lib/detect/peers/cluster-peer-groups"; delete this file then.
export { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
