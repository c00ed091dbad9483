// The crypto-mining detector over the worker's path: NetFlow records → the flow rollup → the engine
// (trained CPU baseline, recent minutes, flow profile with a geography) → the detector. A host pinned
// at 95% CPU at 3 a.m. (usually 15%) while talking to a Stratum port is found, with the port, its
// peer and the CPU against the usual as evidence; the CPU alone (a nightly backup), the port alone, a
// short burst and a device that always runs hot at that hour are not.
import { describe, expect, it } from "vitest";
import { DetectionEngine } from "@/lib/detect/detection-engine";
import type { Detection } from "@/lib/detect/detector";
import { trainBaselineIndex } from "@/lib/detect/baseline/hour-of-week-baseline";
import { cryptoMiningDetector, MINING_PORTS } from "@/lib/detect/detectors/flow/crypto-mining-detector";
import { normalNoise } from "@/lib/simulator/prng";
import { createSubnetMatcher } from "@/lib/telemetry/cidr";
import { FlowRollup, type DeviceMinuteFlows } from "@/lib/telemetry/flow-rollup";
import { emptyMetricValues, type MetricSample } from "@/lib/telemetry/metrics";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Monday 2026-11-02 00:00 UTC; two weeks of training, then Monday 2026-11-16. */
const T0 = Date.UTC(2026, 10, 2);
const LIVE = T0 + 14 * DAY;
const HOST = "10.0.0.5";
const POOL = "198.51.100.20";
const DEVICE = { name: "build-server-3", address: HOST, role: "server", site: "hq" };
const isInternal = createSubnetMatcher(["10.0.0.0/8"]);

function sample(t: number, cpu: number): MetricSample {
  const values = emptyMetricValues();
  values.cpuPct = cpu;
  return { deviceId: 1, ts: new Date(t), values };
}

/**
 * The host's rollup for one minute, watching the mining ports as the worker's router does: ordinary
 * HTTPS (with `busy`, also replies of 1–8 MB to eight clients' ports), plus a Stratum session to the
 * pool when `pool`.
 */
function flowsAt(t: number, pool: boolean, busy = false): DeviceMinuteFlows {
  const rollup = new FlowRollup({ isInternal, watchDstPorts: MINING_PORTS });
  const flow = (dstAddr: string, dstPort: number, bytes: number) =>
    rollup.add({ exporter: HOST, srcAddr: HOST, dstAddr, srcPort: 40_000 + dstPort, dstPort, protocol: 6, bytes, packets: 20, startMs: t + 1000, endMs: t + 50_000, tcpFlags: 0x18, inputIf: 1, outputIf: 2, samplingRate: 1 });
  flow("203.0.113.80", 443, 40_000);
  flow("203.0.113.81", 443, 25_000);
  if (busy) for (let k = 1; k <= 8; k++) flow(`203.0.113.${100 + k}`, 50_000 + k, k * 1_000_000);
  if (pool) flow(POOL, 3333, 18_000);
  return rollup.flushBefore(t + 2 * MINUTE).find((r) => r.address === HOST && r.minute === t)!;
}

/**
 * Trains two weeks of `usualCpu(t)`, then runs the live minutes from `start`: CPU `cpu(i)` and pool
 * traffic when `pool(i)`; returns every detection.
 */
function run(options: { usualCpu: number; start: number; minutes: number; cpu: (i: number) => number; pool: (i: number) => boolean; busy?: boolean; config?: Record<string, unknown> }): Detection[] {
  const engine = new DetectionEngine({
    detectors: [cryptoMiningDetector],
    configFor: () => options.config,
    flowProfile: { geo: (ip) => (ip === POOL ? { country: "NL", asn: 64_500, asOrg: "Example Hosting" } : undefined) },
  });
  const training: MetricSample[] = [];
  for (let t = T0; t < LIVE; t += 5 * MINUTE) training.push(sample(t, options.usualCpu + 3 * normalNoise(3, t / MINUTE)));
  engine.setBaselines(new Map([[1, trainBaselineIndex(training)]]));
  const found: Detection[] = [];
  for (let i = 0; i < options.minutes; i++) {
    const t = options.start + i * MINUTE;
    const { detections, failures } = engine.observe(sample(t, options.cpu(i)), DEVICE, flowsAt(t, options.pool(i), options.busy));
    expect(failures).toEqual([]);
    found.push(...detections);
  }
  return found;
}

const NIGHT = LIVE + 3 * 3_600_000;
const hot = (i: number) => 95 + normalNoise(5, i);

describe("crypto-mining", () => {
  it("finds CPU pinned at an unusual hour together with a Stratum session, naming the port, the peer and the usual CPU", () => {
    const found = run({ usualCpu: 15, start: NIGHT, minutes: 30, cpu: hot, pool: () => true });
    expect(found.length).toBeGreaterThan(0);
    const first = found[0]!;
    expect(first.anomalyType).toBe("crypto_mining");
    // judged once the window has ten CPU minutes, not before
    expect(new Date(first.observed.ts).getTime()).toBe(NIGHT + 9 * MINUTE);
    expect(first.evidence).toMatchObject({ poolPorts: [{ port: 3333, bytes: 18_000 }], topOutboundPeers: expect.arrayContaining([expect.objectContaining({ peer: POOL })]) });
    expect(first.evidence!.usualCpuPct).toBeLessThan(20);
    expect(first.evidence!.windowMedianCpuPct).toBeGreaterThan(90);
    expect(first.explanation).toMatch(/port 3333/);
    expect(first.explanation).toMatch(/usually runs at 1\d(\.\d)?%/);
    expect(first.severity).toBe("critical");
  });

  it("finds the pool's few kB on a busy host whose top destination ports are all megabytes (the rollup watches the mining ports)", () => {
    expect(flowsAt(NIGHT, true, true).topDstPorts!.map((p) => p.port)).not.toContain(3333);
    const found = run({ usualCpu: 15, start: NIGHT, minutes: 20, cpu: hot, pool: () => true, busy: true });
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.evidence).toMatchObject({ poolPorts: [{ port: 3333, bytes: 18_000 }] });
  });

  it("is not raised by the CPU alone (a nightly job) nor by the port alone", () => {
    expect(run({ usualCpu: 15, start: NIGHT, minutes: 30, cpu: hot, pool: () => false })).toEqual([]);
    expect(run({ usualCpu: 15, start: NIGHT, minutes: 30, cpu: (i) => 15 + normalNoise(5, i), pool: () => true })).toEqual([]);
  });

  it("needs the CPU sustained: a five-minute burst with pool traffic is not mining", () => {
    expect(run({ usualCpu: 15, start: NIGHT, minutes: 30, cpu: (i) => (i >= 12 && i < 17 ? 95 : 15), pool: () => true })).toEqual([]);
  });

  it("is not raised on a device that always runs this hot at this hour", () => {
    expect(run({ usualCpu: 90, start: NIGHT, minutes: 30, cpu: hot, pool: () => true })).toEqual([]);
  });

  it("also takes a configured mining-pool ASN as the pool signal when the port is not a Stratum one", () => {
    const config = { miningPorts: [], poolAsns: [64_500] };
    const found = run({ usualCpu: 15, start: NIGHT, minutes: 20, cpu: hot, pool: () => true, config });
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.evidence).toMatchObject({ poolPorts: [], poolAsns: [{ asn: 64_500, asOrg: "Example Hosting", country: "NL" }] });
    expect(found[0]!.explanation).toMatch(/AS64500 Example Hosting/);
    expect(run({ usualCpu: 15, start: NIGHT, minutes: 20, cpu: hot, pool: () => true, config: { miningPorts: [] } })).toEqual([]);
  });
});
