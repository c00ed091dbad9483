// Every detector Tidewatch has, by id. The worker runs `DETECTORS` on each device-minute in this order
// (on a severity tie the first one names the alert); the reference, fleet-wide and scheduled detectors
// are listed too, so whatever lists detectors (tuning, campaign correlation, the UI's filters) reads it
// from here. `BY_ID` is keyed by `DetectorId`: a detector missing here, or an id without a detector,
// does not compile. Adding a detector: define it with `defineDetector`, add its id to `DetectorId`, its
// entry to `BY_ID` and, for a minute detector, to `DETECTORS`.
import type { DetectorMeta, RunnableDetector } from "@/lib/detect/detector";
import { adaptiveBaseline } from "@/lib/detect/detectors/adaptive-baseline";
import { ewmaBand } from "@/lib/detect/detectors/ewma-band";
import { appDdosDetector } from "@/lib/detect/detectors/flow/app-ddos-detector";
import { ddosDetector } from "@/lib/detect/detectors/flow/ddos-detector";
import { fastFloodDetector } from "@/lib/detect/detectors/flow/fast-flood-detector";
import { exfiltrationDetector } from "@/lib/detect/detectors/flow/exfiltration-detector";
import { geoAnomalyDetector } from "@/lib/detect/detectors/flow/geo-anomaly-detector";
import { lateralMovementDetector } from "@/lib/detect/detectors/flow/lateral-movement-detector";
import { protocolShiftDetector } from "@/lib/detect/detectors/flow/protocol-shift-detector";
import { portScanDetector } from "@/lib/detect/detectors/flow/port-scan-detector";
import { slowExfiltrationDetector } from "@/lib/detect/detectors/flow/slow-exfiltration-detector";
import { unusualPeersDetector } from "@/lib/detect/detectors/flow/unusual-peers-detector";
import { uploadRatioDetector } from "@/lib/detect/detectors/flow/upload-ratio-detector";
import { hourOfWeekZScore } from "@/lib/detect/detectors/hour-of-week-zscore";
import { iqrFences } from "@/lib/detect/detectors/iqr-fences";
import { multivariateOutlier } from "@/lib/detect/detectors/multivariate-outlier";
import { oneClassSvm } from "@/lib/detect/detectors/one-class-svm";
import { robustZScore } from "@/lib/detect/detectors/robust-zscore";
import { staticThreshold } from "@/lib/detect/detectors/static-threshold";
import { credentialAttack } from "@/lib/detect/detectors/syslog/credential-attack";
import { routingFlap } from "@/lib/detect/detectors/syslog/routing-flap";
import { unauthorizedChange } from "@/lib/detect/detectors/syslog/unauthorized-change";
import { cryptoMiningDetector } from "@/lib/detect/detectors/flow/crypto-mining-detector";
import { latencyJitter } from "@/lib/detect/detectors/health/jitter";
import { memoryLeak } from "@/lib/detect/detectors/health/memory-leak";
import { forecastDetector } from "@/lib/detect/models/metric-forecast";
import { peerGroupDetector } from "@/lib/detect/peers/peer-group-detector";

/** The ids of every detector; stored in alerts, so an id never changes. */
export type DetectorId =
  | "adaptive-baseline"
  | "hour-of-week-zscore"
  | "robust-zscore"
  | "iqr-fences"
  | "ewma-band"
  | "isolation-forest"
  | "one-class-svm"
  | "flow-ddos"
  | "flow-app-ddos"
  | "flow-port-scan"
  | "flow-exfiltration"
  | "flow-slow-exfiltration"
  | "flow-unusual-peers"
  | "flow-upload-ratio"
  | "flow-protocol-shift"
  | "flow-lateral-movement"
  | "flow-geo-anomaly"
  | "syslog-credential-attack"
  | "syslog-routing-flap"
  | "syslog-unauthorized-change"
  | "latency-jitter"
  | "flow-crypto-mining"
  /** The reference every other detector must beat in the evaluation; the worker does not run it. */
  | "static-threshold"
  /** Fleet-wide, on a schedule (model training). */
  | "peer-group"
  /** Hourly, against scheduled forecasts. */
  | "forecast"
  /** When the forecasts are refitted: memory forecast to exhaustion. */
  | "memory-leak"
  /** The fast path: each host's short windows as they close (workers/fast-path.ts), not minutes. */
  | "flow-ddos-fast";

/** A registered detector: its meta, and `run` for those that take a device-minute. */
export type RegisteredDetector = DetectorMeta & Partial<RunnableDetector>;

const BY_ID = {
  "adaptive-baseline": adaptiveBaseline,
  "hour-of-week-zscore": hourOfWeekZScore,
  "robust-zscore": robustZScore,
  "iqr-fences": iqrFences,
  "ewma-band": ewmaBand,
  "isolation-forest": multivariateOutlier,
  "one-class-svm": oneClassSvm,
  "flow-ddos": ddosDetector,
  "flow-app-ddos": appDdosDetector,
  "flow-port-scan": portScanDetector,
  "flow-exfiltration": exfiltrationDetector,
  "flow-slow-exfiltration": slowExfiltrationDetector,
  "flow-unusual-peers": unusualPeersDetector,
  "flow-upload-ratio": uploadRatioDetector,
  "flow-protocol-shift": protocolShiftDetector,
  "flow-lateral-movement": lateralMovementDetector,
  "flow-geo-anomaly": geoAnomalyDetector,
  "syslog-credential-attack": credentialAttack,
  "syslog-routing-flap": routingFlap,
  "syslog-unauthorized-change": unauthorizedChange,
  "latency-jitter": latencyJitter,
  "flow-crypto-mining": cryptoMiningDetector,
  "static-threshold": staticThreshold,
  "peer-group": peerGroupDetector,
  forecast: forecastDetector,
  // its meta only: it takes a device's hourly memory and its forecast, not a device-minute
  "memory-leak": metaOf(memoryLeak),
  // its meta only: it takes a host's window, not a device-minute
  "flow-ddos-fast": metaOf(fastFloodDetector),
} as const satisfies { readonly [Id in DetectorId]: RegisteredDetector & { readonly id: string } };

/** Every detector the worker runs on each device-minute, in order. */
export const DETECTORS: readonly (RunnableDetector & DetectorMeta)[] = [
  BY_ID["adaptive-baseline"],
  // off by default (config `enabled`): the hour-of-week detectors the adaptive baseline replaced
  BY_ID["hour-of-week-zscore"],
  BY_ID["robust-zscore"],
  BY_ID["iqr-fences"],
  BY_ID["ewma-band"],
  BY_ID["isolation-forest"],
  // off by default (config `enabled`): it did not earn its place in the evaluation, see the README
  BY_ID["one-class-svm"],
  BY_ID["flow-ddos"],
  BY_ID["flow-app-ddos"],
  BY_ID["flow-port-scan"],
  BY_ID["flow-exfiltration"],
  BY_ID["flow-slow-exfiltration"],
  BY_ID["flow-unusual-peers"],
  BY_ID["flow-upload-ratio"],
  BY_ID["flow-protocol-shift"],
  BY_ID["flow-lateral-movement"],
  BY_ID["flow-geo-anomaly"],
  BY_ID["syslog-credential-attack"],
  BY_ID["syslog-routing-flap"],
  BY_ID["syslog-unauthorized-change"],
  BY_ID["latency-jitter"],
  BY_ID["flow-crypto-mining"],
];

function metaOf<const Id extends string>(d: DetectorMeta<Id>): DetectorMeta<Id> {
  const { id, description, scoreField, alertTypes, threatType } = d;
  return { id, description, scoreField, alertTypes, ...(threatType ? { threatType } : {}) };
}

/** Every detector, minute or not, in `DetectorId` order. */
export const ALL_DETECTORS: readonly DetectorMeta[] = Object.values(BY_ID);

export const DETECTOR_IDS = Object.keys(BY_ID) as DetectorId[];

export function isDetectorId(id: string): id is DetectorId {
  return Object.hasOwn(BY_ID, id);
}

/** The detector with this id (its meta; `run` too for minute detectors), or undefined for an unknown id. */
export function detectorById(id: string): RegisteredDetector | undefined {
  return isDetectorId(id) ? BY_ID[id] : undefined;
}

/** Alert types that are threats for campaign correlation (attack behaviour, not health or capacity). */
export const THREAT_ALERT_TYPES: ReadonlySet<string> = new Set(ALL_DETECTORS.flatMap((d) => (d.threatType ? [d.threatType] : [])));

/**
 * The destination ports the flow rollup must count exactly for `detectors` (the ones that declare
 * `rollupWatchPorts`) under the tuned `overrides`: each one's ports at its defaults and at every override
 * of it, a superset of any device's resolved settings (a watched port costs a counter per minute it is
 * seen). An invalid override is skipped here; the detector reports it when it runs.
 */
export function rollupWatchPorts(detectors: readonly RunnableDetector[], overrides: readonly { detector: string; config: unknown }[] = []): number[] {
  const ports = new Set<number>();
  for (const d of detectors) {
    if (!d.rollupWatchPortsFor) continue;
    for (const config of [undefined, ...overrides.filter((o) => o.detector === d.id).map((o) => o.config)]) {
      try {
        for (const p of d.rollupWatchPortsFor(config)) ports.add(p);
      } catch {
        // invalid settings: not watched for (the detector's failure is logged where it runs)
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}
