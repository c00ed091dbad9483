// The JSON shape of an alert as the API returns it and the live stream carries it. Client components
// import this type only.
import type { AlertStatus, Severity, Verdict } from "@prisma/client";

export const SEVERITIES = ["critical", "high", "medium", "low"] as const satisfies readonly Severity[];
export const ALERT_STATUSES = ["open", "acknowledged", "resolved", "suppressed"] as const satisfies readonly AlertStatus[];
export const VERDICTS = ["true_positive", "false_positive"] as const satisfies readonly Verdict[];

export interface ExpectedRange {
  low: number;
  high: number;
  mean?: number;
  std?: number;
  median?: number;
  p95?: number;
  p99?: number;
  hourOfWeek?: number;
  sampleCount?: number;
}

export interface AlertView {
  id: number;
  device: { id: number; name: string; role: string; site: string };
  detector: string;
  anomalyType: string;
  severity: Severity;
  score: number;
  status: AlertStatus;
  metric: string | null;
  observedAt: string;
  observed: { value: number; ts: string } & Record<string, unknown>;
  expected: ExpectedRange & Record<string, unknown>;
  explanation: string;
  /** The label vocabulary where one fits (ddos, exfiltration, link_down, ...), else the detector's type. */
  type: string;
  /** Human title of `type`. */
  title: string;
  /** What drove the score, largest first. */
  contributions: { feature: string; value: number; expected?: number; share: number }[];
  /** Supporting facts (top talkers, focused destination, ...). */
  evidence: Record<string, unknown> | null;
  /** Concrete next steps for this type. */
  recommendedActions: string[];
  campaignId: number | null;
  /** The analyst who took the alert ("assign to me"), if any. */
  assignee: { id: number; name: string } | null;
  /** Analysts' notes on the alert (GET /api/alerts/:id/notes has them). */
  noteCount: number;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  occurrences: number;
  lastSeenAt: string;
  createdAt: string;
  updatedAt: string;
  feedback: {
    truePositive: number;
    falsePositive: number;
    /** The verdict of the user who asked; null when they have not given one (always null in events). */
    mine: Verdict | null;
  };
}

export interface AlertPage {
  alerts: AlertView[];
  nextCursor: string | null;
}

export type SeverityCounts = Record<Severity, number>;

/** What the Anomalies filters offer (GET /api/alerts/filter-options). */
export interface AlertFilterOptions {
  types: string[];
  detectors: string[];
  sites: string[];
  devices: { id: number; name: string }[];
}
