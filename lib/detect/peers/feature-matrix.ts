// The feature matrix clusterPeerGroups clusters: one row per device (name order), behavioural features
// transformed (log1p for rates, see FeatureScale), imputed with the fleet median where missing and z-scored
// across the fleet, then config flags as 0/1 × configWeight (not z-scored: a flag set on 1 device in 100 would
// become a 10σ feature and outweigh the whole behavioural profile).
import { mean, median } from "simple-statistics";
import {
  CONFIG_FEATURES,
  encodeConfigFacts,
  PROFILE_FEATURE_INFO,
  PROFILE_FEATURES,
  type ConfigFeature,
  type FeatureScale,
} from "@/lib/detect/peers/device-profile";
import type { ResolvedPeerGroupOptions } from "@/lib/detect/peers/peer-group-options";
import type { PeerGroupFeature, PeerGroupInput } from "@/lib/detect/peers/peer-group-result";

export interface BehaviourColumn {
  name: string;
  /** Column in the matrix rows. */
  index: number;
  /** Original values per device (sorted order); null where not reported. */
  observed: (number | null)[];
}

export interface FeatureMatrix {
  rows: number[][];
  behaviour: BehaviourColumn[];
  /** Original values of every behavioural feature (used or not) per device, for profiles in original units. */
  originals: Map<string, (number | null)[]>;
  /** Encoded config flags per device. */
  config: Record<ConfigFeature, number | null>[];
  features: PeerGroupFeature[];
}

export function buildFeatureMatrix(
  profiles: readonly PeerGroupInput[],
  options: ResolvedPeerGroupOptions,
  scaleOverrides: Readonly<Record<string, FeatureScale>>,
): FeatureMatrix {
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

/** Column means of the listed rows (a cluster's centroid); zeros for an empty list. */
export function columnMeans(rows: readonly number[][], list: readonly number[], width: number): number[] {
  const sums = new Array<number>(width).fill(0);
  for (const i of list) {
    const row = rows[i]!;
    for (let j = 0; j < width; j++) sums[j]! += row[j]!;
  }
  return sums.map((s) => (list.length > 0 ? s / list.length : 0));
}

/** Code-unit order, not locale order, so results are identical on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
