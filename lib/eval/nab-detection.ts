// Runs Tidewatch's streaming detection over one NAB series, the way the worker judges one metric of one
// device: the worker's detection engine with the worker's registered detectors and default settings,
// cold (no history before the first row), rows one at a time, labels never seen. Returns per row
// the anomaly score in [0, 1] and whether the worker would have raised a new alert there.
//
// - The value is reported as the device's only metric. NAB's series are of any unit, so the metric is
//   one judged both ways (a rise and a fall), with no 0–100 clamp and a small smallest-meaningful-change
//   (connections/s, 0.5); the online model itself is scale-free.
// - Score: the metric's rarity in days (lib/detect/streaming/metric-stream.ts) on a log scale (one
//   hour → 0, MAX_RARITY_DAYS → 1), at rows whose surprise is the highest of their episode; other rows
//   score 0. This is the adaptive-baseline detector's own rule for a new finding (one alert per
//   incident: while an episode lasts only a rarer deviation is new) with the bar left open
//   for NAB's threshold sweep.
// - Alerts: a detection of the registered detectors that the alert store would record as a new alert
//   (a repeat within the dedup cooldown of the previous one folds into it: lib/db/alert-recording-queries.ts).
import { DEFAULT_COOLDOWN_MS } from "@/lib/alerts/alert-dedup-key";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import { isNewFinding } from "@/lib/detect/detectors/adaptive-baseline";
import { DETECTORS } from "@/lib/detect/registry";
import { MAX_RARITY_DAYS } from "@/lib/detect/streaming/metric-stream";
import { emptyMetricValues, type MetricName } from "@/lib/telemetry/metrics";

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
export const NAB_METRIC: MetricName = "connectionsPerSec";
/** Rarity in days → [0, 1] on a log scale: 1 hour → 0, MAX_RARITY_DAYS → 1. */
function scoreOfRarity(days: number): number {
  const lo = Math.log10(1 / 24);
  return Math.max(0, Math.min(1, (Math.log10(days) - lo) / (Math.log10(MAX_RARITY_DAYS) - lo)));
}

const DEVICE = { name: "nab-series", address: null, role: "server", site: "nab" };

/** One file's rows and their timestamps (epoch ms), as the corpus loader parsed them. */
export interface NabSeriesInput {
  rows: readonly NabRow[];
  timestamps: readonly number[];
}

export function detectNabSeries({ rows, timestamps }: NabSeriesInput): NabSeriesResult {
  const engine = new DetectionEngine({ detectors: DETECTORS });
  const scores: number[] = [];
  const alerts: boolean[] = [];
  let lastAlert = -Infinity;
  for (const [i, row] of rows.entries()) {
    const t = timestamps[i]!;
    const values = emptyMetricValues();
    values[NAB_METRIC] = row.value;
    const { detections, streams } = engine.observe({ deviceId: 1, ts: new Date(t), values }, DEVICE);
    const scored = streams.get(NAB_METRIC);
    scores.push(scored && isNewFinding(scored) ? scoreOfRarity(scored.rarityDays) : 0);
    const raised = detections.length > 0;
    alerts.push(raised && t - lastAlert > DEFAULT_COOLDOWN_MS);
    if (raised) lastAlert = t;
  }
  return { scores, alerts };
}
