// A change to a stored suppression rule: any subset of its fields; a pattern set to null is cleared
// (matches anything again). The merged rule is validated with suppressionRuleInputSchema, so a change
// can never leave a rule without patterns (which would hide every alert).
import { z } from "zod";
import { SUPPRESSION_PATTERN_FIELDS, suppressionRuleInputSchema, type SuppressionRuleInput } from "./suppression-rules";

const pattern = z
  .string()
  .trim()
  .min(1, "must not be empty (send null to match anything)")
  .max(200, "must be at most 200 characters")
  .nullable()
  .optional();

const instant = z
  .iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a time zone" })
  .transform((s) => new Date(s))
  .nullable()
  .optional();

export const suppressionRulePatchSchema = z
  .strictObject({
    device: pattern,
    site: pattern,
    role: pattern,
    detector: pattern,
    type: pattern,
    metric: pattern,
    reason: z.string().trim().min(1, "a reason is required").max(500, "must be at most 500 characters").optional(),
    enabled: z.boolean({ message: "must be true or false" }).optional(),
    expiresAt: instant,
  })
  .refine((p) => Object.keys(p).length > 0, { message: "send at least one field to change" });

export type SuppressionRulePatch = z.output<typeof suppressionRulePatchSchema>;

type StoredRule = Partial<Record<(typeof SUPPRESSION_PATTERN_FIELDS)[number], string | null>> & {
  reason: string;
  enabled: boolean;
  expiresAt: Date | null;
};

/** The stored rule with `patch` applied, validated as a whole (throws a ZodError naming the field). */
export function applySuppressionRulePatch(stored: StoredRule, patch: SuppressionRulePatch): SuppressionRuleInput {
  const merged: Record<string, unknown> = { reason: stored.reason, enabled: stored.enabled, expiresAt: stored.expiresAt };
  for (const field of SUPPRESSION_PATTERN_FIELDS) {
    const value = field in patch ? patch[field] : stored[field];
    if (value != null) merged[field] = value;
  }
  if (patch.reason !== undefined) merged.reason = patch.reason;
  if (patch.enabled !== undefined) merged.enabled = patch.enabled;
  if (patch.expiresAt !== undefined) merged.expiresAt = patch.expiresAt;
  return suppressionRuleInputSchema.parse(merged);
}
