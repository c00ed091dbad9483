// The structured analysis Claude returns (structured outputs: the API constrains the reply to this
// schema's JSON Schema and the SDK parses it back through zod, so nothing is split on headings).
import { z } from "zod";

export const CAUSE_KINDS = ["attack", "backup", "release", "marketing_surge", "misconfiguration", "hardware_or_link_fault", "other_legitimate"] as const;
export const AI_VERDICTS = ["likely_attack", "likely_legitimate", "likely_fault_or_misconfiguration", "inconclusive"] as const;

export const aiAnalysisSchema = z.object({
  /** What is abnormal, in one or two sentences. */
  summary: z.string().min(1),
  whyItMatters: z.string().min(1),
  likelyCauses: z
    .array(
      z.object({
        kind: z.enum(CAUSE_KINDS),
        description: z.string().min(1),
        likelihood: z.number().min(0).max(1),
        evidence: z.string(),
      }),
    )
    .min(1),
  verdict: z.enum(AI_VERDICTS),
  confidence: z.number().min(0).max(1),
  investigationCommands: z.array(
    z.object({
      vendor: z.string().min(1),
      command: z.string().min(1),
      purpose: z.string(),
    }),
  ),
  recommendedActions: z.array(z.string().min(1)),
});

export type AiAnalysis = z.infer<typeof aiAnalysisSchema>;
export type AiVerdict = (typeof AI_VERDICTS)[number];
