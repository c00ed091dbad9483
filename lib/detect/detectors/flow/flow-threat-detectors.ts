// The flow-threat detectors, for registering them together. Each works from the minute metrics and
// the hour-of-week baseline alone; flows add evidence, and the slow-exfiltration detector also needs
// the device's TrafficHistory (`DetectorInput.trafficHistory`).
import { appDdosDetector } from "@/lib/detect/detectors/flow/app-ddos-detector";
import { ddosDetector } from "@/lib/detect/detectors/flow/ddos-detector";
import type { RunnableDetector } from "@/lib/detect/detector";
import { exfiltrationDetector } from "@/lib/detect/detectors/flow/exfiltration-detector";
import { portScanDetector } from "@/lib/detect/detectors/flow/port-scan-detector";
import { slowExfiltrationDetector } from "@/lib/detect/detectors/flow/slow-exfiltration-detector";
import { unusualPeersDetector } from "@/lib/detect/detectors/flow/unusual-peers-detector";
import { uploadRatioDetector } from "@/lib/detect/detectors/flow/upload-ratio-detector";

export const FLOW_THREAT_DETECTORS: readonly RunnableDetector[] = [
  ddosDetector,
  appDdosDetector,
  portScanDetector,
  exfiltrationDetector,
  slowExfiltrationDetector,
  unusualPeersDetector,
  uploadRatioDetector,
];
