// Turns a peer-group clustering into detections: "peer_outlier" for a device that behaves unlike its
// peers, "config_drift" for one configured unlike them. Runs fleet-wide on a schedule, not per
// device-minute, so it is a plain function rather than a DetectorDefinition. Pure: the run time is passed in.
//
// Detection.metric must name a metric: a peer outlier takes the metric behind its largest difference
// (PROFILE_FEATURE_INFO[feature].metric, e.g. cpuPctP95 → cpuPct); pure config drift has no metric of its
// own and takes `configDriftMetric` (connections/s by default: management protocols are connections).
import type { Contribution, Detection, DetectorMeta } from "@/lib/detect/detector";
import { CONFIG_FEATURE_INFO, PROFILE_FEATURE_INFO, type ConfigFeature } from "@/lib/detect/peers/device-profile";
import { formatMetricValue } from "@/lib/detect/explain/format-metric-value";
import { SEVERITY_RANK, severityFor, type Severity } from "@/lib/detect/severity";
import type { ConfigDrift, FeatureDifference, PeerGroupDevice, PeerGroupResult } from "@/lib/detect/peers/peer-group-result";
import { isMetricName, type MetricName } from "@/lib/telemetry/metrics";

export const PEER_GROUP_DETECTOR_ID = "peer-group";

/** The registry's entry: scheduled fleet-wide, so it has no minute config and no score setting. */
export const peerGroupDetector: DetectorMeta<typeof PEER_GROUP_DETECTOR_ID> = {
  id: PEER_GROUP_DETECTOR_ID,
  description: "Clusters the fleet by behaviour and configuration and flags devices unlike their peers (peer_outlier) or configured unlike them (config_drift).",
  scoreField: null,
  alertTypes: ["peer_outlier", "config_drift"],
};

export interface PeerGroupDetectionOptions {
  /** When the clustering ran (the end of the profile window); every detection's `observed.ts`. */
  at: Date;
  /** `metric` of a config-drift detection. Default "connectionsPerSec". */
  configDriftMetric?: MetricName;
  /** Differences named in a peer-outlier explanation, largest first. Default 3. */
  explainDifferences?: number;
}

/**
 * Severity of drift to the risky value of a flag: SNMP v1/v2c and telnet send credentials in clear text;
 * SSH off, HTTP management on and an unsynced clock weaken a device less directly. Drift to the safer
 * value (the device is better configured than its peers) is "low": worth knowing, nothing to fix there.
 */
const RISKY_DRIFT_SEVERITY: Readonly<Record<ConfigFeature, Severity>> = {
  snmpInsecure: "high",
  telnetEnabled: "high",
  sshEnabled: "medium",
  httpMgmtEnabled: "medium",
  ntpSynced: "medium",
};
const FIRMWARE_DRIFT_SEVERITY: Severity = "medium";
/** A difference carrying less of the squared distance than this is left out of the explanation text. */
const MIN_EXPLAINED_SHARE = 0.05;
/** Contributions per detection (the rest of the distance is still in `evidence`). */
const MAX_CONTRIBUTIONS = 5;

/**
 * One "peer_outlier" detection per behavioural outlier (score = distance z, severity by how far past the
 * clustering's outlierZ) and one "config_drift" per device with configuration drift (score = surprise in
 * bits, see `driftScore`). Devices in result order, outlier before drift.
 */
export function detectPeerGroupAnomalies(result: PeerGroupResult, opts: PeerGroupDetectionOptions): Detection[] {
  const ts = opts.at.getTime();
  if (!Number.isFinite(ts)) throw new RangeError("detectPeerGroupAnomalies: `at` must be a valid Date");
  const configDriftMetric = opts.configDriftMetric ?? "connectionsPerSec";
  if (!isMetricName(configDriftMetric)) {
    throw new RangeError(`detectPeerGroupAnomalies: unknown configDriftMetric "${String(configDriftMetric)}"`);
  }
  const explainDifferences = opts.explainDifferences ?? 3;
  if (!Number.isInteger(explainDifferences) || explainDifferences < 1) {
    throw new RangeError("detectPeerGroupAnomalies: explainDifferences must be an integer ≥ 1");
  }
  const observedTs = opts.at.toISOString();
  const sizes = new Map(result.clusters.map((c) => [c.id, c.size]));

  const detections: Detection[] = [];
  for (const device of result.devices) {
    const group: PeerGroupContext = {
      peers: (sizes.get(device.comparedWith) ?? 0) - (device.comparedWith === device.cluster ? 1 : 0),
      ownSize: sizes.get(device.cluster) ?? 1,
    };
    const top = device.topDifferences[0];
    if (device.isOutlier && top) {
      detections.push(peerOutlier(device, top, group, result, observedTs, explainDifferences));
    }
    if (device.configDrift.length > 0) {
      detections.push(configDriftDetection(device, group, configDriftMetric, observedTs));
    }
  }
  return detections;
}

interface PeerGroupContext {
  /** Devices the device was compared with (itself excluded). */
  peers: number;
  /** Size of the device's own cluster. */
  ownSize: number;
}

/**
 * "web-07 is unlike its 11 peers in cluster 2", or for a device compared with a neighbouring group
 * "rtr-03 fits no peer group (alone in cluster 4) and is unlike the nearest, cluster 1 of 12 devices".
 */
function whoAgainstWhom(device: PeerGroupDevice, group: PeerGroupContext, verb: string): string {
  if (device.comparedWith === device.cluster) {
    return `${device.device} ${verb} its ${plural(group.peers, "peer")} in cluster ${device.cluster}`;
  }
  const own = group.ownSize === 1 ? "alone" : `one of ${group.ownSize} devices`;
  return (
    `${device.device} fits no peer group (${own} in cluster ${device.cluster}) and ${verb} the nearest, ` +
    `cluster ${device.comparedWith} of ${plural(group.peers, "device")}`
  );
}

function peerOutlier(
  device: PeerGroupDevice,
  top: FeatureDifference,
  group: PeerGroupContext,
  result: PeerGroupResult,
  observedTs: string,
  explainDifferences: number,
): Detection {
  const threshold = result.options.outlierZ;
  const metric = PROFILE_FEATURE_INFO[top.feature]?.metric ?? "connectionsPerSec";
  const reference = top.peerMean ?? top.clusterMean;
  const contributions: Contribution[] = device.topDifferences.slice(0, MAX_CONTRIBUTIONS).map((d) => ({
    feature: d.feature,
    value: d.value,
    expected: d.peerMean ?? d.clusterMean,
    share: d.distanceShare,
  }));
  // The lead difference always, the next ones only when they carry a noticeable part of the distance.
  const named = device.topDifferences
    .slice(0, explainDifferences)
    .filter((d, i) => i === 0 || d.distanceShare >= MIN_EXPLAINED_SHARE)
    .map(describeDifference);
  const drift =
    device.configDrift.length > 0 ? ` Its configuration also differs: ${device.configDrift.map(describeDrift).join("; ")}.` : "";
  return {
    detector: PEER_GROUP_DETECTOR_ID,
    anomalyType: "peer_outlier",
    metric,
    severity: severityFor(device.distanceZ, threshold),
    score: device.distanceZ,
    observed: { value: top.value, ts: observedTs },
    expected: {
      low: top.peerRange?.[0] ?? reference,
      high: top.peerRange?.[1] ?? reference,
      mean: reference,
      sampleCount: group.peers,
    },
    explanation:
      `${whoAgainstWhom(device, group, "is unlike")} ` +
      `(distance z = ${device.distanceZ.toFixed(1)}, threshold ${formatThreshold(threshold)}): ${named.join("; ")}.${drift}`,
    contributions,
    evidence: {
      device: device.device,
      cluster: device.cluster,
      comparedWith: device.comparedWith,
      peers: group.peers,
      distance: device.distance,
      distanceZ: device.distanceZ,
      threshold,
      pca: device.pca,
      topDifferences: device.topDifferences,
      configDrift: device.configDrift,
    },
  };
}

function configDriftDetection(
  device: PeerGroupDevice,
  group: PeerGroupContext,
  metric: MetricName,
  observedTs: string,
): Detection {
  const scores = device.configDrift.map(driftScore);
  const total = scores.reduce((a, b) => a + b, 0);
  const severity = device.configDrift.map(driftSeverity).reduce((a, b) => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a));
  const behaviour = device.isOutlier ? ` Its behaviour is also unusual (distance z = ${device.distanceZ.toFixed(1)}).` : "";
  return {
    detector: PEER_GROUP_DETECTOR_ID,
    anomalyType: "config_drift",
    metric,
    severity,
    score: total,
    // No metric moved: the observation is how many facts differ from the peers' norm, where 0 is expected.
    observed: { value: device.configDrift.length, ts: observedTs },
    expected: { low: 0, high: 0, mean: 0, sampleCount: group.peers },
    explanation:
      `${whoAgainstWhom(device, group, "differs from")}: ` +
      `${device.configDrift.map(describeDrift).join("; ")}.${behaviour}`,
    contributions: device.configDrift.map((d, i) => ({
      feature: d.feature,
      // Firmware is a label: 1 = "differs", against the peers' 0.
      value: typeof d.value === "number" ? d.value : 1,
      expected: typeof d.peerValue === "number" ? d.peerValue : 0,
      share: total > 0 ? scores[i]! / total : 1 / scores.length,
    })),
    evidence: {
      device: device.device,
      cluster: device.cluster,
      comparedWith: device.comparedWith,
      peers: group.peers,
      configDrift: device.configDrift,
      distanceZ: device.distanceZ,
    },
  };
}

/**
 * How surprising the device's value is among its peers, in bits: −log2 of the (Laplace-smoothed) share of
 * peers not on the majority value. 11 of 11 peers off → 3.7 bits; 9 of 10 → 2.6: more peers agreeing
 * more firmly make the odd one out more telling.
 */
export function driftScore(drift: ConfigDrift): number {
  const dissenting = Math.round(drift.peers * (1 - drift.peerShare));
  return -Math.log2((dissenting + 1) / (drift.peers + 2));
}

function driftSeverity(drift: ConfigDrift): Severity {
  if (drift.feature === "firmware") return FIRMWARE_DRIFT_SEVERITY;
  return drift.towardRisk ? RISKY_DRIFT_SEVERITY[drift.feature] : "low";
}

/** "telnet enabled where 100% of peers have telnet disabled"; "firmware 15.1 where 90% of peers run 15.9". */
export function describeDrift(drift: ConfigDrift): string {
  const share = `${Math.floor(drift.peerShare * 100)}% of peers`;
  if (drift.feature === "firmware") return `firmware ${drift.value} where ${share} run ${drift.peerValue}`;
  const phrases = CONFIG_FEATURE_INFO[drift.feature].phrases;
  const phrase = (v: number | string) => phrases[v === 1 ? 1 : 0];
  return `${phrase(drift.value)} where ${share} have ${phrase(drift.peerValue)}`;
}

/**
 * "Bandwidth out (mean) 12 Gbps is 4.1× the peer mean of 2.9 Gbps"; percentages by points, shares and
 * ratios side by side. Uses the peer mean (the device itself excluded) so an outlier does not dilute it.
 */
export function describeDifference(d: FeatureDifference): string {
  const info = PROFILE_FEATURE_INFO[d.feature];
  const label = info?.label ?? d.feature;
  const format = (v: number) => formatFeatureValue(d.feature, v);
  const reference = d.peerMean;
  if (reference === null) return `${label} ${format(d.value)} (no peer reports it)`;
  const direction = d.value >= reference ? "above" : "below";
  if (info?.inMetricUnit && info.unit === "%") {
    const points = Math.abs(d.value - reference).toFixed(1);
    return `${label} ${format(d.value)}, ${points} points ${direction} the peer mean of ${format(reference)}`;
  }
  if (!info?.inMetricUnit || reference <= 0) return `${label} ${format(d.value)} vs the peer mean of ${format(reference)}`;
  const ratio = d.value / reference;
  if (ratio >= 1) return `${label} ${format(d.value)} is ${formatRatio(ratio)} the peer mean of ${format(reference)}`;
  return `${label} ${format(d.value)} is ${Math.round((1 - ratio) * 100)}% below the peer mean of ${format(reference)}`;
}

/** A feature's value as the dashboard shows it: metric units, "3.20×" for ratios, "62%" for shares. */
export function formatFeatureValue(feature: string, value: number): string {
  const info = PROFILE_FEATURE_INFO[feature];
  if (info?.inMetricUnit) return formatMetricValue(info.metric, value);
  if (info?.unit === "×") return `${value.toFixed(2)}×`;
  if (info?.unit === "share") return `${Math.round(value * 100)}%`;
  return Number.isFinite(value) ? String(Number(value.toPrecision(3))) : "—";
}

function formatRatio(ratio: number): string {
  return ratio >= 10 ? `${Math.round(ratio)}×` : `${ratio.toFixed(1)}×`;
}

function formatThreshold(threshold: number): string {
  return Number.isInteger(threshold) ? String(threshold) : threshold.toFixed(1);
}

function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
