import { describe, expect, it } from "vitest";
import {
  type EvalAlert,
  type EvalLabel,
  type EvalMaintenance,
  falsePositiveReduction,
  median,
  percentile,
  scoreAlerts,
  SEGMENT_MATCHING,
  trainingEnd,
} from "@/lib/eval/score-alerts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-01-01T00:00:00Z");
const TRAIN_END = new Date(T0 + 30 * DAY);
const EVAL_END = new Date(T0 + 40 * DAY);
const DEVICES = [
  { name: "web-01", ip: "10.1.50.10" },
  { name: "core-01", ip: "10.0.0.1" },
];
/** Times relative to the end of training. */
const at = (ms: number) => new Date(TRAIN_END.getTime() + ms);

function label(over: Partial<EvalLabel> = {}): EvalLabel {
  return { start: at(DAY), end: at(DAY + 20 * MIN), device: "web-01", type: "ddos", ...over };
}
function alert(over: Partial<EvalAlert> = {}): EvalAlert {
  return { ts: at(DAY + 5 * MIN), device: "web-01", detector: "zscore", type: "ddos", severity: "high", score: 5, status: "open", ...over };
}
function score(labels: EvalLabel[], alerts: EvalAlert[], maintenance: EvalMaintenance[] = []) {
  return scoreAlerts({ labels, alerts, maintenance, trainingEnd: TRAIN_END, evalEnd: EVAL_END, devices: DEVICES });
}
const maintenanceWindow: EvalMaintenance = { start: at(2 * DAY), end: at(2 * DAY + 2 * HOUR), devices: ["core-01"] };

describe("trainingEnd", () => {
  it.each([
    { name: "long scenario: 30 days", days: 60, expected: 30 },
    { name: "short scenario: 70%", days: 20, expected: 14 },
    { name: "exactly 30/0.7 days", days: 30 / 0.7, expected: 30 },
  ])("$name", ({ days, expected }) => {
    expect(trainingEnd(new Date(T0), new Date(T0 + days * DAY)).getTime()).toBeCloseTo(T0 + expected * DAY, -1);
  });
});

describe("scoreAlerts rules", () => {
  it.each([
    { name: "alert inside the label window is a TP", alerts: [alert()], tp: 1, fp: 0, detected: 1 },
    { name: "alert at the label start is a TP", alerts: [alert({ ts: at(DAY) })], tp: 1, fp: 0, detected: 1 },
    { name: "alert 9 min after the label end is a TP", alerts: [alert({ ts: at(DAY + 29 * MIN) })], tp: 1, fp: 0, detected: 1 },
    { name: "alert 11 min after the label end is a FP", alerts: [alert({ ts: at(DAY + 31 * MIN) })], tp: 0, fp: 1, detected: 0 },
    { name: "alert before the label start is a FP", alerts: [alert({ ts: at(DAY - MIN) })], tp: 0, fp: 1, detected: 0 },
    { name: "alert on another device is a FP", alerts: [alert({ device: "core-01" })], tp: 0, fp: 1, detected: 0 },
    { name: "alert naming the device by IP is a TP", alerts: [alert({ device: "10.1.50.10" })], tp: 1, fp: 0, detected: 1 },
    { name: "short label: any alert type matches", alerts: [alert({ type: "cpu_exhaustion" })], tp: 1, fp: 0, detected: 1 },
    { name: "ISO-string alert time", alerts: [alert({ ts: at(DAY + MIN).toISOString() })], tp: 1, fp: 0, detected: 1 },
  ])("$name", ({ alerts, tp, fp, detected }) => {
    const r = score([label()], alerts);
    expect(r.overall).toMatchObject({ tp, fp, detected, raised: tp + fp, labels: 1 });
  });

  it.each([
    { name: "label naming the device IP matches the device's alert", labelDevice: "10.1.50.10", alertDevice: "web-01", tp: 1 },
    { name: "label naming another IP does not match", labelDevice: "10.0.0.1", alertDevice: "web-01", tp: 0 },
  ])("$name", ({ labelDevice, alertDevice, tp }) => {
    expect(score([label({ device: labelDevice })], [alert({ device: alertDevice })]).overall.tp).toBe(tp);
  });

  it.each([
    { name: "long label: alert of the label's type is a TP", type: "exfiltration", tp: 1, fp: 0 },
    { name: "long label: alert of another type is a FP", type: "ddos", tp: 0, fp: 1 },
  ])("$name", ({ type, tp, fp }) => {
    const long = label({ start: at(DAY), end: at(DAY + 3 * HOUR), type: "exfiltration" });
    const r = score([long], [alert({ ts: at(DAY + HOUR), type })]);
    expect(r.overall).toMatchObject({ tp, fp, detected: tp });
  });

  it("a label of exactly 2 hours is not long", () => {
    const r = score([label({ end: at(DAY + 2 * HOUR) })], [alert({ type: "port_scan" })]);
    expect(r.overall.tp).toBe(1);
  });

  it("one label with three alerts counts once for recall, all three are TP", () => {
    const r = score(
      [label(), label({ start: at(3 * DAY), end: at(3 * DAY + 10 * MIN) })],
      [alert({ ts: at(DAY + MIN) }), alert({ ts: at(DAY + 2 * MIN) }), alert({ ts: at(DAY + 3 * MIN) })],
    );
    expect(r.overall).toMatchObject({ tp: 3, fp: 0, labels: 2, detected: 1, recall: 0.5, precision: 1 });
  });

  it.each([
    {
      name: "suppressed alert inside maintenance is correct and not raised",
      alerts: [alert({ device: "core-01", ts: at(2 * DAY + HOUR), status: "suppressed" })],
      expected: { tp: 0, fp: 0, raised: 0, suppressed: 1 },
      outcome: "suppressed",
    },
    {
      name: "raised alert inside maintenance is a FP",
      alerts: [alert({ device: "core-01", ts: at(2 * DAY + HOUR) })],
      expected: { tp: 0, fp: 1, raised: 1, suppressed: 0 },
      outcome: "fp",
    },
    {
      name: "maintenance given by IP applies to the device",
      alerts: [alert({ device: "core-01", ts: at(2 * DAY + HOUR), status: "suppressed" })],
      maintenance: [{ ...maintenanceWindow, devices: ["10.0.0.1"] }],
      expected: { fp: 0, raised: 0, suppressed: 1 },
      outcome: "suppressed",
    },
  ])("$name", ({ alerts, maintenance, expected, outcome }) => {
    const r = score([], alerts, maintenance ?? [maintenanceWindow]);
    expect(r.overall).toMatchObject(expected);
    expect(r.alerts[0]).toMatchObject({ outcome, inMaintenance: true });
  });

  it("training period: alerts and labels before trainingEnd are not scored", () => {
    const r = score(
      [label({ start: at(-DAY), end: at(-DAY + 10 * MIN) }), label()],
      [alert({ ts: at(-DAY + MIN) }), alert({ ts: at(-HOUR) }), alert()],
    );
    expect(r.overall).toMatchObject({ tp: 1, fp: 0, raised: 1, labels: 1, detected: 1 });
    expect(r.alerts.map((a) => a.outcome)).toEqual(["unscored", "unscored", "tp"]);
    expect(r.labels).toHaveLength(1);
  });

  it("latency: median and p95 over labels, from label start to the first matching alert", () => {
    // Five labels detected after 60, 120, 180, 240 and 600 s (the second alert on a label is ignored).
    const delays = [60, 120, 180, 240, 600];
    const labels = delays.map((_, i) => label({ start: at((i + 1) * DAY), end: at((i + 1) * DAY + 20 * MIN) }));
    const alerts = delays.flatMap((d, i) => [
      alert({ ts: at((i + 1) * DAY + d * 1000) }),
      alert({ ts: at((i + 1) * DAY + d * 1000 + MIN) }),
    ]);
    const r = score(labels, alerts);
    expect(r.overall).toMatchObject({ latencyMedianS: 180, latencyP95S: 600, detected: 5, tp: 10 });
    expect(r.labels.map((l) => l.latencyS)).toEqual(delays);
  });

  it("per-detector recall, precision and latency", () => {
    const labels = [label(), label({ start: at(3 * DAY), end: at(3 * DAY + 10 * MIN) })];
    const r = score(labels, [
      alert({ detector: "zscore", ts: at(DAY + 2 * MIN) }),
      alert({ detector: "zscore", ts: at(3 * DAY + 5 * MIN) }),
      alert({ detector: "zscore", ts: at(5 * DAY) }),
      alert({ detector: "scan", ts: at(DAY + MIN) }),
    ]);
    expect(r.byDetector.zscore).toMatchObject({ tp: 2, fp: 1, detected: 2, labels: 2, recall: 1, precision: 2 / 3, latencyMedianS: 210 });
    expect(r.byDetector.scan).toMatchObject({ tp: 1, fp: 0, detected: 1, labels: 2, recall: 0.5, precision: 1, latencyMedianS: 60 });
    expect(r.byDetector.scan?.f1).toBeCloseTo(2 / 3);
    expect(r.overall).toMatchObject({ tp: 3, fp: 1, detected: 2, recall: 1, precision: 0.75, falsePositiveShare: 0.25 });
    expect(r.labels[0]?.latencyByDetectorS).toEqual({ zscore: 120, scan: 60 });
    expect(r.labels[0]?.latencyS).toBe(60);
  });

  it("alerts per device-day: raised / (devices × scored days)", () => {
    // 2 devices × 10 scored days; 4 raised alerts, one suppressed (not raised).
    const r = score(
      [],
      [alert(), alert({ ts: at(2 * DAY) }), alert({ ts: at(3 * DAY) }), alert({ ts: at(4 * DAY) }), alert({ status: "suppressed" })],
    );
    expect(r.overall.alertsPerDeviceDay).toBeCloseTo(4 / 20);
    expect(r.overall).toMatchObject({ fp: 4, raised: 4, suppressed: 1, falsePositiveShare: 1, precision: 0, recall: null, f1: null });
  });

  it("empty input gives nulls, not NaN", () => {
    expect(score([], []).overall).toMatchObject({
      precision: null,
      recall: null,
      f1: null,
      falsePositiveShare: null,
      latencyMedianS: null,
      latencyP95S: null,
      alertsPerDeviceDay: 0,
      ordinaryAlertsPerDeviceDay: 0,
    });
  });
});

describe("alert volume on ordinary traffic (raised alerts per device-day without label or maintenance)", () => {
  // TRAIN_END and EVAL_END are UTC midnights: 2 devices × 10 days = 20 device-days.
  it("with no labels and no maintenance every scored device-day is ordinary; suppressed alerts are not raised", () => {
    const r = score([], [alert({ ts: at(HOUR) }), alert({ ts: at(5 * DAY), device: "core-01" }), alert({ ts: at(9 * DAY + 23 * HOUR) }), alert({ status: "suppressed" })]);
    expect(r.overall).toMatchObject({ ordinaryRaised: 3, ordinaryDeviceDays: 20 });
    expect(r.overall.ordinaryAlertsPerDeviceDay).toBeCloseTo(3 / 20);
  });

  it.each([
    { name: "the labelled device's day is not ordinary, even hours away from the label", ts: at(DAY + 20 * HOUR), device: "web-01", counted: 0 },
    { name: "a TP alert on the labelled day is not counted", ts: at(DAY + 5 * MIN), device: "web-01", counted: 0 },
    { name: "another device on the labelled day is ordinary", ts: at(DAY + 5 * MIN), device: "core-01", counted: 1 },
    { name: "the labelled device on the next day is ordinary", ts: at(2 * DAY + HOUR), device: "web-01", counted: 1 },
    { name: "the device's maintenance day is not ordinary, outside the window too", ts: at(2 * DAY + 20 * HOUR), device: "core-01", counted: 0 },
    { name: "an alert naming the device by IP is placed on its device-day", ts: at(2 * DAY + 20 * HOUR), device: "10.0.0.1", counted: 0 },
    { name: "an alert in the training period is not counted", ts: at(-HOUR), device: "core-01", counted: 0 },
  ])("$name", ({ ts, device, counted }) => {
    const r = score([label()], [alert({ ts, device })], [maintenanceWindow]);
    expect(r.overall).toMatchObject({ ordinaryRaised: counted, ordinaryDeviceDays: 18 });
  });

  it.each([
    { name: "a label given by IP excludes its device's day", labels: [label({ device: "10.1.50.10" })], maintenance: [], days: 19 },
    { name: "maintenance given by IP excludes its device's day", labels: [], maintenance: [{ ...maintenanceWindow, devices: ["10.0.0.1"] }], days: 19 },
    {
      name: "a label whose grace runs past midnight touches the next day too",
      labels: [label({ start: at(DAY + 23 * HOUR), end: at(DAY + 23 * HOUR + 55 * MIN) })],
      maintenance: [],
      days: 18,
    },
    {
      name: "a maintenance window over midnight touches both days",
      labels: [],
      maintenance: [{ ...maintenanceWindow, start: at(2 * DAY + 22 * HOUR), end: at(3 * DAY + 2 * HOUR) }],
      days: 18,
    },
    {
      name: "a training-period label running into the scored period excludes that day",
      labels: [label({ start: at(-2 * HOUR), end: at(HOUR) })],
      maintenance: [],
      days: 19,
    },
    { name: "a training-period label that ended before it does not", labels: [label({ start: at(-3 * DAY), end: at(-3 * DAY + HOUR) })], maintenance: [], days: 20 },
    { name: "a label on a device outside the scenario changes nothing", labels: [label({ device: "edge-99" })], maintenance: [], days: 20 },
  ])("$name", ({ labels, maintenance, days }) => {
    expect(score(labels, [], maintenance).overall.ordinaryDeviceDays).toBe(days);
  });

  it("segment matching: a segment ending at midnight (exclusive, no grace) leaves the next day ordinary", () => {
    const segment = label({ start: at(DAY + 20 * HOUR), end: at(2 * DAY) });
    const r = scoreAlerts({ labels: [segment], alerts: [alert({ ts: at(2 * DAY + HOUR) })], maintenance: [], trainingEnd: TRAIN_END, evalEnd: EVAL_END, devices: DEVICES, matching: SEGMENT_MATCHING });
    expect(r.overall).toMatchObject({ ordinaryDeviceDays: 19, ordinaryRaised: 1 });
  });

  it("UTC days partly in the scored period count by their scored part", () => {
    // scored from noon of day 0 to 06:00 of day 3: 0.5 + 1 + 1 + 0.25 days per device
    const r = scoreAlerts({
      labels: [],
      alerts: [alert({ ts: new Date(T0 + 12 * HOUR + MIN) }), alert({ ts: new Date(T0 + 3 * DAY + HOUR), device: "core-01" })],
      maintenance: [],
      trainingEnd: new Date(T0 + 12 * HOUR),
      evalEnd: new Date(T0 + 3 * DAY + 6 * HOUR),
      devices: DEVICES,
    });
    expect(r.overall.ordinaryDeviceDays).toBeCloseTo(5.5);
    expect(r.overall.ordinaryRaised).toBe(2);
    expect(r.overall.ordinaryAlertsPerDeviceDay).toBeCloseTo(2 / 5.5);
  });

  it("per detector: each detector's alerts on the same ordinary device-days", () => {
    const r = score([label()], [alert({ detector: "zscore", ts: at(3 * DAY) }), alert({ detector: "zscore", ts: at(4 * DAY) }), alert({ detector: "scan" })]);
    expect(r.byDetector.zscore).toMatchObject({ ordinaryRaised: 2, ordinaryDeviceDays: 19 });
    expect(r.byDetector.scan).toMatchObject({ ordinaryRaised: 0, ordinaryDeviceDays: 19, ordinaryAlertsPerDeviceDay: 0 });
    expect(r.overall.ordinaryRaised).toBe(2);
  });

  it("an empty scored period has no ordinary device-days: null, not NaN", () => {
    const r = scoreAlerts({ labels: [], alerts: [], maintenance: [], trainingEnd: EVAL_END, evalEnd: EVAL_END, devices: DEVICES });
    expect(r.overall).toMatchObject({ ordinaryDeviceDays: 0, ordinaryRaised: 0, ordinaryAlertsPerDeviceDay: null });
  });
});

describe("scoreAlerts with segment matching (event-level, labelled datasets)", () => {
  // a 3-hour segment: long, so the default rules would demand the label's type
  const segment = label({ start: at(DAY), end: at(DAY + 3 * HOUR), type: "degradation" });
  it.each([
    { name: "alert of any type inside the segment is a TP", ts: at(DAY + HOUR), type: "metric_spike", tp: 1 },
    { name: "alert at the segment's first row is a TP", ts: at(DAY), type: "metric_spike", tp: 1 },
    { name: "alert at the segment's end (the next row) is a FP", ts: at(DAY + 3 * HOUR), type: "degradation", tp: 0 },
    { name: "alert 5 min after the end is a FP (no grace)", ts: at(DAY + 3 * HOUR + 5 * MIN), type: "degradation", tp: 0 },
  ])("$name", ({ ts, type, tp }) => {
    const r = scoreAlerts({
      labels: [segment],
      alerts: [alert({ ts, type })],
      maintenance: [],
      trainingEnd: TRAIN_END,
      evalEnd: EVAL_END,
      devices: DEVICES,
      matching: SEGMENT_MATCHING,
    });
    expect(r.overall).toMatchObject({ tp, fp: 1 - tp, detected: tp });
  });

  it("the default rules still take the 10-minute grace and demand the long label's type", () => {
    expect(score([segment], [alert({ ts: at(DAY + 3 * HOUR + 5 * MIN), type: "degradation" })]).overall.tp).toBe(1);
    expect(score([segment], [alert({ ts: at(DAY + HOUR), type: "metric_spike" })]).overall.tp).toBe(0);
  });
});

describe("falsePositiveReduction", () => {
  it.each([
    { name: "we halve the static FPs", staticFp: 100, oursFp: 50, expected: 0.5 },
    { name: "no FPs left", staticFp: 40, oursFp: 0, expected: 1 },
    { name: "more FPs than static", staticFp: 10, oursFp: 15, expected: -0.5 },
    { name: "static had none", staticFp: 0, oursFp: 3, expected: null },
  ])("$name", ({ staticFp, oursFp, expected }) => {
    expect(falsePositiveReduction(staticFp, oursFp)).toBe(expected);
  });
});

describe("median and percentile", () => {
  it.each([
    { name: "odd count", values: [5, 1, 3], med: 3, p95: 5 },
    { name: "even count", values: [4, 1, 3, 2], med: 2.5, p95: 4 },
    { name: "twenty values: p95 is the 19th", values: Array.from({ length: 20 }, (_, i) => i + 1), med: 10.5, p95: 19 },
    { name: "empty", values: [], med: null, p95: null },
  ])("$name", ({ values, med, p95 }) => {
    expect(median(values)).toBe(med);
    expect(percentile(values, 95)).toBe(p95);
  });
});
