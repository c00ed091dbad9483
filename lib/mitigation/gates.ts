// The gates a mitigation passes, in order (pure, so the rules are tested as a table):
// 1. the detector: confidence ≥ 0.85 and severity high or critical (the seeds' rule); an alert failing
//    it gets no proposal at all;
// 2. the AI approval (lib/mitigation/ai-approval.ts), fail secure: no key, an error, a timeout or a spent
//    budget is "ask a human", never "approve";
// 3. a human's Approve/Deny, unless the playbook is automatic and the AI approved.
// Prefix safety and the cap on active mitigations come later, at announce time (the controller).
import { SEVERITY_CONFIDENCE, type Severity } from "../detect/severity";

export const MIN_CONFIDENCE = 0.85;
export const QUALIFYING_SEVERITIES: readonly Severity[] = ["high", "critical"];

/**
 * How sure Tidewatch is of an alert: its severity's confidence (the scale campaigns combine), or its
 * campaign's combined confidence when it belongs to one and that is higher (independent evidence).
 */
export function alertConfidence(severity: Severity, campaignConfidence: number | null): number {
  return Math.max(SEVERITY_CONFIDENCE[severity], campaignConfidence ?? 0);
}

export interface DetectorGate {
  passed: boolean;
  confidence: number;
  severity: Severity;
  reason: string;
}

export function detectorGate(severity: Severity, campaignConfidence: number | null): DetectorGate {
  const confidence = alertConfidence(severity, campaignConfidence);
  const pct = `${Math.round(confidence * 100)}%`;
  if (!QUALIFYING_SEVERITIES.includes(severity)) return { passed: false, confidence, severity, reason: `severity ${severity} is below high` };
  if (confidence < MIN_CONFIDENCE) return { passed: false, confidence, severity, reason: `confidence ${pct} is below ${MIN_CONFIDENCE * 100}%` };
  return { passed: true, confidence, severity, reason: `${severity} with ${pct} confidence` };
}

export type AiOutcome = "approve" | "reject" | "ask_human";

export interface AiGate {
  outcome: AiOutcome;
  reason: string;
  /** The model's confidence in its answer; null when no answer came. */
  confidence: number | null;
  model: string | null;
}

export interface HumanGate {
  required: boolean;
  reason: string;
}

/** What is stored in mitigations.gates. */
export interface GateOutcomes {
  detector: DetectorGate;
  ai: AiGate;
  human: HumanGate;
}

export interface Decision {
  status: "proposed" | "approved";
  gates: GateOutcomes;
}

/** Gate 2 and 3 for an alert that passed gate 1. */
export function decide(detector: DetectorGate, ai: AiGate, automatic: boolean): Decision {
  if (!detector.passed) throw new Error("decide: the detector gate did not pass (no proposal is made)");
  const aiApproved = ai.outcome === "approve" && ai.confidence !== null && ai.confidence >= MIN_CONFIDENCE;
  let human: HumanGate;
  if (!automatic) human = { required: true, reason: "manual playbook: an analyst approves or denies" };
  else if (aiApproved) human = { required: false, reason: "automatic playbook: the detector and the AI approved" };
  else if (ai.outcome === "approve") human = { required: true, reason: `the AI approved with only ${Math.round((ai.confidence ?? 0) * 100)}% confidence: an analyst decides` };
  else if (ai.outcome === "reject") human = { required: true, reason: "the AI did not approve: an analyst decides" };
  else human = { required: true, reason: "no AI approval (fail secure): an analyst decides" };
  return { status: human.required ? "proposed" : "approved", gates: { detector, ai, human } };
}
