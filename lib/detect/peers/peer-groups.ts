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
import { kmeans } from "ml-kmeans";
import { PCA } from "ml-pca";
import { mean, median, medianAbsoluteDeviation } from "simple-statistics";
import {
  CONFIG_FEATURE_INFO,
  CONFIG_FEATURES,
  encodeConfigFacts,
  PROFILE_FEATURE_INFO,
  PROFILE_FEATURES,
  type ConfigFeature,
  type DeviceConfigFacts,
  type FeatureScale,
} from "@/lib/detect/peers/device-profile";
import { mulberry32, noise } from "@/lib/simulator/prng";

export interface PeerGroupInput {
  /** Unique in the fleet. */
  device: string;
  /** Behavioural features in original units (see PROFILE_FEATURE_INFO); null = no data. */
  features: Readonly<Record<string, number | null>>;
  config?: DeviceConfigFacts | null;
}

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
  options: Required<Omit<PeerGroupOptions, "featureScales" | "kRange">> & { kRange: [number, number] };
}

/** Scales a MAD to a normal σ. */
const MAD_TO_SIGMA = 1.4826;
/** Bound on the silhouette's precomputed distance rows (entries); above it rows are computed on the fly. */
const DISTANCE_CACHE_ENTRIES = 8_000_000;

/**
 * Groups devices into peer groups and finds the devices unlike their peers. Fleets of fewer than 3
 * devices are one cluster with no outliers. Throws RangeError on duplicate device names or bad options.
 */
export function clusterPeerGroups(profiles: readonly PeerGroupInput[], opts: PeerGroupOptions = {}): PeerGroupResult {
  const options = resolveOptions(opts);
  const n = profiles.length;
  checkUniqueNames(profiles);

  // Work in name order so the result does not depend on the order the caller's query returned rows in.
  const order = profiles.map((_, i) => i).sort((a, b) => compareText(profiles[a]!.device, profiles[b]!.device));
  const sorted = order.map((i) => profiles[i]!);

  const matrix = buildMatrix(sorted, options, opts.featureScales ?? {});
  const { rows, behaviour } = matrix;

  const choice = chooseClusters(rows, options);
  const labels = choice.labels;
  const k = n === 0 ? 0 : Math.max(...labels) + 1;

  const members: number[][] = Array.from({ length: k }, () => []);
  labels.forEach((label, i) => members[label]!.push(i));
  const width = rows[0]?.length ?? 0;
  const centroids = members.map((list) => columnMeans(rows, list, width));

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
  const pca = projectPca(rows);
  const stats = members.map((list) => behaviour.map((column) => featureStats(list, column.observed)));
  const drift = configDrift(sorted, members, reference, options);

  const devicesSorted: PeerGroupDevice[] = sorted.map((profile, i) => {
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
      pca: pca.points[i]!,
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

  const clusters: PeerGroupCluster[] = members.map((list, c) =>
    describeCluster(c, list, centroids[c]!, matrix, devicesSorted, choice.pointSilhouettes, {
      median: clusterMedians[c]!,
      scale: clusterScales[c]!,
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

type ResolvedOptions = PeerGroupResult["options"];

function resolveOptions(opts: PeerGroupOptions): ResolvedOptions {
  const d = PEER_GROUP_DEFAULTS;
  const options: ResolvedOptions = {
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

function checkUniqueNames(profiles: readonly PeerGroupInput[]): void {
  const seen = new Set<string>();
  for (const { device } of profiles) {
    if (seen.has(device)) throw new RangeError(`clusterPeerGroups: duplicate device "${device}"`);
    seen.add(device);
  }
}

/** Code-unit order, not locale order, so results are identical on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// The matrix

interface BehaviourColumn {
  name: string;
  /** Column in the matrix rows. */
  index: number;
  /** Original values per device (sorted order); null where not reported. */
  observed: (number | null)[];
}

interface Matrix {
  rows: number[][];
  behaviour: BehaviourColumn[];
  /** Original values of every behavioural feature (used or not) per device, for profiles in original units. */
  originals: Map<string, (number | null)[]>;
  /** Encoded config flags per device. */
  config: Record<ConfigFeature, number | null>[];
  features: PeerGroupFeature[];
}

function buildMatrix(
  profiles: readonly PeerGroupInput[],
  options: ResolvedOptions,
  scaleOverrides: Readonly<Record<string, FeatureScale>>,
): Matrix {
  const n = profiles.length;
  const names = new Set<string>();
  for (const p of profiles) for (const name of Object.keys(p.features)) names.add(name);
  // Known features in their documented order, then any others alphabetically: column order is fixed.
  const known = PROFILE_FEATURES.filter((name) => names.has(name));
  const unknown = [...names].filter((name) => !Object.hasOwn(PROFILE_FEATURE_INFO, name)).sort(compareText);
  const featureNames = [...known, ...unknown];

  const columns: number[][] = [];
  const behaviour: BehaviourColumn[] = [];
  const originals = new Map<string, (number | null)[]>();
  const features: PeerGroupFeature[] = [];

  for (const name of featureNames) {
    const scale = scaleOverrides[name] ?? PROFILE_FEATURE_INFO[name]?.scale ?? "linear";
    const observed = profiles.map((p) => {
      const value = p.features[name];
      return value === null || value === undefined || !Number.isFinite(value) ? null : value;
    });
    originals.set(name, observed);
    const present = observed.filter((v): v is number => v !== null);
    const fleetMedian = present.length > 0 ? median(present) : null;
    const feature: PeerGroupFeature = { name, kind: "behaviour", scale, used: false, fleetMedian, observed: present.length };
    features.push(feature);
    if (present.length === 0) {
      feature.unusedReason = "no-data";
      continue;
    }
    // Impute on the transformed scale with the median of transformed values (the same point for a monotone transform).
    const transformed = observed.map((v) => (v === null ? null : transform(v, scale)));
    const imputeWith = median(transformed.filter((v): v is number => v !== null));
    const filled = transformed.map((v) => v ?? imputeWith);
    const standardized = standardize(filled);
    if (!standardized) {
      feature.unusedReason = "constant";
      continue;
    }
    feature.used = true;
    behaviour.push({ name, index: columns.length, observed });
    columns.push(standardized);
  }

  const config = profiles.map((p) => encodeConfigFacts(p.config));
  for (const name of CONFIG_FEATURES) {
    const values = config.map((c) => c[name]);
    const present = values.filter((v): v is number => v !== null);
    const fleetMedian = present.length > 0 ? median(present) : null;
    const feature: PeerGroupFeature = { name, kind: "config", scale: "linear", used: false, fleetMedian, observed: present.length };
    features.push(feature);
    if (present.length === 0) {
      feature.unusedReason = "no-data";
      continue;
    }
    const filled = values.map((v) => (v ?? fleetMedian!) * options.configWeight);
    if (options.configWeight === 0 || filled.every((v) => v === filled[0])) {
      feature.unusedReason = "constant";
      continue;
    }
    feature.used = true;
    columns.push(filled);
  }

  const rows = Array.from({ length: n }, (_, i) => columns.map((column) => column[i]!));
  return { rows, behaviour, originals, config, features };
}

function transform(value: number, scale: FeatureScale): number {
  switch (scale) {
    case "linear":
      return value;
    case "log1p":
      return Math.log1p(Math.max(0, value));
    case "log":
      return Math.log(Math.max(1e-12, value));
  }
}

/** z-scores with the population σ; null when the column is constant (it would only add zeros). */
function standardize(values: readonly number[]): number[] | null {
  const mu = mean(values as number[]);
  let sumSquares = 0;
  for (const v of values) sumSquares += (v - mu) ** 2;
  const sigma = Math.sqrt(sumSquares / values.length);
  if (!(sigma > 1e-9 * Math.max(1, Math.abs(mu)))) return null;
  return values.map((v) => (v - mu) / sigma);
}

function columnMeans(rows: readonly number[][], list: readonly number[], width: number): number[] {
  const sums = new Array<number>(width).fill(0);
  for (const i of list) {
    const row = rows[i]!;
    for (let j = 0; j < width; j++) sums[j]! += row[j]!;
  }
  return sums.map((s) => (list.length > 0 ? s / list.length : 0));
}

// ---------------------------------------------------------------------------------------------------------
// Choosing k and clustering

interface ClusterChoice {
  /** 0-based cluster per device, renumbered largest cluster first. */
  labels: number[];
  byK: { k: number; silhouette: number }[];
  chosenSilhouette: number | null;
  /** Silhouette of each sampled device under the chosen labels (NaN where not sampled). */
  pointSilhouettes: Float64Array;
}

function chooseClusters(rows: number[][], options: ResolvedOptions): ClusterChoice {
  const n = rows.length;
  const single: ClusterChoice = {
    labels: new Array<number>(n).fill(0),
    byK: [],
    chosenSilhouette: null,
    pointSilhouettes: new Float64Array(n).fill(Number.NaN),
  };
  if (n < 3 || (rows[0]?.length ?? 0) === 0) return single;
  // k-means++ needs k distinct points: with fewer, its sampling weights are all zero.
  const distinct = new Set(rows.map((row) => row.join(","))).size;
  const [kMin, kRangeMax] = options.kRange;
  const kMax = Math.min(kRangeMax, n - 1, distinct);
  if (kMax < kMin) return single;

  const silhouette = new SilhouetteScorer(rows, options.silhouetteSampleSize, options.seed);
  const byK: { k: number; silhouette: number }[] = [];
  let best: { labels: number[]; score: number; points: Float64Array } | null = null;
  for (let k = kMin; k <= kMax; k++) {
    const labels = bestKMeans(rows, k, options);
    const { mean: score, points } = silhouette.score(labels);
    byK.push({ k, silhouette: score });
    // Strictly greater: on a tie the smaller k (the simpler grouping) stays.
    if (!best || score > best.score + 1e-12) best = { labels, score, points };
  }
  if (!best || best.score < options.minSilhouette) return { ...single, byK };
  return { labels: best.labels, byK, chosenSilhouette: best.score, pointSilhouettes: best.points };
}

/** Lowest-inertia labelling among `restarts` seeded k-means++ runs, renumbered largest cluster first. */
function bestKMeans(rows: number[][], k: number, options: ResolvedOptions): number[] {
  let best: { labels: number[]; inertia: number } | null = null;
  for (let restart = 0; restart < options.restarts; restart++) {
    const seed = Math.floor(noise(options.seed, k, restart) * 2 ** 31);
    const result = kmeans(rows, k, { seed, initialization: "kmeans++" });
    const labels = result.clusters;
    let inertia = 0;
    rows.forEach((row, i) => {
      const centroid = result.centroids[labels[i]!]!;
      for (let j = 0; j < row.length; j++) inertia += (row[j]! - centroid[j]!) ** 2;
    });
    if (!best || inertia < best.inertia - 1e-9 * Math.max(1, best.inertia)) best = { labels: [...labels], inertia };
  }
  return renumber(best!.labels);
}

/** Drops empty clusters and numbers the rest by size, largest first; ties by their first (alphabetical) member. */
function renumber(labels: readonly number[]): number[] {
  const stats = new Map<number, { size: number; first: number }>();
  labels.forEach((label, i) => {
    const s = stats.get(label);
    if (s) s.size++;
    else stats.set(label, { size: 1, first: i });
  });
  const ordered = [...stats.entries()].sort((a, b) => b[1].size - a[1].size || a[1].first - b[1].first);
  const next = new Map(ordered.map(([label], index) => [label, index]));
  return labels.map((label) => next.get(label)!);
}

/**
 * Mean silhouette (Rousseeuw 1987) over a seeded sample of devices: s = (b − a) / max(a, b) with a the mean
 * distance to the other members of its own cluster and b the smallest mean distance to another cluster;
 * 0 for a device alone in its cluster. Distances from the sample to every device are computed once and
 * reused for every k when they fit in memory.
 */
class SilhouetteScorer {
  private readonly sample: number[];
  private readonly cache: Float64Array | null;
  private readonly scratch: Float64Array;

  constructor(
    private readonly rows: readonly number[][],
    sampleSize: number,
    seed: number,
  ) {
    const n = rows.length;
    this.sample = sampleIndices(n, sampleSize, seed);
    this.scratch = new Float64Array(n);
    if (this.sample.length * n <= DISTANCE_CACHE_ENTRIES) {
      this.cache = new Float64Array(this.sample.length * n);
      this.sample.forEach((i, s) => this.fillDistances(i, this.cache!.subarray(s * n, (s + 1) * n)));
    } else {
      this.cache = null;
    }
  }

  score(labels: readonly number[]): { mean: number; points: Float64Array } {
    const n = this.rows.length;
    const k = Math.max(...labels) + 1;
    const sizes = new Array<number>(k).fill(0);
    for (const label of labels) sizes[label]!++;
    const points = new Float64Array(n).fill(Number.NaN);
    const sums = new Float64Array(k);
    let total = 0;
    this.sample.forEach((i, s) => {
      const row = this.cache ? this.cache.subarray(s * n, (s + 1) * n) : this.fillDistances(i, this.scratch);
      sums.fill(0);
      for (let j = 0; j < n; j++) sums[labels[j]!]! += row[j]!;
      const own = labels[i]!;
      let value = 0;
      if (sizes[own]! > 1) {
        const a = sums[own]! / (sizes[own]! - 1);
        let b = Number.POSITIVE_INFINITY;
        for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
        const denominator = Math.max(a, b);
        value = Number.isFinite(b) && denominator > 0 ? (b - a) / denominator : 0;
      }
      points[i] = value;
      total += value;
    });
    return { mean: total / this.sample.length, points };
  }

  private fillDistances(i: number, out: Float64Array): Float64Array {
    const a = this.rows[i]!;
    this.rows.forEach((b, j) => {
      let sum = 0;
      for (let d = 0; d < a.length; d++) sum += (a[d]! - b[d]!) ** 2;
      out[j] = Math.sqrt(sum);
    });
    return out;
  }
}

function sampleIndices(n: number, size: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  // Partial Fisher–Yates: the first `size` entries are a uniform sample without replacement.
  const rng = mulberry32(noise(seed, 0x5117) * 2 ** 32);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rng() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, size).sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------
// Outliers, differences, drift

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
  options: ResolvedOptions,
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

/**
 * A device drifts on a fact when at least `minDriftPeers` peers have the fact known, at least `driftShare`
 * of them agree on one value, and the device's value differs. Peers that disagree among themselves raise
 * nothing (no norm to drift from); an unknown fact is never drift and never counts as a peer's vote.
 */
function configDrift(
  profiles: readonly PeerGroupInput[],
  members: readonly number[][],
  reference: readonly number[],
  options: ResolvedOptions,
): ConfigDrift[][] {
  const encoded = profiles.map((p) => encodeConfigFacts(p.config));
  const firmware = profiles.map((p) => p.config?.firmware ?? null);
  return profiles.map((_, i) => {
    const peers = members[reference[i]!]!.filter((m) => m !== i);
    const found: ConfigDrift[] = [];
    for (const feature of CONFIG_FEATURES) {
      const value = encoded[i]![feature];
      if (value === null) continue;
      const drift = majorityDrift(value, peers.map((m) => encoded[m]![feature]), options);
      if (drift) found.push({ feature, ...drift, towardRisk: value === CONFIG_FEATURE_INFO[feature].riskyValue });
    }
    const version = firmware[i];
    if (version !== null && version !== undefined) {
      const drift = majorityDrift(version, peers.map((m) => firmware[m] ?? null), options);
      if (drift) found.push({ feature: "firmware", ...drift, towardRisk: null });
    }
    return found;
  });
}

function majorityDrift<T extends number | string>(
  value: T,
  peerValues: readonly (T | null)[],
  options: ResolvedOptions,
): { value: T; peerValue: T; peerShare: number; peers: number } | null {
  const counts = new Map<T, number>();
  let known = 0;
  for (const v of peerValues) {
    if (v === null) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    known++;
  }
  if (known < options.minDriftPeers) return null;
  let peerValue: T | null = null;
  let top = 0;
  for (const [v, count] of counts) {
    if (count > top) {
      top = count;
      peerValue = v;
    }
  }
  const peerShare = top / known;
  if (peerValue === null || peerValue === value || peerShare < options.driftShare) return null;
  return { value, peerValue, peerShare, peers: known };
}

// ---------------------------------------------------------------------------------------------------------
// Cluster profiles and PCA

function describeCluster(
  c: number,
  list: readonly number[],
  centroid: readonly number[],
  matrix: Matrix,
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

/**
 * First two principal components of the matrix (ml-pca, SVD, centred, not rescaled: the columns are
 * already in σ units). Each axis is signed so its largest loading is positive: an eigenvector's sign is
 * arbitrary, and the picture should not mirror between runs on similar data.
 */
function projectPca(rows: number[][]): { points: [number, number][]; explained: [number, number] } {
  const n = rows.length;
  const width = rows[0]?.length ?? 0;
  const zeros = (): { points: [number, number][]; explained: [number, number] } => ({
    points: rows.map(() => [0, 0]),
    explained: [0, 0],
  });
  if (n < 2 || width === 0) return zeros();
  const pca = new PCA(rows, { center: true, scale: false });
  const vectors = pca.getEigenvectors();
  const components = Math.min(2, vectors.columns);
  if (components === 0) return zeros();
  const projected = pca.predict(rows, { nComponents: components });
  const signs = [1, 1];
  for (let c = 0; c < components; c++) {
    let largest = 0;
    for (let r = 0; r < vectors.rows; r++) {
      const loading = vectors.get(r, c);
      if (Math.abs(loading) > Math.abs(largest)) largest = loading;
    }
    signs[c] = largest < 0 ? -1 : 1;
  }
  const points = rows.map((_, i): [number, number] => [
    clean(signs[0]! * projected.get(i, 0)),
    components > 1 ? clean(signs[1]! * projected.get(i, 1)) : 0,
  ]);
  const variance = pca.getExplainedVariance();
  return { points, explained: [variance[0] ?? 0, components > 1 ? (variance[1] ?? 0) : 0] };
}

/** −0 and float dust would make deterministic output compare unequal across platforms for no reason. */
function clean(x: number): number {
  return Math.abs(x) < 1e-12 ? 0 : x;
}
