// What counts as "the same alert" for the dedup cooldown: the device and the alert's type, whichever
// detector or metric found it. A DDoS seen by the z-score on packets, the robust z on bytes and the
// flow detector is one alert whose occurrences grow, not five. The alert speaks for one finding, the
// strongest so far: its detector, metric, values, band, type and explanation always come together.
import { alertTypeOf } from "@/lib/alerts/alert-type";
import type { Detection } from "@/lib/detect/detector";
import { SEVERITY_RANK, type Severity } from "@/lib/detect/severity";

export function alertDedupKey(deviceId: number, detection: Detection): string {
  return `${deviceId}:${alertTypeOf(detection)}`;
}

/**
 * Whether `candidate` is a stronger finding than `current` for the same alert: higher severity, or the
 * same severity and a higher score. Equal findings are not stronger, so the earlier one stays.
 */
export function isStrongerFinding(
  candidate: { severity: Severity; score: number },
  current: { severity: Severity; score: number },
): boolean {
  const byRank = SEVERITY_RANK[candidate.severity] - SEVERITY_RANK[current.severity];
  return byRank > 0 || (byRank === 0 && candidate.score > current.score);
}

/** How long after an alert's last occurrence a repeat of its dedup key still folds into it. */
export const DEFAULT_COOLDOWN_MS = 15 * 60_000;
