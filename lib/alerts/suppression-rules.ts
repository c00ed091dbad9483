// Suppression rules: analyst-written patterns that mark matching alerts as suppressed (recorded, not
// raised), e.g. "scanner-* / port_scan: our vulnerability scanner". Every pattern a rule sets must match
// (glob with * and ?, case-insensitive, whole value); a field the rule leaves out matches anything.
import { z } from "zod";

export const SUPPRESSION_PATTERN_FIELDS = ["device", "site", "role", "detector", "type", "metric"] as const;
export type SuppressionPatternField = (typeof SUPPRESSION_PATTERN_FIELDS)[number];

export type SuppressionPatterns = Partial<Record<SuppressionPatternField, string>>;

export interface SuppressionRule extends SuppressionPatterns {
  id: string | number;
  reason: string;
  enabled: boolean;
  /** The rule stops applying at this instant (exclusive); null/absent = never. */
  expiresAt?: Date | null;
}

/** What an alert is, for matching; a missing field matches only a pattern of "*" (or none). */
export type SuppressionAlertContext = Partial<Record<SuppressionPatternField, string | null>>;

const MAX_PATTERN_LENGTH = 200;

/**
 * Whether `value` matches `pattern` as a whole: `*` is any run of characters (also none), `?` exactly
 * one; case-insensitive. Iterative with one backtrack point, so no pattern can make it slow.
 */
export function globMatches(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  let pi = 0;
  let vi = 0;
  let starPi = -1;
  let starVi = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === "?" || (p[pi] !== "*" && p[pi] === v[vi]))) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === "*") {
      starPi = pi++;
      starVi = vi;
    } else if (starPi >= 0) {
      // Let the last * swallow one more character and retry from there.
      pi = starPi + 1;
      vi = ++starVi;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

function patternsOf(rule: SuppressionPatterns): [SuppressionPatternField, string][] {
  return SUPPRESSION_PATTERN_FIELDS.flatMap((f) => (rule[f] === undefined ? [] : [[f, rule[f]] as [SuppressionPatternField, string]]));
}

function isLive(rule: SuppressionRule, at: Date): boolean {
  return rule.enabled && (rule.expiresAt == null || at.getTime() < rule.expiresAt.getTime());
}

function matchesContext(rule: SuppressionRule, alert: SuppressionAlertContext): boolean {
  const patterns = patternsOf(rule);
  // A rule without patterns would silence everything; the schema refuses it, and so does matching.
  if (patterns.length === 0) return false;
  return patterns.every(([field, pattern]) => globMatches(pattern, alert[field] ?? ""));
}

/** The first enabled, unexpired rule (in list order) whose patterns all match the alert at `at`. */
export function matchSuppressionRule<R extends SuppressionRule>(
  rules: readonly R[],
  alert: SuppressionAlertContext,
  at: Date,
): R | undefined {
  return rules.find((r) => isLive(r, at) && matchesContext(r, alert));
}

const pattern = z
  .string()
  .trim()
  .min(1, "must not be empty (leave the field out to match anything)")
  .max(MAX_PATTERN_LENGTH, `must be at most ${MAX_PATTERN_LENGTH} characters`);

const instant = z.union([
  z.date(),
  z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a time zone" }).transform((s) => new Date(s)),
]);

/** The body of "create a suppression rule". Strict: a misspelt field must not widen the rule silently. */
export const suppressionRuleInputSchema = z
  .strictObject({
    device: pattern.optional(),
    site: pattern.optional(),
    role: pattern.optional(),
    detector: pattern.optional(),
    type: pattern.optional(),
    metric: pattern.optional(),
    reason: z.string().trim().min(1, "a reason is required").max(500, "must be at most 500 characters"),
    enabled: z.boolean().default(true),
    expiresAt: instant.nullable().optional(),
  })
  .refine((r) => patternsOf(r).length > 0, {
    path: ["device"],
    message: `set at least one of ${SUPPRESSION_PATTERN_FIELDS.join(", ")}; a rule matching everything would hide every alert`,
  });

export type SuppressionRuleInput = z.output<typeof suppressionRuleInputSchema>;
