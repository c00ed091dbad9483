import { describe, expect, it } from "vitest";
import { trainBaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { UNUSUAL_PEERS_ANOMALY_TYPE, UNUSUAL_PEERS_DETECTOR_ID, unusualPeersDetector } from "@/lib/detect/detectors/flow/unusual-peers-detector";
import type { MetricSample, MetricValues } from "@/lib/telemetry/metrics";
import { DAY, deviceIndex, HOUR, LIVE_START, MINUTE, minuteAt, runOver } from "./flow-threat-fixtures";

const AT = LIVE_START + DAY + 15 * HOUR; // Tuesday 15:00
const DNS = deviceIndex("dns-dc1-1");

// The model reports no distinct-peer count (only flows do): give it one that follows the flow rate,
// as a device's usual conversations would, and learn it for two weeks.
const withPeers = (values: MetricValues): MetricValues => ({ ...values, distinctPeers: Math.round((values.flowsPerSec ?? 0) / 20) + 5 });
const training: MetricSample[] = [];
for (let ms = LIVE_START - 14 * DAY; ms < LIVE_START; ms += MINUTE) {
  const { sample } = minuteAt(DNS, ms);
  training.push({ ...sample, values: withPeers(sample.values) });
}
const baseline = trainBaselineIndex(training);

function fanOut(peers: number, flows = 1) {
  return (values: MetricValues, ms: number): MetricValues => {
    const v = withPeers(values);
    return ms >= AT ? { ...v, distinctPeers: v.distinctPeers! * peers, flowsPerSec: v.flowsPerSec! * flows } : v;
  };
}

describe("unusualPeersDetector", () => {
  it("flags ten times the usual peers without more flows, after three minutes", () => {
    const found = runOver({ detectors: [unusualPeersDetector], device: DNS, baseline, from: AT - 5 * MINUTE, minutes: 10, transform: fanOut(10) });
    expect(found).toHaveLength(3);
    expect(found[0]).toMatchObject({
      detector: UNUSUAL_PEERS_DETECTOR_ID,
      anomalyType: UNUSUAL_PEERS_ANOMALY_TYPE,
      metric: "distinctPeers",
      observed: { ts: new Date(AT + 2 * MINUTE).toISOString() },
    });
    expect(found[0]!.explanation).toMatch(/^Distinct peers .* is ×[\d.]+ the usual .* while flows\/s is ×[\d.]+ .* many hosts it does not usually talk to\.$/);
  });

  it.each([
    { name: "more peers with as many more flows (a flood or a busy day)", transform: fanOut(10, 10) },
    { name: "twice the usual peers (under the bar)", transform: fanOut(2) },
    { name: "an ordinary hour", transform: fanOut(1) },
  ])("stays quiet on $name", ({ transform }) => {
    expect(runOver({ detectors: [unusualPeersDetector], device: DNS, baseline, from: AT - 5 * MINUTE, minutes: 10, transform })).toEqual([]);
  });

  it("is silent on metrics without a peer count (no flows)", () => {
    expect(runOver({ detectors: [unusualPeersDetector], device: DNS, from: AT, minutes: 10 })).toEqual([]);
  });
});
