// The skeleton most flow-threat detectors share (DDoS, application-layer DDoS, port scan, exfiltration,
// unusual peers): the threat's signature must hold on this minute and on the previous `confirmMinutes − 1`
// that `recent` has (confirmedOver); the finding is then one detection, scored by one metric's z against
// `minZ`, with its contributions, evidence and explanation. A detector declares only its signature and how
// it describes a finding. Upload ratio and slow exfiltration judge sustained minutes and days instead and
// are defined with defineDetector directly.
import { z } from "zod";
import { defineDetector, type Detector, type DetectorInput } from "@/lib/detect/detector";
import {
  confirmedOver,
  contributionsOf,
  expectedBlock,
  type MetricDeviation,
  type Signal,
} from "@/lib/detect/detectors/flow/flow-threat-signals";
import { severityFor } from "@/lib/detect/severity";
import type { MetricSample } from "@/lib/telemetry/metrics";

/**
 * The settings every flow threat has, with their checks. A detector's config schema lists them among its
 * own settings (`minZ: flowThreatSettings.minZ`), where they belong in its tuning form, and says which
 * metric its `minZ` is about.
 */
export const flowThreatSettings = {
  /** The scored metric must be at least this many stds above its mean; severity reads its z against it. */
  minZ: z.number().finite().positive(),
  /** The signature must hold this many minutes in a row (the previous ones as far as `recent` has them). */
  confirmMinutes: z.number().int().min(1).max(30),
};

/** The settings every flow threat has. */
export type FlowThreatConfig = z.infer<z.ZodObject<typeof flowThreatSettings>>;

/** What a confirmed finding says. */
export interface FlowThreatFinding {
  /** The metric the detection is about and scored on (score = its z). */
  deviation: MetricDeviation;
  signals: readonly Signal[];
  evidence: Record<string, unknown>;
  explanation: string;
}

export interface FlowThreatDefinition<Config extends FlowThreatConfig, Held, Id extends string> {
  id: Id;
  /** The anomaly type of its findings, also its threat type for campaign correlation. */
  anomalyType: string;
  description: string;
  configSchema: z.ZodType<Config>;
  defaultConfig: Config;
  /**
   * The threat's signature on one minute (this one, or one from `recent` when confirming): what it found
   * (an object, or `true`), or false/undefined when it does not hold.
   */
  holds(sample: MetricSample, input: DetectorInput, config: Config): Held | false | undefined;
  /**
   * The finding for this minute, once its signature is confirmed; undefined to drop it after all (a check
   * that only this minute can make, e.g. on its flows).
   */
  describe(held: Held, input: DetectorInput, config: Config): FlowThreatFinding | undefined;
}

export function defineFlowThreat<Config extends FlowThreatConfig, Held, const Id extends string>(
  definition: FlowThreatDefinition<Config, Held, Id>,
): Detector<Config, DetectorInput, Id> {
  const { id, anomalyType, holds, describe } = definition;
  return defineDetector<Config, DetectorInput, Id>({
    id,
    description: definition.description,
    configSchema: definition.configSchema,
    scoreField: "minZ",
    alertTypes: [anomalyType],
    threatType: anomalyType,
    defaultConfig: definition.defaultConfig,
    detect(input, config) {
      const held = holds(input.sample, input, config);
      if (held === undefined || held === false) return [];
      if (!confirmedOver(input, config.confirmMinutes, (s) => Boolean(holds(s, input, config)))) return [];
      const finding = describe(held, input, config);
      if (!finding) return [];

      const d = finding.deviation;
      return [
        {
          detector: id,
          anomalyType,
          metric: d.metric,
          severity: severityFor(d.z, config.minZ),
          score: d.z,
          observed: { value: d.value, ts: input.sample.ts.toISOString() },
          expected: expectedBlock(d, config.minZ),
          explanation: finding.explanation,
          contributions: contributionsOf(finding.signals),
          evidence: finding.evidence,
        },
      ];
    },
  });
}
