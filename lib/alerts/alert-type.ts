// What kind of anomaly an alert is, in the evaluation's label vocabulary where one fits: flow detectors
// already speak it; metric-shaped detections (spike, drop, forecast, multivariate, peer outlier) are
// mapped from the metric that moved and which way. Anything that fits no label keeps its own type.
import type { Detection } from "@/lib/detect/detector";
import type { LabelType } from "@/lib/eval/scenario";
import type { MetricName } from "@/lib/telemetry/metrics";

/** Types emitted by metric, peer-group, forecast and multivariate detectors. */
export type DetectorAlertType =
  | "metric_spike"
  | "metric_drop"
  | "peer_outlier"
  | "forecast_deviation"
  | "multivariate_outlier";

export type KnownAlertType = LabelType | DetectorAlertType;

/** A known type, or a detector's own type kept as is (e.g. "large_upload"). */
export type AlertType = KnownAlertType | (string & {});

// Keyed by LabelType so the compiler flags a label type added to or removed from the vocabulary.
const LABEL_TYPE_TITLES: Record<LabelType, string> = {
  ddos: "Volumetric DDoS",
  app_ddos: "Application-layer DDoS",
  port_scan: "Port scan",
  exfiltration: "Data exfiltration",
  slow_exfiltration: "Slow data exfiltration",
  link_down: "Link down",
  cpu_exhaustion: "CPU exhaustion",
  degradation: "Network degradation",
  config_drift: "Configuration drift",
  protocol_shift: "Protocol mix change",
  lateral_movement: "Lateral movement",
  geo_anomaly: "Unusual country or network",
  credential_attack: "Credential attack",
  routing_flap: "Routing instability",
  unauthorized_change: "Unauthorized configuration change",
  jitter: "Jitter",
  memory_leak: "Memory leak",
  crypto_mining: "Crypto-mining",
};

export const ALERT_TYPE_TITLES: Readonly<Record<KnownAlertType, string>> = {
  ...LABEL_TYPE_TITLES,
  metric_spike: "Metric spike",
  metric_drop: "Metric drop",
  peer_outlier: "Outlier among peers",
  forecast_deviation: "Deviation from forecast",
  multivariate_outlier: "Unusual combination of metrics",
};

/** Older names still seen in stored alerts and plans. */
const ALIASES: Readonly<Record<string, LabelType>> = { link_degradation: "degradation" };

/** Alert types of registered detectors that no label type names. */
type UnlabelledAlertType =
  | DetectorAlertType
  | "unusual_peers"
  | "upload_ratio"
  | "bandwidth_threshold"
  | "packet_rate_threshold"
  | "connection_rate_threshold"
  | "large_upload";

/**
 * The label type each recorded alert type scores as in the evaluation: the one place that says which
 * alerts match which labels (a label longer than two hours only matches alerts of its own type). Every
 * label type is its own alert type (the typed keys make a new label type fail to compile until it is
 * here); the other types a registered detector declares map to null, a kind no label names (a unit
 * test holds every declared type to an entry, so a new detector's type cannot be forgotten).
 */
const LABEL_TYPE_OF_ALERT_TYPE: { readonly [T in LabelType]: T } & Readonly<Record<UnlabelledAlertType, null>> = {
  ddos: "ddos",
  app_ddos: "app_ddos",
  port_scan: "port_scan",
  exfiltration: "exfiltration",
  slow_exfiltration: "slow_exfiltration",
  link_down: "link_down",
  cpu_exhaustion: "cpu_exhaustion",
  degradation: "degradation",
  config_drift: "config_drift",
  protocol_shift: "protocol_shift",
  lateral_movement: "lateral_movement",
  geo_anomaly: "geo_anomaly",
  credential_attack: "credential_attack",
  routing_flap: "routing_flap",
  unauthorized_change: "unauthorized_change",
  jitter: "jitter",
  memory_leak: "memory_leak",
  crypto_mining: "crypto_mining",
  metric_spike: null,
  metric_drop: null,
  peer_outlier: null,
  forecast_deviation: null,
  multivariate_outlier: null,
  unusual_peers: null,
  upload_ratio: null,
  bandwidth_threshold: null,
  packet_rate_threshold: null,
  connection_rate_threshold: null,
  large_upload: null,
};

/**
 * The label type a recorded alert type scores as: itself for a label type (or an old alias of one), null
 * for a known type no label names, undefined for a type this table does not know.
 */
export function labelTypeOfAlertType(type: string): LabelType | null | undefined {
  if (Object.hasOwn(LABEL_TYPE_OF_ALERT_TYPE, type)) return LABEL_TYPE_OF_ALERT_TYPE[type as keyof typeof LABEL_TYPE_OF_ALERT_TYPE];
  return Object.hasOwn(ALIASES, type) ? ALIASES[type] : undefined;
}

/** Whether an alert of this recorded type scores as this label type (the evaluation's long-label rule). */
export function alertMatchesLabelType(alertType: string, labelType: string): boolean {
  const mapped = labelTypeOfAlertType(alertType);
  return mapped !== null && mapped !== undefined && mapped === labelType;
}

/** Every alert type the table knows (label types, aliases, and the types no label names). */
export const MAPPED_ALERT_TYPES: readonly string[] = [...Object.keys(LABEL_TYPE_OF_ALERT_TYPE), ...Object.keys(ALIASES)];

/** Traffic volume metrics: all of them at ~0 means the interface carries nothing. */
const TRAFFIC_VOLUME: ReadonlySet<MetricName> = new Set([
  "bandwidthInBps",
  "bandwidthOutBps",
  "packetsPerSec",
  "flowsPerSec",
  "connectionsPerSec",
]);

/** A drop to at most this share of the normal level counts as "to ~0". */
const NEAR_ZERO_SHARE = 0.02;
/** Packet loss at or above this is total loss: the link, not congestion. */
const TOTAL_LOSS_PCT = 99;

export function isLabelType(type: string): type is LabelType {
  return Object.hasOwn(LABEL_TYPE_TITLES, type);
}

/** Which metric moved, which way, and how far, as far as the detection tells. */
interface Movement {
  metric: string;
  direction: "up" | "down" | undefined;
  value: number | undefined;
  normal: number | undefined;
}

type Classifiable = Pick<Detection, "anomalyType" | "metric" | "contributions"> &
  Partial<Pick<Detection, "observed" | "expected">>;

function normalLevel(expected: Detection["expected"] | undefined): number | undefined {
  if (!expected) return undefined;
  return expected.median ?? expected.mean ?? (expected.low + expected.high) / 2;
}

function directionOf(value: number | undefined, normal: number | undefined): Movement["direction"] {
  if (value === undefined || normal === undefined || !Number.isFinite(value) || !Number.isFinite(normal)) return undefined;
  return value > normal ? "up" : value < normal ? "down" : undefined;
}

function movementOf(d: Classifiable): Movement | undefined {
  const value = d.observed?.value;
  const normal = normalLevel(d.expected);
  switch (d.anomalyType) {
    case "metric_spike":
      return { metric: d.metric, direction: "up", value, normal };
    case "metric_drop":
      return { metric: d.metric, direction: "down", value, normal };
    case "forecast_deviation":
    // The Isolation Forest names the metric furthest from its usual value as the detection's metric.
    case "multivariate_outlier":
      return { metric: d.metric, direction: directionOf(value, normal), value, normal };
    case "peer_outlier": {
      // The largest contributor names what moved; without contributions, the detection's own metric.
      const top = [...(d.contributions ?? [])].sort((a, b) => b.share - a.share)[0];
      if (top) return { metric: top.feature, direction: directionOf(top.value, top.expected), value: top.value, normal: top.expected };
      return { metric: d.metric, direction: directionOf(value, normal), value, normal };
    }
    default:
      return undefined;
  }
}

/**
 * Whether a value is ~0. Without an observed value a traffic drop is taken as the link going down: a
 * drop large enough to fire on traffic volume is, in this vocabulary, nearly always that.
 */
function nearZero(value: number | undefined, normal: number | undefined): boolean {
  if (value === undefined) return true;
  if (value <= 0) return true;
  return normal !== undefined && normal > 0 && value <= normal * NEAR_ZERO_SHARE;
}

function labelForMovement(m: Movement): LabelType | undefined {
  if (m.direction === "up") {
    switch (m.metric) {
      case "cpuPct":
        return "cpu_exhaustion";
      case "latencyMs":
        return "degradation";
      case "packetLossPct":
        return m.value !== undefined && m.value >= TOTAL_LOSS_PCT ? "link_down" : "degradation";
      case "distinctDstPorts":
        // One host touching many ports is what a scan is; no benign event in the model does it.
        return "port_scan";
      default:
        return undefined;
    }
  }
  if (m.direction === "down" && TRAFFIC_VOLUME.has(m.metric as MetricName) && nearZero(m.value, m.normal)) return "link_down";
  return undefined;
}

/**
 * The alert type of a detection: label types (and their old aliases) pass through; metric-shaped
 * detections map to a label when the metric and direction fit one (CPU up → cpu_exhaustion; latency or
 * partial packet loss up → degradation; total packet loss, or traffic volume down to ~0 → link_down;
 * distinct destination ports up → port_scan); otherwise the detection's own anomalyType.
 * Pass `observed`/`expected` too so a partial traffic drop is not taken for a link going down.
 */
export function alertTypeOf(detection: Classifiable): AlertType {
  const type = detection.anomalyType;
  if (isLabelType(type)) return type;
  const alias = ALIASES[type];
  if (alias !== undefined && Object.hasOwn(ALIASES, type)) return alias;
  const movement = movementOf(detection);
  return (movement && labelForMovement(movement)) ?? type;
}

/** A human title for an alert type: the known ones by name, others from their snake_case id. */
export function alertTypeTitle(type: string): string {
  if (Object.hasOwn(ALERT_TYPE_TITLES, type)) return ALERT_TYPE_TITLES[type as KnownAlertType];
  const words = type.replace(/[_\-\s]+/g, " ").trim();
  if (words === "") return "Anomaly";
  return words.charAt(0).toUpperCase() + words.slice(1);
}
