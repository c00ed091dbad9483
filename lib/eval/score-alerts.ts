// Scores a detection run's alerts against a scenario's ground-truth labels. Pure.
//
// Rules (the detection issue's evaluation harness):
// - An alert matches a label when its device matches the label's device (a label naming an IP matches
//   the device with that IP) and its time is within [label.start, label.end + 10 min]. For a label
//   longer than 2 hours only an alert of the label's type matches it (the type an alert scores as:
//   `alertMatchesLabelType`, lib/alerts/alert-type.ts).
// - A raised alert matching at least one label is a true positive; each label counts once for recall
//   (detected when at least one raised alert matches it).
// - Every other raised alert is a false positive. Inside a maintenance window alerts must be suppressed
//   (recorded with status "suppressed", not raised): such a suppressed alert is correct and not counted
//   as raised; a raised alert there that matches no label is a false positive.
// - Suppressed alerts are never raised: they are neither TP nor FP and detect no label.
// - Alerts and labels before `trainingEnd` are not scored (a label is scored when it starts at or
//   after trainingEnd).
// - Ordinary traffic: a device-day (device × UTC day, within [trainingEnd, evalEnd)) that no label's
//   matching window (start to end + grace) on that device touches, labels of the training period
//   included, and no maintenance window of that device touches. Raised alerts on such device-days per
//   such device-day is the alert volume on ordinary traffic; a UTC day only partly in the scored
//   period counts by the part of it that is scored.
// The grace, the long-label type rule and the window's end are `matching` options: labelled datasets
// of row segments score event-level with SEGMENT_MATCHING (only inside the segment, any type).
import { alertMatchesLabelType } from "@/lib/alerts/alert-type";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** How late after a label's end an alert still matches it. */
export const LABEL_GRACE_MS = 10 * MINUTE_MS;
/** Labels longer than this only match alerts of their own type. */
export const LONG_LABEL_MS = 2 * HOUR_MS;

/** How alerts match labels; each default is the rule above. */
export interface LabelMatching {
  /** How late after a label's end an alert still matches it (default LABEL_GRACE_MS). */
  graceMs?: number;
  /** Labels longer than this only match alerts of their own type (default LONG_LABEL_MS; Infinity: never). */
  longLabelMs?: number;
  /** Whether the window's end (label end + grace) is excluded: [start, end + grace) (default false: included). */
  endExclusive?: boolean;
}

/**
 * Event-level matching for labelled row segments (KPI datasets, NAB-style series): an alert of any type
 * matches a segment only inside the segment's own [first row, last row + row interval); no grace.
 */
export const SEGMENT_MATCHING = { graceMs: 0, longLabelMs: Infinity, endExclusive: true } as const satisfies Required<LabelMatching>;

/** Whether an alert at `t` (ms) on the label's device falls in the label's matching window. */
export function inLabelWindow(t: number, label: { start: Date; end: Date }, matching: LabelMatching = {}): boolean {
  const s = label.start.getTime();
  const last = label.end.getTime() + (matching.graceMs ?? LABEL_GRACE_MS);
  return t >= s && (matching.endExclusive ? t < last : t <= last);
}

/** End of the unscored training period: the first 30 days or the first 70%, whichever is shorter. */
export function trainingEnd(spanStart: Date, spanEnd: Date): Date {
  const length = Math.max(0, spanEnd.getTime() - spanStart.getTime());
  return new Date(spanStart.getTime() + Math.min(30 * DAY_MS, 0.7 * length));
}

export interface EvalAlert {
  ts: string | Date;
  /** Device name (or IP). */
  device: string;
  detector: string;
  type: string;
  severity: string;
  score: number;
  status: "open" | "acknowledged" | "resolved" | "suppressed" | (string & {});
}

export interface EvalLabel {
  start: Date;
  end: Date;
  /** Device name or IP. */
  device: string;
  type: string;
}

export interface EvalMaintenance {
  start: Date;
  end: Date;
  /** Device names or IPs. */
  devices: readonly string[];
}

export interface EvalDevice {
  name: string;
  ip: string;
}

export interface ScoreInput {
  labels: readonly EvalLabel[];
  alerts: readonly EvalAlert[];
  maintenance: readonly EvalMaintenance[];
  trainingEnd: Date;
  /** End of the evaluated period (the scenario's span end): scored days = evalEnd − trainingEnd. */
  evalEnd: Date;
  /** The scenario's devices: resolve IPs to names, and the device count for alerts per device-day. */
  devices: readonly EvalDevice[];
  /** Whether an alert type counts as a label type (long labels); default `alertMatchesLabelType` (lib/alerts/alert-type.ts). */
  typeMatches?: (alertType: string, labelType: string) => boolean;
  /** Grace, long-label rule and window end (default: the rules at the top of this file). */
  matching?: LabelMatching;
}

export interface ScoreCounts {
  /** Raised alerts that match at least one label. */
  tp: number;
  /** Raised alerts that match no label. */
  fp: number;
  /** Scored raised (non-suppressed) alerts: tp + fp. */
  raised: number;
  /** Scored suppressed alerts (inside or outside maintenance); never raised. */
  suppressed: number;
  /** Scored labels. */
  labels: number;
  /** Scored labels matched by at least one raised alert (of this detector, per detector). */
  detected: number;
  /** Scored raised alerts on ordinary device-days (no label, no maintenance on the device that UTC day). */
  ordinaryRaised: number;
  /** Ordinary device-days in the scored period (a partly scored UTC day counts by its scored fraction). */
  ordinaryDeviceDays: number;
}

export interface ScoreMetrics extends ScoreCounts {
  /** tp / raised; null with no raised alerts. */
  precision: number | null;
  /** detected / labels; null with no labels. */
  recall: number | null;
  f1: number | null;
  /** fp / raised; null with no raised alerts. */
  falsePositiveShare: number | null;
  /** raised / (devices × scored days); null when either is zero. */
  alertsPerDeviceDay: number | null;
  /** ordinaryRaised / ordinaryDeviceDays: alert volume on ordinary traffic; null with no ordinary device-day. */
  ordinaryAlertsPerDeviceDay: number | null;
  /** Label start → first matching alert, seconds, over detected labels; null when none. */
  latencyMedianS: number | null;
  /** Nearest-rank 95th percentile of the same latencies. */
  latencyP95S: number | null;
}

export interface LabelOutcome {
  label: EvalLabel;
  detected: boolean;
  /** Seconds from label start to the first matching raised alert (any detector). */
  latencyS: number | null;
  /** Per detector that matched it: seconds to its first matching alert. */
  latencyByDetectorS: Record<string, number>;
}

export type AlertOutcome = "tp" | "fp" | "suppressed" | "unscored";

export interface AlertScore {
  overall: ScoreMetrics;
  byDetector: Record<string, ScoreMetrics>;
  /** Scored labels only, in input order. */
  labels: LabelOutcome[];
  /** One per input alert, in input order. */
  alerts: { alert: EvalAlert; outcome: AlertOutcome; inMaintenance: boolean }[];
}

export function scoreAlerts(input: ScoreInput): AlertScore {
  const { trainingEnd: tEnd, evalEnd } = input;
  const typeMatches = input.typeMatches ?? alertMatchesLabelType;
  const matching = input.matching ?? {};
  const longLabelMs = matching.longLabelMs ?? LONG_LABEL_MS;
  const nameByIp = new Map(input.devices.map((d) => [d.ip, d.name]));
  const canon = (device: string) => nameByIp.get(device) ?? device;
  const start = tEnd.getTime();

  const labels = input.labels
    .filter((l) => l.start.getTime() >= start)
    .map((label) => ({ label, device: canon(label.device), s: label.start.getTime(), e: label.end.getTime() }));
  const maintenance = input.maintenance.map((m) => ({
    s: m.start.getTime(),
    e: m.end.getTime(),
    devices: new Set(m.devices.map(canon)),
  }));

  const ordinary = ordinaryDeviceDays(input, canon);
  const emptyCounts = (): ScoreCounts => ({
    tp: 0,
    fp: 0,
    raised: 0,
    suppressed: 0,
    labels: labels.length,
    detected: 0,
    ordinaryRaised: 0,
    ordinaryDeviceDays: ordinary.deviceDays,
  });
  const detectors = new Set<string>();
  const counts = new Map<string, ScoreCounts>();
  const countsOf = (detector: string): ScoreCounts => {
    let c = counts.get(detector);
    if (!c) counts.set(detector, (c = emptyCounts()));
    return c;
  };
  const overall: ScoreCounts = emptyCounts();
  // Per label: first matching time overall and per detector.
  const firstMatch = labels.map(() => ({ any: Infinity, byDetector: new Map<string, number>() }));

  const alerts = input.alerts.map((alert) => {
    const t = toMs(alert.ts);
    const device = canon(alert.device);
    const inMaintenance = maintenance.some((m) => m.devices.has(device) && t >= m.s && t <= m.e);
    if (t < start) return { alert, outcome: "unscored" as AlertOutcome, inMaintenance };
    detectors.add(alert.detector);
    const c = countsOf(alert.detector);
    if (alert.status === "suppressed") {
      c.suppressed++;
      overall.suppressed++;
      return { alert, outcome: "suppressed" as AlertOutcome, inMaintenance };
    }
    c.raised++;
    overall.raised++;
    if (ordinary.days.get(device)?.has(Math.floor(t / DAY_MS))) {
      c.ordinaryRaised++;
      overall.ordinaryRaised++;
    }
    let matched = false;
    labels.forEach((l, i) => {
      if (l.device !== device || !inLabelWindow(t, l.label, matching)) return;
      if (l.e - l.s > longLabelMs && !typeMatches(alert.type, l.label.type)) return;
      matched = true;
      const fm = firstMatch[i]!;
      fm.any = Math.min(fm.any, t);
      fm.byDetector.set(alert.detector, Math.min(fm.byDetector.get(alert.detector) ?? Infinity, t));
    });
    if (matched) {
      c.tp++;
      overall.tp++;
    } else {
      c.fp++;
      overall.fp++;
    }
    return { alert, outcome: (matched ? "tp" : "fp") as AlertOutcome, inMaintenance };
  });

  const labelOutcomes: LabelOutcome[] = labels.map((l, i) => {
    const fm = firstMatch[i]!;
    const latencyByDetectorS: Record<string, number> = {};
    for (const [d, t] of fm.byDetector) latencyByDetectorS[d] = (t - l.s) / 1000;
    const detected = Number.isFinite(fm.any);
    return { label: l.label, detected, latencyS: detected ? (fm.any - l.s) / 1000 : null, latencyByDetectorS };
  });

  const deviceDays = input.devices.length * (Math.max(0, evalEnd.getTime() - start) / DAY_MS);

  overall.detected = labelOutcomes.filter((o) => o.detected).length;
  const byDetector: Record<string, ScoreMetrics> = {};
  for (const d of [...detectors].sort()) {
    const c = countsOf(d);
    const latencies = labelOutcomes.flatMap((o) => (o.latencyByDetectorS[d] === undefined ? [] : [o.latencyByDetectorS[d]]));
    c.detected = latencies.length;
    byDetector[d] = metricsOfCounts(c, latencies, deviceDays);
  }
  const overallLatencies = labelOutcomes.flatMap((o) => (o.latencyS === null ? [] : [o.latencyS]));
  return { overall: metricsOfCounts(overall, overallLatencies, deviceDays), byDetector, labels: labelOutcomes, alerts };
}

/**
 * The ordinary device-days of a scoring (rule at the top): per device name, the UTC day numbers
 * (floor(ms / day)) that are ordinary, and their count weighted by the scored part of each day.
 */
function ordinaryDeviceDays(
  input: Pick<ScoreInput, "labels" | "maintenance" | "trainingEnd" | "evalEnd" | "devices" | "matching">,
  canon: (device: string) => string,
): { days: Map<string, Set<number>>; deviceDays: number } {
  const start = input.trainingEnd.getTime();
  const end = input.evalEnd.getTime();
  const matching = input.matching ?? {};
  const grace = matching.graceMs ?? LABEL_GRACE_MS;
  // busy intervals per device: [s, e] (e exclusive when `exclusive`)
  const busy = new Map<string, { s: number; e: number; exclusive: boolean }[]>();
  const addBusy = (device: string, s: number, e: number, exclusive: boolean) => {
    let list = busy.get(device);
    if (!list) busy.set(device, (list = []));
    list.push({ s, e, exclusive });
  };
  for (const l of input.labels) addBusy(canon(l.device), l.start.getTime(), l.end.getTime() + grace, matching.endExclusive ?? false);
  for (const m of input.maintenance) for (const d of m.devices) addBusy(canon(d), m.start.getTime(), m.end.getTime(), false);

  const days = new Map<string, Set<number>>();
  let deviceDays = 0;
  if (end <= start) return { days, deviceDays };
  const firstDay = Math.floor(start / DAY_MS);
  const lastDay = Math.ceil(end / DAY_MS) - 1;
  for (const name of new Set(input.devices.map((d) => d.name))) {
    const set = new Set<number>();
    days.set(name, set);
    const intervals = busy.get(name) ?? [];
    for (let day = firstDay; day <= lastDay; day++) {
      const ds = day * DAY_MS;
      const de = ds + DAY_MS;
      if (intervals.some((b) => b.s < de && (b.exclusive ? b.e > ds : b.e >= ds))) continue;
      const scored = Math.min(de, end) - Math.max(ds, start);
      if (scored <= 0) continue;
      set.add(day);
      deviceDays += scored / DAY_MS;
    }
  }
  return { days, deviceDays };
}

/** 1 − ours/static: the share of the static baseline's false positives we avoid; null when static is 0. */
export function falsePositiveReduction(staticFp: number, oursFp: number): number | null {
  return staticFp === 0 ? null : 1 - oursFp / staticFp;
}

/** Median (mean of the middle two for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in (0, 100]); null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

/**
 * Counts with their ratios: precision, recall, F1, FP share, alerts per device-day (`deviceDays`: devices ×
 * scored days), ordinary alerts per device-day and the latencies' median and p95.
 */
export function metricsOfCounts(c: ScoreCounts, latencies: readonly number[], deviceDays: number): ScoreMetrics {
  const precision = c.raised === 0 ? null : c.tp / c.raised;
  const recall = c.labels === 0 ? null : c.detected / c.labels;
  const f1 =
    precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    ...c,
    precision,
    recall,
    f1,
    falsePositiveShare: c.raised === 0 ? null : c.fp / c.raised,
    alertsPerDeviceDay: deviceDays > 0 ? c.raised / deviceDays : null,
    ordinaryAlertsPerDeviceDay: c.ordinaryDeviceDays > 0 ? c.ordinaryRaised / c.ordinaryDeviceDays : null,
    latencyMedianS: median(latencies),
    latencyP95S: percentile(latencies, 95),
  };
}

function toMs(ts: string | Date): number {
  const t = typeof ts === "string" ? Date.parse(ts) : ts.getTime();
  if (Number.isNaN(t)) throw new Error(`alert time "${String(ts)}" is not a valid date`);
  return t;
}
