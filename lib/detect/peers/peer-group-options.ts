// Options of clusterPeerGroups: what each one means, its default, and the check that rejects a bad value.
import type { FeatureScale } from "@/lib/detect/peers/device-profile";

export interface PeerGroupOptions {
  /** Smallest and largest k tried; the largest is capped at n − 1 and the number of distinct devices. Default [2, 10]. */
  kRange?: readonly [number, number];
  /**
   * A cluster with fewer members than this fraction of the median cluster size is "small": its members are
   * compared with the nearest large cluster (CBLOF's β = 5 rule). A device odd enough to get a cluster of
   * its own would otherwise have no peers and never be flagged; a lone device next to groups of a dozen is
   * a finding, while a lone device in a fleet of pairs and triples is only the one of its kind. Default 0.2;
   * 0 turns this off.
   */
  smallClusterRatio?: number;
  /** Integer; the same seed gives the same groups. Default 1. */
  seed?: number;
  /** A device is a behavioural outlier when its distance z exceeds this. Default 3. */
  outlierZ?: number;
  /** Config drift: the peers' majority value must be held by at least this share of them. Default 0.8. */
  driftShare?: number;
  /** Config drift needs at least this many peers with the fact known. Default 3. */
  minDriftPeers?: number;
  /**
   * A best mean silhouette below this keeps the fleet as one group (Kaufman & Rousseeuw: below 0.25 there is
   * "no substantial structure"). Default 0.25; 0 always splits.
   */
  minSilhouette?: number;
  /**
   * Weight of each config flag in the matrix: a flag difference counts like `configWeight` σ of one
   * behavioural feature. Default 1; 0 clusters on behaviour only.
   */
  configWeight?: number;
  /** k-means runs per k (different seeded k-means++ starts); the lowest inertia wins. Default 3. */
  restarts?: number;
  /** How many largest differences from the centroid to report per device. Default 5. */
  topDifferences?: number;
  /**
   * Smallest distance scale (σ units) the distance z divides by, so a cluster of near-identical devices
   * does not turn a small difference into a huge z. Default 0.1.
   */
  minDistanceScale?: number;
  /**
   * Smallest distance scale as a fraction of the cluster's median distance. A few distances (small clusters)
   * often have a MAD near 0; with 0.5 and outlierZ 3 no device closer than 2.5× the cluster's median
   * distance is flagged, a rule a reader can check on the chart. Default 0.5.
   */
  minRelativeScale?: number;
  /** Silhouette is computed over at most this many devices (a seeded sample), keeping it O(sample × n). Default 2000. */
  silhouetteSampleSize?: number;
  /** Per-feature scale overrides; defaults from PROFILE_FEATURE_INFO, "linear" for unknown features. */
  featureScales?: Readonly<Record<string, FeatureScale>>;
}

export const PEER_GROUP_DEFAULTS = {
  kRange: [2, 10] as const,
  seed: 1,
  outlierZ: 3,
  driftShare: 0.8,
  minDriftPeers: 3,
  minSilhouette: 0.25,
  configWeight: 1,
  restarts: 3,
  topDifferences: 5,
  minDistanceScale: 0.1,
  minRelativeScale: 0.5,
  silhouetteSampleSize: 2000,
  smallClusterRatio: 0.2,
} as const;

/** Every option with its default filled in (featureScales apart: the matrix reads it directly). */
export type ResolvedPeerGroupOptions = Required<Omit<PeerGroupOptions, "featureScales" | "kRange">> & { kRange: [number, number] };

/** Fills in the defaults and checks every option; throws RangeError naming the first bad one. */
export function resolvePeerGroupOptions(opts: PeerGroupOptions): ResolvedPeerGroupOptions {
  const d = PEER_GROUP_DEFAULTS;
  const options: ResolvedPeerGroupOptions = {
    kRange: [opts.kRange?.[0] ?? d.kRange[0], opts.kRange?.[1] ?? d.kRange[1]],
    seed: opts.seed ?? d.seed,
    outlierZ: opts.outlierZ ?? d.outlierZ,
    driftShare: opts.driftShare ?? d.driftShare,
    minDriftPeers: opts.minDriftPeers ?? d.minDriftPeers,
    minSilhouette: opts.minSilhouette ?? d.minSilhouette,
    configWeight: opts.configWeight ?? d.configWeight,
    restarts: opts.restarts ?? d.restarts,
    topDifferences: opts.topDifferences ?? d.topDifferences,
    minDistanceScale: opts.minDistanceScale ?? d.minDistanceScale,
    minRelativeScale: opts.minRelativeScale ?? d.minRelativeScale,
    silhouetteSampleSize: opts.silhouetteSampleSize ?? d.silhouetteSampleSize,
    smallClusterRatio: opts.smallClusterRatio ?? d.smallClusterRatio,
  };
  const fail = (what: string) => {
    throw new RangeError(`clusterPeerGroups: ${what}`);
  };
  const [kMin, kMax] = options.kRange;
  if (!Number.isInteger(kMin) || !Number.isInteger(kMax) || kMin < 2 || kMax < kMin) {
    fail("kRange must be two integers with 2 ≤ min ≤ max");
  }
  if (!Number.isInteger(options.seed)) fail("seed must be an integer");
  if (!(options.outlierZ > 0) || !Number.isFinite(options.outlierZ)) fail("outlierZ must be a finite number > 0");
  if (!(options.driftShare > 0.5 && options.driftShare <= 1)) fail("driftShare must be in (0.5, 1]");
  if (!Number.isInteger(options.minDriftPeers) || options.minDriftPeers < 1) fail("minDriftPeers must be an integer ≥ 1");
  if (!(options.minSilhouette >= 0 && options.minSilhouette < 1)) fail("minSilhouette must be in [0, 1)");
  if (!(options.configWeight >= 0) || !Number.isFinite(options.configWeight)) fail("configWeight must be a finite number ≥ 0");
  if (!Number.isInteger(options.restarts) || options.restarts < 1) fail("restarts must be an integer ≥ 1");
  if (!Number.isInteger(options.topDifferences) || options.topDifferences < 0) fail("topDifferences must be an integer ≥ 0");
  if (!(options.minDistanceScale > 0) || !Number.isFinite(options.minDistanceScale)) {
    fail("minDistanceScale must be a finite number > 0");
  }
  if (!(options.minRelativeScale >= 0) || !Number.isFinite(options.minRelativeScale)) {
    fail("minRelativeScale must be a finite number ≥ 0");
  }
  if (!(options.smallClusterRatio >= 0 && options.smallClusterRatio < 1)) fail("smallClusterRatio must be in [0, 1)");
  if (!Number.isInteger(options.silhouetteSampleSize) || options.silhouetteSampleSize < 2) {
    fail("silhouetteSampleSize must be an integer ≥ 2");
  }
  return options;
}
