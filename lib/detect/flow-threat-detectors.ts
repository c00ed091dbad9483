// The flow-threat detectors, for registering them together. Each works from the minute metrics and
// the hour-of-week baseline alone; flows add evidence, and the slow-exfiltration detector also needs
// the device's TrafficHistory (`DetectorInput.trafficHistory`).
import { appDdosDetector } from "@/lib/detect/app-ddos-detector";
import { ddosDetector } from "@/lib/detect/ddos-detector";
import type { RunnableDetector } from "@/lib/detect/detector";
import { exfiltrationDetector } from "@/lib/detect/exfiltration-detector";
import { portScanDetector } from "@/lib/detect/port-scan-detector";
import { slowExfiltrationDetector } from "@/lib/detect/slow-exfiltration-detector";
import { unusualPeersDetector } from "@/lib/detect/unusual-peers-detector";
import { uploadRatioDetector } from "@/lib/detect/upload-ratio-detector";

export const FLOW_THREAT_DETECTORS: readonly RunnableDetector[] = [
  ddosDetector,
  appDdosDetector,
  portScanDetector,
  exfiltrationDetector,
  slowExfiltrationDetector,
  unusualPeersDetector,
  uploadRatioDetector,
];
