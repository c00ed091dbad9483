// The demo network as the flow-threat detector tests see it: a baseline trained on weeks of ordinary
// minutes, then minutes with incidents or benign events applied, run through detectors the way the
// worker does (recent window of 60 minutes, optional flow rollup, optional traffic history).
import type { Detection, RunnableDetector } from "@/lib/detect/detector";
import { trainBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { TrafficHistory } from "@/lib/detect/baseline/traffic-history";
import { applyBenignEvents, type BenignEvent } from "@/lib/simulator/benign-events";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { DEMO_SUBNET, demoDeviceAddress, demoFlows } from "@/lib/simulator/demo-traffic";
import { applyIncidents, type Incident, type IncidentKind } from "@/lib/simulator/incidents";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import { FlowRollup, type DeviceMinuteFlows } from "@/lib/telemetry/flow-rollup";
import type { MetricSample, MetricValues } from "@/lib/telemetry/metrics";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const SEED = 1;
export const fleet = demoFleet(20, SEED);
export const model = createNetworkModel({ devices: fleet, seed: SEED });
const isInternal = createSubnetMatcher([DEMO_SUBNET]);

export function deviceIndex(name: string): number {
  const i = fleet.findIndex((d) => d.name === name);
  if (i < 0) throw new Error(`no demo device ${name}`);
  return i;
}

/** Four weeks of ordinary minutes before Monday 2025-02-03 00:00 UTC (so four of each hour of the week). */
export const TRAINING_START = Date.parse("2025-01-06T00:00:00Z");
export const TRAINING_DAYS = 28;
/** The Monday after training: incidents in the tests happen from here on. */
export const LIVE_START = TRAINING_START + TRAINING_DAYS * DAY;

const baselines = new Map<number, BaselineIndex>();
export function baselineOf(device: number): BaselineIndex {
  let b = baselines.get(device);
  if (!b) {
    const samples: MetricSample[] = [];
    for (let m = 0; m < TRAINING_DAYS * 1440; m++) {
      const ts = new Date(TRAINING_START + m * MINUTE);
      samples.push({ deviceId: device, ts, values: model.valuesAt(device, ts) });
    }
    b = trainBaselineIndex(samples);
    baselines.set(device, b);
  }
  return b;
}

export function incident(kind: IncidentKind, device: number, startIso: string, minutes: number, intensity = 0.5): Incident {
  const start = new Date(startIso);
  return { id: `${kind}-${device}-${startIso}`, kind, deviceIndex: device, start, end: new Date(start.getTime() + minutes * MINUTE), intensity };
}

export interface RunOptions {
  detectors: readonly RunnableDetector[];
  device: number;
  from: number;
  minutes: number;
  incidents?: readonly Incident[];
  benign?: readonly BenignEvent[];
  /** Give each minute its demo flow rollup (as the NetFlow collector would). */
  withFlows?: boolean;
  /** Keep a traffic history (fed before each minute's detection, like the engine), pre-filled from `historyFrom`. */
  history?: { from: number };
  /** Config overrides per detector id. */
  configs?: Record<string, unknown>;
  /** Samples handed over as `recent` (default 60; 0 = none). */
  recentMinutes?: number;
  /** Changes each minute's values after incidents and benign events (a synthetic effect). */
  transform?: (values: MetricValues, ms: number) => MetricValues;
  /** Instead of the device's four-week baseline. */
  baseline?: BaselineIndex;
}

export interface Minute {
  sample: MetricSample;
  flows?: DeviceMinuteFlows;
}

export function minuteAt(
  device: number,
  ms: number,
  incidents: readonly Incident[] = [],
  benign: readonly BenignEvent[] = [],
  withFlows = false,
  transform?: RunOptions["transform"],
): Minute {
  const ts = new Date(ms);
  let values: MetricValues = model.valuesAt(device, ts);
  values = applyBenignEvents(values, device, fleet[device]!, ts, benign);
  values = applyIncidents(values, device, ts, incidents);
  if (transform) values = transform(values, ms);
  const sample: MetricSample = { deviceId: device, ts, values };
  if (!withFlows) return { sample };
  const address = demoDeviceAddress(device);
  const rollup = new FlowRollup({ isInternal });
  for (const f of demoFlows({ seed: SEED, deviceIndex: device, device: fleet[device]!, address, minute: ms, values, incidents })) {
    rollup.add({ ...f, exporter: address, samplingRate: 1, tcpFlags: f.tcpFlags ?? 0, inputIf: 1, outputIf: 2 });
  }
  const flows = rollup.flushBefore(ms + 2 * MINUTE).find((r) => r.address === address && r.minute === ms);
  return flows ? { sample, flows } : { sample };
}

/** Every detection over [from, from + minutes), in time order. */
export function runOver(options: RunOptions): Detection[] {
  const { device, from, minutes, detectors } = options;
  const incidents = options.incidents ?? [];
  const benign = options.benign ?? [];
  const baseline = options.baseline ?? baselineOf(device);
  const { transform } = options;
  const recentMinutes = options.recentMinutes ?? 60;
  const recent: MetricSample[] = [];
  for (let ms = from - recentMinutes * MINUTE; ms < from; ms += MINUTE) recent.push(minuteAt(device, ms, incidents, benign, false, transform).sample);

  let history: TrafficHistory | undefined;
  if (options.history) {
    history = new TrafficHistory();
    for (let ms = options.history.from; ms < from; ms += MINUTE) history.add(minuteAt(device, ms, incidents, benign, false, transform).sample);
  }

  const out: Detection[] = [];
  for (let ms = from; ms < from + minutes * MINUTE; ms += MINUTE) {
    const { sample, flows } = minuteAt(device, ms, incidents, benign, options.withFlows, transform);
    history?.add(sample, flows);
    const input = {
      sample,
      baseline,
      ...(recentMinutes > 0 ? { recent } : {}),
      ...(flows ? { flows } : {}),
      ...(history ? { trafficHistory: history } : {}),
    };
    for (const d of detectors) out.push(...d.run(input, options.configs?.[d.id]));
    if (recentMinutes > 0) {
      recent.push(sample);
      if (recent.length > recentMinutes) recent.shift();
    }
  }
  return out;
}

/** A `transform` that scales the listed metrics from `from` on (a hand-made signature). */
export function scaledFrom(from: number, factors: Partial<Record<keyof MetricValues, number>>) {
  return (values: MetricValues, ms: number): MetricValues => {
    if (ms < from) return values;
    const out = { ...values };
    for (const [metric, f] of Object.entries(factors) as [keyof MetricValues, number][]) {
      const v = out[metric];
      if (v !== null) out[metric] = v * f;
    }
    return out;
  };
}

export function inWindow(d: Detection, from: number, to: number): boolean {
  const t = Date.parse(d.observed.ts);
  return t >= from && t < to;
}
