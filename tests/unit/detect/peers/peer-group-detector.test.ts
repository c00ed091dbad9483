import { describe, expect, it } from "vitest";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import { severityFor } from "@/lib/detect/severity";
import {
  describeDifference,
  describeDrift,
  detectPeerGroupAnomalies,
  driftScore,
  PEER_GROUP_DETECTOR_ID,
} from "@/lib/detect/peers/peer-group-detector";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import type {
  ConfigDrift,
  FeatureDifference,
  PeerGroupCluster,
  PeerGroupDevice,
  PeerGroupInput,
  PeerGroupResult,
} from "@/lib/detect/peers/peer-group-result";
import { mulberry32 } from "@/lib/simulator/prng";

const AT = new Date("2025-01-13T06:00:00Z");

// ---- hand-made clustering results, to pin exact text and severities

function difference(overrides: Partial<FeatureDifference> & { feature: string; value: number }): FeatureDifference {
  return {
    clusterMean: overrides.peerMean ?? overrides.value,
    peerMean: null,
    peerRange: null,
    standardizedDiff: 2,
    distanceShare: 0.5,
    ...overrides,
  };
}

function drift(overrides: Partial<ConfigDrift> & Pick<ConfigDrift, "feature">): ConfigDrift {
  return { value: 1, peerValue: 0, peerShare: 1, peers: 11, towardRisk: true, ...overrides };
}

function device(overrides: Partial<PeerGroupDevice> = {}): PeerGroupDevice {
  return {
    device: "web-07",
    cluster: 2,
    comparedWith: 2,
    distance: 2,
    distanceZ: 0,
    isOutlier: false,
    pca: [0, 0],
    topDifferences: [],
    configDrift: [],
    imputedFeatures: [],
    ...overrides,
  };
}

function cluster(id: number, size: number): PeerGroupCluster {
  return {
    id,
    size,
    centroidOriginalUnits: {},
    configShare: { snmpInsecure: 0, telnetEnabled: 0, sshEnabled: 1, httpMgmtEnabled: 0, ntpSynced: null },
    distinguishing: [],
    silhouette: null,
    outliers: 0,
    driftDevices: 0,
    summary: `${size} devices`,
    distanceMedian: 1,
    distanceScale: 0.5,
  };
}

function result(devices: PeerGroupDevice[], sizes: Record<number, number> = { 1: 8, 2: 12 }, outlierZ = 3): PeerGroupResult {
  const empty = clusterPeerGroups([]);
  const clusters = Object.entries(sizes).map(([id, size]) => cluster(Number(id), size));
  return { ...empty, k: clusters.length, clusters, devices, options: { ...empty.options, outlierZ } };
}

const WEB_07_OUTLIER = device({
  distanceZ: 6.2,
  isOutlier: true,
  topDifferences: [
    difference({ feature: "bandwidthOutBpsMean", value: 902e6, peerMean: 220e6, peerRange: [180e6, 260e6], distanceShare: 0.6 }),
    difference({ feature: "cpuPctP95", value: 93, peerMean: 51.8, distanceShare: 0.3 }),
    difference({ feature: "memoryPctMean", value: 66, peerMean: 65, distanceShare: 0.01 }),
  ],
});

describe("detectPeerGroupAnomalies: peer outliers", () => {
  it("writes a deterministic explanation naming the peers, the differences and the threshold", () => {
    const [detection] = detectPeerGroupAnomalies(result([WEB_07_OUTLIER]), { at: AT });
    expect(detection!.explanation).toBe(
      "web-07 is unlike its 11 peers in cluster 2 (distance z = 6.2, threshold 3): " +
        "Bandwidth out (mean) 902 Mbps is 4.1× the peer mean of 220 Mbps; " +
        "CPU (p95) 93.0%, 41.2 points above the peer mean of 51.8%.",
    );
  });

  it("fills the detection from the largest difference", () => {
    const [detection] = detectPeerGroupAnomalies(result([WEB_07_OUTLIER]), { at: AT });
    expect(detection).toMatchObject({
      detector: PEER_GROUP_DETECTOR_ID,
      anomalyType: "peer_outlier",
      metric: "bandwidthOutBps",
      score: 6.2,
      severity: "critical",
      observed: { value: 902e6, ts: "2025-01-13T06:00:00.000Z" },
      expected: { low: 180e6, high: 260e6, mean: 220e6, sampleCount: 11 },
    });
    expect(detection!.contributions).toEqual([
      { feature: "bandwidthOutBpsMean", value: 902e6, expected: 220e6, share: 0.6 },
      { feature: "cpuPctP95", value: 93, expected: 51.8, share: 0.3 },
      { feature: "memoryPctMean", value: 66, expected: 65, share: 0.01 },
    ]);
    expect(detection!.evidence).toMatchObject({ cluster: 2, comparedWith: 2, peers: 11, distanceZ: 6.2, threshold: 3 });
  });

  it.each([
    { z: 3.2, outlierZ: 3 },
    { z: 4.6, outlierZ: 3 },
    { z: 6.1, outlierZ: 3 },
    { z: 5, outlierZ: 4 },
    { z: 9, outlierZ: 4 },
  ])("severity grows with how far z = $z is past outlierZ $outlierZ", ({ z, outlierZ }) => {
    const [detection] = detectPeerGroupAnomalies(result([{ ...WEB_07_OUTLIER, distanceZ: z }], undefined, outlierZ), { at: AT });
    expect(detection!.severity).toBe(severityFor(z, outlierZ));
  });

  it("severities are medium, high and critical at 1×, 1.5× and 2× past the threshold", () => {
    const severities = [3.2, 4.6, 6.1].map(
      (z) => detectPeerGroupAnomalies(result([{ ...WEB_07_OUTLIER, distanceZ: z }]), { at: AT })[0]!.severity,
    );
    expect(severities).toEqual(["medium", "high", "critical"]);
  });

  it.each([
    { feature: "cpuPctP95", metric: "cpuPct" },
    { feature: "latencyMsMean", metric: "latencyMs" },
    { feature: "outInRatio", metric: "bandwidthOutBps" },
    { feature: "businessHoursTrafficShare", metric: "bandwidthInBps" },
    { feature: "someCustomFeature", metric: "connectionsPerSec" },
  ])("metric of a detection led by $feature is $metric", ({ feature, metric }) => {
    const outlier = { ...WEB_07_OUTLIER, topDifferences: [difference({ feature, value: 2, peerMean: 1 })] };
    expect(detectPeerGroupAnomalies(result([outlier]), { at: AT })[0]!.metric).toBe(metric);
  });

  it("a device that fits no peer group is explained against the nearest group", () => {
    const lone = { ...WEB_07_OUTLIER, device: "rtr-03", cluster: 4, comparedWith: 1 };
    const [detection] = detectPeerGroupAnomalies(result([lone], { 1: 12, 2: 12, 4: 1 }), { at: AT });
    expect(detection!.explanation).toMatch(
      /^rtr-03 fits no peer group \(alone in cluster 4\) and is unlike the nearest, cluster 1 of 12 devices \(distance z = 6\.2/,
    );
    expect(detection!.expected.sampleCount).toBe(12);
  });

  it.each([
    { name: "an ordinary device", d: device({ distanceZ: 1.2 }) },
    { name: "an outlier without any reported behaviour", d: device({ distanceZ: 5, isOutlier: true, topDifferences: [] }) },
  ])("raises nothing for $name", ({ d }) => {
    expect(detectPeerGroupAnomalies(result([d]), { at: AT })).toEqual([]);
  });
});

describe("detectPeerGroupAnomalies: configuration drift", () => {
  it("explains drift in words, with the peers' share", () => {
    const drifted = device({
      configDrift: [drift({ feature: "telnetEnabled" }), drift({ feature: "snmpInsecure", peerShare: 10 / 11 })],
    });
    const [detection] = detectPeerGroupAnomalies(result([drifted]), { at: AT });
    expect(detection!.explanation).toBe(
      "web-07 differs from its 11 peers in cluster 2: telnet enabled where 100% of peers have telnet disabled; " +
        "SNMP v1/v2c in use where 90% of peers have SNMPv3 only.",
    );
    expect(detection).toMatchObject({
      anomalyType: "config_drift",
      metric: "connectionsPerSec",
      severity: "high",
      observed: { value: 2, ts: AT.toISOString() },
      expected: { low: 0, high: 0, mean: 0, sampleCount: 11 },
    });
  });

  it.each([
    { name: "telnet on", drifts: [drift({ feature: "telnetEnabled" })], severity: "high" },
    { name: "SNMP v1/v2c", drifts: [drift({ feature: "snmpInsecure" })], severity: "high" },
    { name: "SSH off", drifts: [drift({ feature: "sshEnabled", value: 0, peerValue: 1 })], severity: "medium" },
    { name: "HTTP management on", drifts: [drift({ feature: "httpMgmtEnabled" })], severity: "medium" },
    { name: "firmware", drifts: [drift({ feature: "firmware", value: "15.2", peerValue: "17.9", towardRisk: null })], severity: "medium" },
    { name: "safer than its peers", drifts: [drift({ feature: "snmpInsecure", value: 0, peerValue: 1, towardRisk: false })], severity: "low" },
    {
      name: "the worst drift sets the severity",
      drifts: [drift({ feature: "firmware", value: "15.2", peerValue: "17.9", towardRisk: null }), drift({ feature: "telnetEnabled" })],
      severity: "high",
    },
  ])("severity: $name → $severity", ({ drifts, severity }) => {
    const [detection] = detectPeerGroupAnomalies(result([device({ configDrift: drifts })]), { at: AT });
    expect(detection!.severity).toBe(severity);
  });

  it("the score adds up the surprise of each drifted fact; contributions share it", () => {
    const drifts = [drift({ feature: "telnetEnabled" }), drift({ feature: "httpMgmtEnabled", peers: 4 })];
    const [detection] = detectPeerGroupAnomalies(result([device({ configDrift: drifts })]), { at: AT });
    expect(detection!.score).toBeCloseTo(Math.log2(13) + Math.log2(6), 9);
    const shares = detection!.contributions!.map((c) => c.share);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(shares[0]).toBeGreaterThan(shares[1]!);
    expect(detection!.contributions![0]).toMatchObject({ feature: "telnetEnabled", value: 1, expected: 0 });
  });

  it("uses the configured metric", () => {
    const drifted = device({ configDrift: [drift({ feature: "telnetEnabled" })] });
    expect(detectPeerGroupAnomalies(result([drifted]), { at: AT, configDriftMetric: "syslogMessages" })[0]!.metric).toBe(
      "syslogMessages",
    );
  });

  it("an outlier with drift gives two detections, each mentioning the other finding", () => {
    const both = { ...WEB_07_OUTLIER, configDrift: [drift({ feature: "telnetEnabled" })] };
    const detections = detectPeerGroupAnomalies(result([both]), { at: AT });
    expect(detections.map((d) => d.anomalyType)).toEqual(["peer_outlier", "config_drift"]);
    expect(detections[0]!.explanation).toContain(
      "Its configuration also differs: telnet enabled where 100% of peers have telnet disabled.",
    );
    expect(detections[1]!.explanation).toContain("Its behaviour is also unusual (distance z = 6.2).");
  });
});

describe("explanation pieces", () => {
  it.each([
    {
      name: "a rate many times the peers'",
      d: difference({ feature: "connectionsPerSecMean", value: 7200, peerMean: 600 }),
      text: "Connections/s (mean) 7.2k conn/s is 12× the peer mean of 600 conn/s",
    },
    {
      name: "a rate below the peers'",
      d: difference({ feature: "bandwidthInBpsP95", value: 30e6, peerMean: 120e6 }),
      text: "Bandwidth in (p95) 30 Mbps is 75% below the peer mean of 120 Mbps",
    },
    {
      name: "a percentage, in points",
      d: difference({ feature: "memoryPctMean", value: 41.5, peerMean: 70 }),
      text: "Memory (mean) 41.5%, 28.5 points below the peer mean of 70.0%",
    },
    {
      name: "a ratio",
      d: difference({ feature: "outInRatio", value: 3.2, peerMean: 0.45 }),
      text: "Out/in traffic ratio 3.20× vs the peer mean of 0.45×",
    },
    {
      name: "a share",
      d: difference({ feature: "businessHoursTrafficShare", value: 0.95, peerMean: 0.62 }),
      text: "Business-hours traffic share 95% vs the peer mean of 62%",
    },
    {
      name: "no peer reports it",
      d: difference({ feature: "latencyMsMean", value: 4.2, peerMean: null }),
      text: "Latency (mean) 4.2 ms (no peer reports it)",
    },
    {
      name: "peers at 0",
      d: difference({ feature: "syslogErrorsMean", value: 12, peerMean: 0 }),
      text: "Syslog errors (mean) 12 msgs/min vs the peer mean of 0 msgs/min",
    },
  ])("difference: $name", ({ d, text }) => {
    expect(describeDifference(d)).toBe(text);
  });

  it.each([
    { d: drift({ feature: "sshEnabled", value: 0, peerValue: 1 }), text: "SSH disabled where 100% of peers have SSH enabled" },
    { d: drift({ feature: "ntpSynced", value: 0, peerValue: 1, peerShare: 0.875 }), text: "NTP not synced where 87% of peers have NTP synced" },
    {
      d: drift({ feature: "firmware", value: "15.2(4)", peerValue: "17.9.4", towardRisk: null, peerShare: 0.995 }),
      text: "firmware 15.2(4) where 99% of peers run 17.9.4",
    },
  ])("drift: $text", ({ d, text }) => {
    expect(describeDrift(d)).toBe(text);
  });

  it.each([
    { peers: 11, peerShare: 1, bits: Math.log2(13) },
    { peers: 10, peerShare: 0.9, bits: Math.log2(6) },
    { peers: 3, peerShare: 1, bits: Math.log2(5) },
  ])("driftScore: $peers peers, $peerShare agreeing → $bits bits", ({ peers, peerShare, bits }) => {
    expect(driftScore(drift({ feature: "telnetEnabled", peers, peerShare }))).toBeCloseTo(bits, 12);
  });
});

describe("detectPeerGroupAnomalies on a clustered fleet", () => {
  const SECURE: DeviceConfigFacts = { snmpVersion: "v3", telnetEnabled: false, sshEnabled: true, httpMgmtEnabled: false };
  const TYPICAL: Record<string, Record<string, number>> = {
    rtr: { bandwidthInBpsMean: 3e9, bandwidthOutBpsMean: 2.8e9, connectionsPerSecMean: 1500, cpuPctMean: 35 },
    web: { bandwidthInBpsMean: 45e6, bandwidthOutBpsMean: 220e6, connectionsPerSecMean: 600, cpuPctMean: 55 },
    sw: { bandwidthInBpsMean: 300e6, bandwidthOutBpsMean: 200e6, connectionsPerSecMean: 250, cpuPctMean: 10 },
  };
  const rng = mulberry32(11);
  const profiles: PeerGroupInput[] = Object.entries(TYPICAL).flatMap(([group, typical]) =>
    Array.from({ length: 12 }, (_, i) => ({
      device: `${group}-${String(i + 1).padStart(2, "0")}`,
      features: Object.fromEntries(
        Object.entries(typical).map(([f, v]) => [f, f === "cpuPctMean" ? v + 4 * (rng() - 0.5) : v * (0.92 + 0.16 * rng())]),
      ),
      config: SECURE,
    })),
  );
  const planted = profiles.map((p) => {
    if (p.device === "web-05") return { ...p, features: { ...p.features, bandwidthOutBpsMean: 8 * 220e6 } };
    if (p.device === "web-07") return { ...p, config: { ...SECURE, snmpVersion: "v2c" as const, telnetEnabled: true } };
    return p;
  });

  it("raises one outlier and one drift, for the planted devices only, and the same again on a rerun", () => {
    const detections = detectPeerGroupAnomalies(clusterPeerGroups(planted), { at: AT });
    expect(detections.map((d) => [d.anomalyType, d.dedupKey])).toEqual([["peer_outlier", undefined], ["config_drift", undefined]]);
    expect(detections[0]!.explanation).toMatch(
      /^web-05 is unlike its 11 peers in cluster \d \(distance z = [\d.]+, threshold 3\): Bandwidth out \(mean\) 1\.76 Gbps is [\d.]+× the peer mean/,
    );
    expect(detections[1]!.explanation).toMatch(
      /^web-07 differs from its 11 peers in cluster \d: SNMP v1\/v2c in use where 100% of peers have SNMPv3 only; telnet enabled where 100% of peers have telnet disabled\.$/,
    );
    expect(detectPeerGroupAnomalies(clusterPeerGroups(planted), { at: AT })).toEqual(detections);
  });

  it("a clean fleet raises nothing", () => {
    expect(detectPeerGroupAnomalies(clusterPeerGroups(profiles), { at: AT })).toEqual([]);
  });
});

describe("detectPeerGroupAnomalies: bad options", () => {
  it.each([
    { name: "an invalid date", opts: { at: new Date(Number.NaN) } },
    { name: "an unknown metric", opts: { at: AT, configDriftMetric: "bogus" } },
    { name: "explainDifferences 0", opts: { at: AT, explainDifferences: 0 } },
  ])("throws on $name", ({ opts }) => {
    expect(() => detectPeerGroupAnomalies(result([]), opts as Parameters<typeof detectPeerGroupAnomalies>[1])).toThrow(RangeError);
  });
});
