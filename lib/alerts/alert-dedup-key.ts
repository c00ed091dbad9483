// What counts as "the same alert" for the dedup cooldown: the device and the alert's type, whichever
// detector or metric found it. A DDoS seen by the z-score on packets, the robust z on bytes and the
// flow detector is one alert whose occurrences grow, not five; the first finding names the detector.
import { alertTypeOf } from "@/lib/alerts/alert-type";
import type { Detection } from "@/lib/detect/detector";

export function alertDedupKey(deviceId: number, detection: Detection): string {
  return `${deviceId}:${alertTypeOf(detection)}`;
}
