import { describe, expect, it } from "vitest";
import { DetectionEngine, RECENT_MINUTES } from "@/lib/detect/detection-engine";
import type { Detection, DetectorDevice, DetectorInput, DeviceFlowSummary, RunnableDetector } from "@/lib/detect/detector";
import { buildBaselineIndex, type BaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { hourOfWeekZScore } from "@/lib/detect/detectors/hour-of-week-zscore";
import { DETECTORS } from "@/lib/detect/registry";
import { trainMultivariateModel } from "@/lib/detect/models/multivariate-model";
import { emptyMetricValues, type MetricSample, type MetricValues } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const T0 = Date.parse("2025-01-28T14:00:00Z"); // Tuesday, hour-of-week 38
const FW: DetectorDevice = { name: "fw-hq-1", address: "10.1.0.10", role: "firewall", site: "hq" };
const SW: DetectorDevice = { name: "sw-hq-1", address: "10.1.0.20", role: "access-switch", site: "hq" };
const FW_ID = 1;
const SW_ID = 2;

function minute(deviceId: number, m: number, values: Partial<MetricValues> = { cpuPct: 20 }): MetricSample {
  return { deviceId, ts: new Date(T0 + m * MINUTE), values: { ...emptyMetricValues(), ...values } };
}

/** CPU usually 20 ± 2 at Tuesday 14:00. */
const CPU_BASELINE: BaselineIndex = buildBaselineIndex([
  { metric: "cpuPct", hourOfWeek: 38, mean: 20, std: 2, median: 20, p95: 24, p99: 26, sampleCount: 60 },
]);

interface Call {
  deviceId: number;
  ts: number;
  /** Timestamps of `recent` as the detector saw it (copied at call time). */
  recent: number[];
  recentSamples: MetricSample[];
  overrides: unknown;
  input: DetectorInput;
}

/** A detector that records what it was given and reports one detection per call. */
function recorder(id = "recorder"): RunnableDetector & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    id,
    description: "records its inputs",
    calls,
    run(input, overrides) {
      const recent = [...(input.recent ?? [])];
      calls.push({ deviceId: input.sample.deviceId, ts: input.sample.ts.getTime(), recent: recent.map((s) => s.ts.getTime()), recentSamples: recent, overrides, input });
      return [detectionOf(id, input.sample)];
    },
  };
}

function detectionOf(detector: string, sample: MetricSample): Detection {
  return {
    detector,
    anomalyType: "metric_spike",
    metric: "cpuPct",
    severity: "medium",
    score: 1,
    observed: { value: sample.values.cpuPct ?? 0, ts: sample.ts.toISOString() },
    expected: { low: 0, high: 1 },
    explanation: "recorded",
    dedupKey: `${sample.deviceId}:${detector}:cpuPct:metric_spike`,
  };
}

const minutesAgo = (m: number, count: number) => Array.from({ length: count }, (_, i) => T0 + (m - count + i) * MINUTE);

describe("DetectionEngine without a trained baseline (cold start)", () => {
  it("runs the detectors from a device's first minute, with an empty baseline until one is trained", () => {
    const detector = recorder();
    const engine = new DetectionEngine({ detectors: [detector] });
    expect(engine.observe(minute(FW_ID, 0), FW).detections).toHaveLength(1);
    expect(detector.calls[0]!.input.baseline.size).toBe(0);
    expect(engine.baselineOf(FW_ID)).toBeUndefined();

    engine.setBaselines(new Map([[FW_ID, CPU_BASELINE]]));
    engine.observe(minute(FW_ID, 1), FW);
    expect(detector.calls[1]!.input.baseline).toBe(CPU_BASELINE);
    engine.observe(minute(SW_ID, 1), SW); // another device, still without one
    expect(detector.calls[2]!.input.baseline.size).toBe(0);
  });

  it("scores each reported metric with the device's online model once it has warmed up", () => {
    const engine = new DetectionEngine({ detectors: [] });
    const seen: number[] = [];
    for (let m = 0; m < 20; m++) {
      const { streams } = engine.observe(minute(FW_ID, m, { cpuPct: 20 + (m % 3), latencyMs: null }), FW);
      seen.push(streams.size);
      expect(streams.has("latencyMs")).toBe(false);
    }
    // nothing during the warm-up (12 samples), then the CPU metric every minute
    expect(seen.slice(0, 12)).toEqual(Array(12).fill(0));
    expect(seen.slice(12)).toEqual(Array(8).fill(1));
  });

  it("flags a CPU spike on a device that has no trained baseline, with the registered detectors", () => {
    const engine = new DetectionEngine({ detectors: DETECTORS });
    for (let m = 0; m < 120; m++) {
      const { detections } = engine.observe(minute(FW_ID, m, { cpuPct: 20 + (m % 5) * 0.5 }), FW);
      expect(detections).toEqual([]);
    }
    const { detections } = engine.observe(minute(FW_ID, 120, { cpuPct: 95 }), FW);
    expect(detections.map((d) => [d.detector, d.metric, d.anomalyType])).toEqual([["adaptive-baseline", "cpuPct", "metric_spike"]]);
  });

  it("learns stored history without detecting, so a restarted worker judges its first live minute", () => {
    const recorderDetector = recorder();
    const warmed = new DetectionEngine({ detectors: [recorderDetector] });
    for (let m = 0; m < 120; m++) warmed.learn(minute(FW_ID, m, { cpuPct: 20 + (m % 5) * 0.5 }));
    expect(recorderDetector.calls).toEqual([]);
    expect(warmed.observe(minute(FW_ID, 120), FW).streams.has("cpuPct")).toBe(true);

    const cold = new DetectionEngine({ detectors: DETECTORS });
    const hot = new DetectionEngine({ detectors: DETECTORS });
    for (let m = 0; m < 120; m++) hot.learn(minute(FW_ID, m, { cpuPct: 20 + (m % 5) * 0.5 }));
    const spike = minute(FW_ID, 120, { cpuPct: 95 });
    expect(cold.observe(spike, FW).detections).toEqual([]);
    expect(hot.observe(spike, FW).detections.map((d) => d.detector)).toEqual(["adaptive-baseline"]);
  });

  it("still remembers the minutes it saw before the baseline arrived", () => {
    const detector = recorder();
    const engine = new DetectionEngine({ detectors: [detector] });
    for (let m = 0; m < 5; m++) engine.observe(minute(FW_ID, m), FW);
    engine.setBaselines(new Map([[FW_ID, CPU_BASELINE]]));
    engine.observe(minute(FW_ID, 5), FW);
    expect(detector.calls[5]?.recent).toEqual(minutesAgo(5, 5));
  });
});

describe("DetectionEngine recent window", () => {
  const detector = recorder();
  const engine = new DetectionEngine({ detectors: [detector] });
  engine.setBaselines(new Map([[FW_ID, CPU_BASELINE]]));
  for (let m = 0; m < 100; m++) engine.observe(minute(FW_ID, m), FW);

  it("shows the detectors 60 previous minutes by default", () => {
    expect(RECENT_MINUTES).toBe(60);
  });

  it.each([
    { m: 0, count: 0 },
    { m: 1, count: 1 },
    { m: 30, count: 30 },
    { m: 60, count: 60 },
    { m: 61, count: 60 },
    { m: 99, count: 60 },
  ])("at minute $m: the previous $count minutes, oldest first, without the current one", ({ m, count }) => {
    const call = detector.calls[m]!;
    expect(call.ts).toBe(T0 + m * MINUTE);
    expect(call.recent).toEqual(minutesAgo(m, count));
  });

  it("honours a shorter configured window", () => {
    const short = recorder();
    const e = new DetectionEngine({ detectors: [short], recentMinutes: 5 });
    e.setBaselines(new Map([[FW_ID, CPU_BASELINE]]));
    for (let m = 0; m < 10; m++) e.observe(minute(FW_ID, m), FW);
    expect(short.calls[9]?.recent).toEqual(minutesAgo(9, 5));
  });

  it("keeps each device's window to itself", () => {
    const both = recorder();
    const e = new DetectionEngine({ detectors: [both] });
    e.setBaselines(new Map([[FW_ID, CPU_BASELINE], [SW_ID, CPU_BASELINE]]));
    for (let m = 0; m < 3; m++) {
      e.observe(minute(FW_ID, m), FW);
      e.observe(minute(SW_ID, m), SW);
    }
    const last = both.calls.at(-1)!;
    expect(last.deviceId).toBe(SW_ID);
    expect(last.recentSamples.map((s) => s.deviceId)).toEqual([SW_ID, SW_ID]);
  });
});

describe("DetectionEngine with a repeated or late minute", () => {
  it("detects on it but leaves the window (and the traffic history) as it was", () => {
    const detector = recorder();
    const engine = new DetectionEngine({ detectors: [detector] });
    engine.setBaselines(new Map([[FW_ID, CPU_BASELINE]]));
    const outBps = { cpuPct: 20, bandwidthOutBps: 8e6 };
    for (let m = 0; m < 10; m++) engine.observe(minute(FW_ID, m, outBps), FW);

    const repeated = minute(FW_ID, 9, { cpuPct: 99, bandwidthOutBps: 8e9 });
    const late = minute(FW_ID, 4, { cpuPct: 98, bandwidthOutBps: 8e9 });
    expect(engine.observe(repeated, FW).detections.map((d) => d.observed.value)).toEqual([99]);
    expect(engine.observe(late, FW).detections.map((d) => d.observed.value)).toEqual([98]);

    engine.observe(minute(FW_ID, 10, outBps), FW);
    const next = detector.calls.at(-1)!;
    expect(next.recent).toEqual(minutesAgo(10, 10));
    expect(next.recentSamples.map((s) => s.values.cpuPct)).toEqual(Array(10).fill(20));
    // The history (a live view, read after minute 10 was added) holds minutes 0..10 at 8 Mbps out:
    // neither 8 Gbps reading was counted.
    const [today] = next.input.trafficHistory?.days() ?? [];
    expect(today?.minutes).toBe(11);
    expect(today?.outBytes).toBe((11 * 8e6 * 60) / 8);
  });
});

describe("DetectionEngine per-device configuration", () => {
  it("asks configFor once per detector and device, and hands its answer to that detector", () => {
    const a = recorder("a");
    const b = recorder("b");
    const asked: [string, string][] = [];
    const engine = new DetectionEngine({
      detectors: [a, b],
      configFor: (detectorId, device) => {
        asked.push([detectorId, device.name]);
        return { tunedFor: `${detectorId}@${device.name}` };
      },
    });
    engine.setBaselines(new Map([[FW_ID, CPU_BASELINE], [SW_ID, CPU_BASELINE]]));
    engine.observe(minute(FW_ID, 0), FW);
    engine.observe(minute(SW_ID, 0), SW);
    expect(asked).toEqual([
      ["a", "fw-hq-1"],
      ["b", "fw-hq-1"],
      ["a", "sw-hq-1"],
      ["b", "sw-hq-1"],
    ]);
    expect(a.calls.map((c) => c.overrides)).toEqual([{ tunedFor: "a@fw-hq-1" }, { tunedFor: "a@sw-hq-1" }]);
    expect(b.calls.map((c) => c.overrides)).toEqual([{ tunedFor: "b@fw-hq-1" }, { tunedFor: "b@sw-hq-1" }]);
  });

  it("a threshold tuned for one device silences the same reading there only", () => {
    const engine = new DetectionEngine({
      detectors: [hourOfWeekZScore],
      // the detector is opt-in since the adaptive baseline replaced it: both devices turn it on
      configFor: (_id, device) => (device.name === FW.name ? { enabled: true, threshold: 100 } : { enabled: true }),
    });
    engine.setBaselines(new Map([[FW_ID, CPU_BASELINE], [SW_ID, CPU_BASELINE]]));
    const busy = { cpuPct: 90 }; // z = 35 against 20 ± 2
    expect(engine.observe(minute(FW_ID, 0, busy), FW).detections).toEqual([]);
    expect(engine.observe(minute(SW_ID, 0, busy), SW).detections.map((d) => [d.detector, d.metric])).toEqual([
      ["hour-of-week-zscore", "cpuPct"],
    ]);
  });

  it("uses every detector's defaults without configFor", () => {
    const detector = recorder();
    const engine = new DetectionEngine({ detectors: [detector] });
    engine.setBaselines(new Map([[FW_ID, CPU_BASELINE]]));
    engine.observe(minute(FW_ID, 0), FW);
    expect(detector.calls[0]?.overrides).toBeUndefined();
  });
});

describe("DetectionEngine inputs and failures", () => {
  it("reports a throwing detector in failures and still runs the others", () => {
    const boom: RunnableDetector = {
      id: "boom",
      description: "always throws",
      run: () => {
        throw new Error("model file missing");
      },
    };
    const after = recorder("after");
    const engine = new DetectionEngine({
      detectors: [boom, after, hourOfWeekZScore],
      configFor: (id) => (id === hourOfWeekZScore.id ? { enabled: true } : undefined),
    });
    engine.setBaselines(new Map([[FW_ID, CPU_BASELINE]]));
    const { detections, failures } = engine.observe(minute(FW_ID, 0, { cpuPct: 90 }), FW);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.detector).toBe("boom");
    expect(failures[0]?.error.message).toBe("model file missing");
    expect(detections.map((d) => d.detector)).toEqual(["after", "hour-of-week-zscore"]);
  });

  it("reports an invalid per-device config as that detector's failure", () => {
    const engine = new DetectionEngine({
      detectors: [hourOfWeekZScore, recorder()],
      configFor: (id) => (id === hourOfWeekZScore.id ? { threshold: -1 } : undefined),
    });
    engine.setBaselines(new Map([[FW_ID, CPU_BASELINE]]));
    const { detections, failures } = engine.observe(minute(FW_ID, 0, { cpuPct: 90 }), FW);
    expect(failures.map((f) => f.detector)).toEqual(["hour-of-week-zscore"]);
    expect(detections.map((d) => d.detector)).toEqual(["recorder"]);
  });

  it("hands the detectors the device, its baseline, the minute's flows and its role's model", () => {
    const detector = recorder();
    const engine = new DetectionEngine({ detectors: [detector] });
    const model = trainMultivariateModel(Array.from({ length: 64 }, (_, i) => Float64Array.from({ length: 12 }, (_, c) => (i * 7 + c) % 13)))!;
    engine.setBaselines(new Map([[FW_ID, CPU_BASELINE]]));
    engine.setModels(new Map([[FW_ID, { multivariate: model }]]));
    const flows = { bytesIn: 1, bytesOut: 2, packetsIn: 1, packetsOut: 1, flows: 1, tcpSynFlows: 0, distinctPeers: 1, distinctDstPorts: 1, protocolBytes: {}, topTalkers: [] } satisfies DeviceFlowSummary;
    engine.observe(minute(FW_ID, 0), FW, flows);
    engine.observe(minute(FW_ID, 1), FW);
    const [withFlows, without] = detector.calls.map((c) => c.input);
    expect(withFlows).toMatchObject({ device: FW, baseline: CPU_BASELINE, flows, multivariateModel: model });
    expect(without?.flows).toBeUndefined();

    engine.setModels(new Map());
    engine.observe(minute(FW_ID, 2), FW);
    expect(detector.calls.at(-1)?.input.multivariateModel).toBeUndefined();
  });
});
