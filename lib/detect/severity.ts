// How serious a detection is, and the one scale every detector maps its score onto.

/** The severities, least serious first: the one list settings, filters and escalation read. */
export const SEVERITY_LEVELS = ["low", "medium", "high", "critical"] as const;

export type Severity = (typeof SEVERITY_LEVELS)[number];

/** `min` and every severity above it. */
export function severitiesAtLeast(min: Severity): Severity[] {
  return SEVERITY_LEVELS.slice(SEVERITY_LEVELS.indexOf(min));
}

/** Order of severities, for "the stronger of two" and escalation (each one's place in SEVERITY_LEVELS). */
export const SEVERITY_RANK = Object.fromEntries(SEVERITY_LEVELS.map((s, i) => [s, i])) as Readonly<Record<Severity, number>>;

/** How sure a raised alert of each severity is: combined into campaign confidence, and the mitigation gate's reading of one alert. */
export const SEVERITY_CONFIDENCE: Readonly<Record<Severity, number>> = { low: 0.4, medium: 0.6, high: 0.8, critical: 0.95 };

/** medium past the threshold, high past 1.5×, critical past 2×. */
export function severityFor(absZ: number, threshold: number): Severity {
  if (absZ > 2 * threshold) return "critical";
  if (absZ > 1.5 * threshold) return "high";
  return "medium";
}
