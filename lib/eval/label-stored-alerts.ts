// Labels stored alerts with a scenario's ground truth, using the evaluation's own scoring rule
// (lib/eval/score-alerts.ts): a raised alert matching a label is a true positive, any other raised
// alert a false positive; suppressed alerts and those before the scored period carry no label.
// The worker does this for the live demo, so the tuning page's threshold curves have labelled
// scenario results next to the analysts' verdicts.
import { scoreAlerts, type EvalLabel } from "./score-alerts";

export interface StoredAlertForLabelling {
  id: number;
  observedAt: Date;
  deviceName: string;
  deviceRole: string;
  detector: string;
  type: string;
  severity: string;
  score: number;
  status: string;
}

export interface AlertLabelRow {
  alertId: number;
  detector: string;
  deviceName: string;
  deviceRole: string;
  score: number;
  positive: boolean;
  observedAt: Date;
}

export function labelStoredAlerts(args: {
  alerts: readonly StoredAlertForLabelling[];
  labels: readonly EvalLabel[];
  /** Start of the scored period (the demo's live replay): earlier alerts are left unlabelled. */
  scoredFrom: Date;
  /** End of the scored period (data time now). */
  scoredTo: Date;
  deviceNames: readonly string[];
}): AlertLabelRow[] {
  const score = scoreAlerts({
    labels: args.labels,
    maintenance: [],
    trainingEnd: args.scoredFrom,
    evalEnd: args.scoredTo,
    devices: args.deviceNames.map((name) => ({ name, ip: name })),
    alerts: args.alerts.map((a) => ({
      ts: a.observedAt,
      device: a.deviceName,
      detector: a.detector,
      type: a.type,
      severity: a.severity,
      score: a.score,
      status: a.status,
    })),
  });
  return score.alerts.flatMap((s, i) => {
    if (s.outcome !== "tp" && s.outcome !== "fp") return [];
    const a = args.alerts[i]!;
    return [{ alertId: a.id, detector: a.detector, deviceName: a.deviceName, deviceRole: a.deviceRole, score: a.score, positive: s.outcome === "tp", observedAt: a.observedAt }];
  });
}
