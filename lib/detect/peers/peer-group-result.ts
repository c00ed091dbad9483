// What clusterPeerGroups takes (one PeerGroupInput per device) and returns (PeerGroupResult: the clusters, each
// device's peers, distance, differences and config drift, the features used, and a 2-D PCA picture).
import type { ConfigFeature, DeviceConfigFacts, FeatureScale } from "@/lib/detect/peers/device-profile";
import type { ResolvedPeerGroupOptions } from "@/lib/detect/peers/peer-group-options";

export interface PeerGroupInput {
  /** Unique in the fleet. */
  device: string;
  /** Behavioural features in original units (see PROFILE_FEATURE_INFO); null = no data. */
  features: Readonly<Record<string, number | null>>;
  config?: DeviceConfigFacts | null;
}

export interface PeerGroupFeature {
  name: string;
  kind: "behaviour" | "config";
  scale: FeatureScale;
  /** False when the feature was left out of the matrix: no device reported it, or it is the same everywhere. */
  used: boolean;
  unusedReason?: "no-data" | "constant";
  /** Fleet median in original units (the value imputed for devices without data); null with no data. */
  fleetMedian: number | null;
  /** Devices that reported it. */
  observed: number;
}

export interface FeatureDifference {
  feature: string;
  /** The device's value, original units. */
  value: number;
  /** Mean of the peer cluster's members (device included when it is one) that reported it, original units. */
  clusterMean: number;
  /** The same without the device; null when no other member reported it. */
  peerMean: number | null;
  /** Smallest and largest value among the other members; null when none reported it. */
  peerRange: [number, number] | null;
  /** Device minus centroid in the matrix (σ of the fleet, on the feature's scale); signed. */
  standardizedDiff: number;
  /** This feature's share of the device's squared distance, 0..1. */
  distanceShare: number;
}

export interface ConfigDrift {
  /** A ConfigFeature or "firmware". */
  feature: ConfigFeature | "firmware";
  /** The device's value: 0/1 for flags, the version for firmware. */
  value: number | string;
  /** The peers' majority value. */
  peerValue: number | string;
  /** Share of peers (with the fact known) holding `peerValue`. */
  peerShare: number;
  /** Peers with the fact known. */
  peers: number;
  /** True when the device holds the risky value of a flag (telnet on, SNMP v1/v2c, SSH off…); null for firmware. */
  towardRisk: boolean | null;
}

export interface PeerGroupDevice {
  device: string;
  /** Cluster id (1-based, see PeerGroupCluster.id). */
  cluster: number;
  /**
   * The cluster whose members are this device's peers: its own, or for a member of a small cluster
   * (see smallClusterRatio) the nearest large one. Distance, differences and drift are against it.
   */
  comparedWith: number;
  /** Euclidean distance to the peers' centroid over the reported behavioural features, σ units. */
  distance: number;
  /** (distance − the peers' median distance) / their robust scale; 0 when there are fewer than three. */
  distanceZ: number;
  isOutlier: boolean;
  /** Position on the first two principal components of the matrix. */
  pca: [number, number];
  /** Largest absolute standardized differences from the centroid, largest first. */
  topDifferences: FeatureDifference[];
  configDrift: ConfigDrift[];
  /** Behavioural features the device did not report (imputed for clustering only). */
  imputedFeatures: string[];
}

export interface PeerGroupCluster {
  /** 1..k; clusters are numbered largest first (ties: the one holding the alphabetically first device). */
  id: number;
  size: number;
  /** Members' mean of every behavioural feature, original units; null when no member reported it. */
  centroidOriginalUnits: Record<string, number | null>;
  /** Share of members (with the fact known) that have each flag set; null when unknown for all. */
  configShare: Record<ConfigFeature, number | null>;
  /** Features where the cluster's centroid is furthest from the fleet mean: what sets the group apart. */
  distinguishing: { feature: string; clusterMean: number | null; fleetMedian: number | null; standardizedDiff: number }[];
  /** Mean silhouette of the members (of those sampled); null for k = 1. */
  silhouette: number | null;
  outliers: number;
  driftDevices: number;
  /** e.g. "12 devices; high Bandwidth out (mean), low CPU (p95)". */
  summary: string;
  /** Median distance of the members to the centroid and the robust scale their z-scores use. */
  distanceMedian: number;
  distanceScale: number;
}

export interface PeerGroupResult {
  /** Number of clusters chosen (0 for an empty fleet). */
  k: number;
  silhouette: {
    /** Mean silhouette for every k tried. */
    byK: { k: number; silhouette: number }[];
    /** Of the chosen k; null when k ≤ 1. */
    chosen: number | null;
  };
  clusters: PeerGroupCluster[];
  /** In input order. */
  devices: PeerGroupDevice[];
  features: PeerGroupFeature[];
  /** Share of the matrix's variance on each of the two PCA axes. */
  pcaExplainedVariance: [number, number];
  options: ResolvedPeerGroupOptions;
}
