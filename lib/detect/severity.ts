// How serious a detection is, and the one scale every detector maps its score onto.
export type Severity = "low" | "medium" | "high" | "critical";

/** Order of severities, for "the stronger of two" and escalation. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/** medium past the threshold, high past 1.5×, critical past 2×. */
export function severityFor(absZ: number, threshold: number): Severity {
  if (absZ > 2 * threshold) return "critical";
  if (absZ > 1.5 * threshold) return "high";
  return "medium";
}
