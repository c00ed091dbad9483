// Runs Tidewatch's streaming detection over one NAB series, the way the worker judges one metric of one
// device: the worker's detection engine with the worker's registered detectors and default settings,
// cold (no history before the first row), rows one at a time, labels never seen. Returns per row
// the anomaly score in [0, 1] and whether the worker would have raised a new alert there.
//
// - The value is reported as the device's only metric. NAB's series are of any unit, so the metric is
//   one with no 0–100 clamp and a small smallest-meaningful-change (latency, 0.1 ms); the online model
//   itself is scale-free.
// - Score: the metric's surprise (−log10 of its tail probability, lib/detect/streaming/metric-stream.ts)
//   over 12, at rows where it exceeds every surprise of the 4 hours before; other rows score 0. An
//   incident that stays surprising is one alert in the worker (repeats fold into the open alert), and
//   NAB counts every detected row outside a window as a false positive, so only a new high is a new
//   detection.
// - Alerts: a detection of the registered detectors that the alert store would record as a new alert
//   (a repeat within the dedup cooldown of the previous one folds into it: lib/alerts/record-detection.ts).
import { DEFAULT_COOLDOWN_MS } from "@/lib/alerts/record-detection";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import { DETECTORS } from "@/lib/detect/registry";
import { emptyMetricValues, type MetricName } from "@/lib/telemetry/metrics";
import { parseNabTimestamp } from "@/lib/eval/nab-corpus";

export interface NabRow {
  /** As in the file, "YYYY-MM-DD HH:MM:SS" (UTC). */
  timestamp: string;
  value: number;
}

export interface NabSeriesResult {
  /** One score in [0, 1] per row. */
  scores: number[];
  /** One flag per row: a raised (new) alert at that row with the worker's defaults. */
  alerts: boolean[];
}

/** The metric NAB's values are reported as. */
export const NAB_METRIC: MetricName = "latencyMs";
/** Surprise that maps to score 1 (the stream reports at most 12). */
const MAX_SURPRISE = 12;
/** A row scores only above every surprise of this long before it. */
const NEW_HIGH_MS = 4 * 3_600_000;

const DEVICE = { name: "nab-series", address: null, role: "server", site: "nab" };

export function detectNabSeries(rows: readonly NabRow[]): NabSeriesResult {
  const engine = new DetectionEngine({ detectors: DETECTORS });
  const scores: number[] = [];
  const alerts: boolean[] = [];
  const history: { t: number; surprise: number }[] = [];
  let lastAlert = -Infinity;
  for (const row of rows) {
    const t = parseNabTimestamp(row.timestamp);
    const values = emptyMetricValues();
    values[NAB_METRIC] = row.value;
    const { detections, streams } = engine.observe({ deviceId: 1, ts: new Date(t), values }, DEVICE);
    const surprise = streams.get(NAB_METRIC)?.surprise ?? 0;
    while (history.length > 0 && history[0]!.t < t - NEW_HIGH_MS) history.shift();
    const newHigh = history.every((h) => surprise > h.surprise);
    history.push({ t, surprise });
    scores.push(newHigh ? Math.min(1, surprise / MAX_SURPRISE) : 0);
    const raised = detections.length > 0;
    alerts.push(raised && t - lastAlert > DEFAULT_COOLDOWN_MS);
    if (raised) lastAlert = t;
  }
  return { scores, alerts };
}
