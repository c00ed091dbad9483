// The jitter detector over the engine's path (trained baseline, the device's recent minutes): latency
// hopping up and down far beyond this hour's usual wobble is found with VoIP wording; one latency
// spike, a series that is always this noisy, a wobble too small to matter and thin polling are not.
import { describe, expect, it } from "vitest";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import type { Detection } from "@/lib/detect/detector";
import { trainBaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { latencyJitter } from "@/lib/detect/detectors/health/jitter";
import { normalNoise } from "@/lib/simulator/prng";
import { emptyMetricValues, type MetricSample } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 0, 0);
const DEVICE = { name: "voip-gw-1", address: "10.0.0.9", role: "voip-gateway", site: "hq" };

function sample(t: number, latency: number | null): MetricSample {
  const values = emptyMetricValues();
  values.latencyMs = latency;
  return { deviceId: 1, ts: new Date(t), values };
}

/** Latency around 20 ms with noise of `sigma` ms at each minute. */
const calm = (sigma: number) => (t: number) => 20 + sigma * normalNoise(7, t / MINUTE);

/** Trains on two weeks of `history`, then runs `live` minutes after them; returns every detection. */
function run(history: (t: number) => number, live: (t: number, i: number) => number | null, minutes: number): Detection[] {
  const engine = new DetectionEngine({ detectors: [latencyJitter] });
  const trainEnd = T0 + 14 * DAY;
  const training: MetricSample[] = [];
  for (let t = T0; t < trainEnd; t += MINUTE) training.push(sample(t, history(t)));
  engine.setBaselines(new Map([[1, trainBaselineIndex(training)]]));
  const found: Detection[] = [];
  for (let i = 0; i < minutes; i++) {
    const t = trainEnd + i * MINUTE;
    const { detections, failures } = engine.observe(sample(t, live(t, i)), DEVICE);
    expect(failures).toEqual([]);
    found.push(...detections);
  }
  return found;
}

describe("latency jitter", () => {
  it("finds latency hopping by tens of ms where it usually wobbles by one, with VoIP wording and evidence", () => {
    // an hour calm, then 20 minutes swinging between ~20 and ~60 ms
    const found = run(calm(1), (t, i) => (i < 60 ? calm(1)(t) : i % 2 === 0 ? 20 : 60), 80);
    expect(found.length).toBeGreaterThan(0);
    const first = found[0]!;
    expect(first.anomalyType).toBe("jitter");
    expect(first.metric).toBe("latencyMs");
    // found within the window's first minutes, not at the end
    expect(new Date(first.observed.ts).getTime()).toBeLessThanOrEqual(T0 + 14 * DAY + 70 * MINUTE);
    expect(first.observed.value).toBeCloseTo(40, 0);
    expect(first.evidence).toMatchObject({ jitterMs: 40, voipQuality: "poor" });
    expect(first.evidence!.usualJitterMs).toBeLessThan(2);
    expect(first.explanation).toMatch(/median 40 ms from one poll to the next/);
    expect(first.explanation).toMatch(/VoIP quality poor/);
    expect(first.explanation).toMatch(/RFC 3550/);
    expect(["high", "critical"]).toContain(first.severity);
  });

  it("leaves one latency spike to the spike detectors", () => {
    expect(run(calm(1), (t, i) => (i === 70 ? 400 : calm(1)(t)), 90)).toEqual([]);
  });

  it("does not flood on a series that is always this noisy", () => {
    // ±15 ms noise in training and for a whole live day
    expect(run(calm(15), calm(15), 1440)).toEqual([]);
  });

  it("does not alert when the jitter, though many times the usual, stays below minJitterMs", () => {
    // usual wobble 0.1 ms, now 3 ms swings: 30× the usual but harmless
    expect(run(calm(0.1), (t, i) => (i < 60 ? calm(0.1)(t) : i % 2 === 0 ? 20 : 23), 90)).toEqual([]);
  });

  it("does not judge thin polling (fewer successive pairs than minPairs in the window)", () => {
    // a latency value every third minute: its pairs are 3 min apart, only 3 in a 10-minute window
    expect(run(calm(1), (t, i) => (i % 3 !== 0 ? null : i < 60 ? calm(1)(t) : i % 2 === 0 ? 20 : 60), 90)).toEqual([]);
  });

  it("judges nothing before the baseline is trained", () => {
    const engine = new DetectionEngine({ detectors: [latencyJitter] });
    for (let i = 0; i < 60; i++) {
      const { detections } = engine.observe(sample(T0 + i * MINUTE, i % 2 === 0 ? 20 : 60), DEVICE);
      expect(detections).toEqual([]);
    }
  });
});
