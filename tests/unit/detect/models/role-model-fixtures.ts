// The demo network's firewalls and edge routers as the role-model tests see them (the Isolation Forest and
// the One-Class SVM, models and detectors): 14 days of ordinary minutes per device and the hour-of-week
// baseline trained on them, then a Tuesday afternoon that neither the baselines nor the models have seen.
import { expectedFor, trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { effectiveStd } from "@/lib/detect/baseline/std-floor";
import { MULTIVARIATE_METRICS, type RoleModelDevice } from "@/lib/detect/models/multivariate-model";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { emptyMetricValues, type MetricName, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";

export const MINUTE = 60_000;
export const DAY = 86_400_000;
export const HISTORY_START = Date.parse("2025-01-06T00:00:00Z"); // a Monday
export const HISTORY_DAYS = 14;
/** After the history: a Tuesday afternoon the baselines and models have never seen. */
export const TUESDAY_14 = Date.parse("2025-01-21T14:00:00Z");

export const fleet = demoFleet(20, 1);
const network = createNetworkModel({ devices: fleet, seed: 1 });
const indexOf = (name: string) => {
  const i = fleet.findIndex((d) => d.name === name);
  if (i < 0) throw new Error(`no demo device ${name}`);
  return i;
};
export const FIREWALLS = ["fw-hq-1", "fw-dc1-1", "fw-branch-east-1"].map(indexOf);
export const EDGE_ROUTERS = ["edge-rtr-hq-1", "edge-rtr-branch-east-1"].map(indexOf);

export const minuteOf = (device: number, ms: number): MetricSample => ({
  deviceId: device,
  ts: new Date(ms),
  values: network.valuesAt(device, new Date(ms)),
});
const history = (device: number, days = HISTORY_DAYS): MetricSample[] =>
  Array.from({ length: days * 1440 }, (_, m) => minuteOf(device, HISTORY_START + m * MINUTE));

export const samplesOf = new Map<number, MetricSample[]>();
export const baselineOf = new Map<number, BaselineIndex>();
for (const d of [...FIREWALLS, ...EDGE_ROUTERS]) {
  samplesOf.set(d, history(d));
  baselineOf.set(d, trainBaselineIndex(samplesOf.get(d)!));
}
export const roleDevice = (d: number, overrides: Partial<RoleModelDevice> = {}): RoleModelDevice => ({
  id: d,
  role: fleet[d]!.role,
  samples: samplesOf.get(d)!,
  baseline: baselineOf.get(d),
  ...overrides,
});
export const FW = FIREWALLS[0]!;

/** Robust z of a value against the device's bucket, as the detector measures "how far it moved". */
export function robustZ(baseline: BaselineIndex, metric: MetricName, ts: Date, value: number): number {
  const usual = expectedFor(baseline, metric, ts)!;
  return (value - usual.median) / effectiveStd(metric, usual.mad / 0.6745, usual.median, 0.02);
}

/** Every multivariate metric at exactly its usual (median) value for this device at `ms`, then `changes`. */
export function usualMinute(device: number, ms: number, changes: (usual: MetricValues) => Partial<MetricValues> = () => ({})): MetricSample {
  const ts = new Date(ms);
  const usual = emptyMetricValues();
  for (const metric of MULTIVARIATE_METRICS) usual[metric] = expectedFor(baselineOf.get(device)!, metric, ts)!.median;
  return { deviceId: device, ts, values: { ...usual, ...changes(usual) } };
}

/** The minute both multivariate detectors are tested on: packets and connections ×10 and CPU to 95 % together. */
export const BURST = usualMinute(FW, TUESDAY_14, (usual) => ({
  packetsPerSec: usual.packetsPerSec! * 10,
  connectionsPerSec: usual.connectionsPerSec! * 10,
  cpuPct: 95,
}));
/** The metrics BURST moves. */
export const BURST_MOVED: readonly MetricName[] = ["packetsPerSec", "connectionsPerSec", "cpuPct"];
/** How far BURST moved a metric from its usual value, in robust σ. */
export const burstMove = (metric: MetricName) => Math.abs(robustZ(baselineOf.get(FW)!, metric, BURST.ts, BURST.values[metric]!));
/** The metric BURST moved furthest, which a detection of it is about. */
export const BURST_FURTHEST = [...BURST_MOVED].sort((a, b) => burstMove(b) - burstMove(a))[0]!;
