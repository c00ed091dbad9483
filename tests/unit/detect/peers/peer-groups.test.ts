import { describe, expect, it } from "vitest";
import { buildDeviceProfile, type DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import { clusterPeerGroups, type PeerGroupInput, type PeerGroupOptions } from "@/lib/detect/peers/peer-groups";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import { mulberry32 } from "@/lib/simulator/prng";
import type { MetricSample } from "@/lib/telemetry/metrics";

const SECURE: DeviceConfigFacts = {
  snmpVersion: "v3",
  telnetEnabled: false,
  sshEnabled: true,
  httpMgmtEnabled: false,
  firmware: "17.9.4",
};

/** Typical profiles of three device kinds, in original units. */
const GROUPS: Record<string, Record<string, number>> = {
  rtr: {
    bandwidthInBpsMean: 3e9,
    bandwidthOutBpsMean: 2.8e9,
    connectionsPerSecMean: 1500,
    cpuPctMean: 35,
    memoryPctMean: 45,
    latencyMsMean: 0.6,
  },
  web: {
    bandwidthInBpsMean: 45e6,
    bandwidthOutBpsMean: 220e6,
    connectionsPerSecMean: 600,
    cpuPctMean: 55,
    memoryPctMean: 65,
    latencyMsMean: 0.7,
  },
  sw: {
    bandwidthInBpsMean: 300e6,
    bandwidthOutBpsMean: 200e6,
    connectionsPerSecMean: 250,
    cpuPctMean: 10,
    memoryPctMean: 30,
    latencyMsMean: 0.3,
  },
};
const PERCENT = new Set(["cpuPctMean", "memoryPctMean"]);

/** `perGroup` devices of each group named "rtr-01", "web-07"…; rates ±8 %, percentages ±2 points. */
function fleet(perGroup = 12, seed = 1, groups: readonly string[] = Object.keys(GROUPS)): PeerGroupInput[] {
  const rng = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const profiles: PeerGroupInput[] = [];
  for (const group of groups) {
    for (let i = 1; i <= perGroup; i++) {
      const features: Record<string, number> = {};
      for (const [name, typical] of Object.entries(GROUPS[group]!)) {
        features[name] = PERCENT.has(name) ? typical + 2 * gaussian() : typical * (1 + 0.08 * gaussian());
      }
      profiles.push({ device: `${group}-${String(i).padStart(2, "0")}`, features, config: { ...SECURE } });
    }
  }
  return profiles;
}

function withDevice(profiles: PeerGroupInput[], device: string, change: (p: PeerGroupInput) => PeerGroupInput) {
  return profiles.map((p) => (p.device === device ? change(p) : p));
}

const byName = (result: ReturnType<typeof clusterPeerGroups>, device: string) => {
  const found = result.devices.find((d) => d.device === device);
  if (!found) throw new Error(`no ${device}`);
  return found;
};

const groupOf = (device: string) => device.split("-")[0]!;

describe("clusterPeerGroups: choosing k", () => {
  it("finds three clearly separated groups and puts each group in its own cluster", () => {
    const result = clusterPeerGroups(fleet());
    expect(result.k).toBe(3);
    expect(result.clusters.map((c) => c.size)).toEqual([12, 12, 12]);
    for (const cluster of result.clusters) {
      const groups = new Set(result.devices.filter((d) => d.cluster === cluster.id).map((d) => groupOf(d.device)));
      expect(groups.size).toBe(1);
    }
    expect(result.devices.filter((d) => d.isOutlier)).toEqual([]);
  });

  it("reports the silhouette of every k tried and picks the best", () => {
    const result = clusterPeerGroups(fleet());
    expect(result.silhouette.byK.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const best = Math.max(...result.silhouette.byK.map((s) => s.silhouette));
    expect(result.silhouette.chosen).toBe(best);
    expect(result.silhouette.byK.find((s) => s.k === 3)?.silhouette).toBe(best);
    for (const { silhouette } of result.silhouette.byK) {
      expect(silhouette).toBeGreaterThanOrEqual(-1);
      expect(silhouette).toBeLessThanOrEqual(1);
    }
  });

  it.each([
    { name: "two groups", groups: ["rtr", "sw"], k: 2 },
    { name: "three groups", groups: ["rtr", "web", "sw"], k: 3 },
  ])("k follows the data: $name", ({ groups, k }) => {
    expect(clusterPeerGroups(fleet(10, 3, groups)).k).toBe(k);
  });

  it.each([
    { name: "kRange caps the largest k", n: 36, opts: { kRange: [2, 4] as const }, ks: [2, 3, 4] },
    { name: "k never exceeds n − 1", n: 5, opts: {}, ks: [2, 3, 4] },
  ])("$name", ({ n, opts, ks }) => {
    const profiles = fleet(12).slice(0, n);
    expect(clusterPeerGroups(profiles, opts).silhouette.byK.map((s) => s.k)).toEqual(ks);
  });

  it("keeps a fleet without group structure as one cluster (no silhouette reaches minSilhouette)", () => {
    const blob = fleet(30, 5, ["web"]);
    const result = clusterPeerGroups(blob);
    expect(result.k).toBe(1);
    expect(result.silhouette.chosen).toBeNull();
    expect(result.silhouette.byK.length).toBe(9);
    expect(result.silhouette.byK.every((s) => s.silhouette < 0.25)).toBe(true);
    // minSilhouette 0 forces a split into the best-scoring k.
    expect(clusterPeerGroups(blob, { minSilhouette: 0 }).k).toBeGreaterThan(1);
  });
});

describe("clusterPeerGroups: behavioural outliers", () => {
  const planted = withDevice(fleet(), "web-05", (p) => ({
    ...p,
    features: { ...p.features, bandwidthOutBpsMean: 8 * 220e6 },
  }));
  const result = clusterPeerGroups(planted);

  it("flags the planted device, and only it", () => {
    expect(result.devices.filter((d) => d.isOutlier).map((d) => d.device)).toEqual(["web-05"]);
    const outlier = byName(result, "web-05");
    expect(outlier.distanceZ).toBeGreaterThan(result.options.outlierZ);
    // It is still a web server: it stays with its peers.
    expect(new Set(result.devices.filter((d) => d.cluster === outlier.cluster).map((d) => groupOf(d.device)))).toEqual(
      new Set(["web"]),
    );
  });

  it("names what differs, in original units, against the peers without the device", () => {
    const top = byName(result, "web-05").topDifferences[0]!;
    expect(top.feature).toBe("bandwidthOutBpsMean");
    expect(top.value).toBe(8 * 220e6);
    expect(top.peerMean).toBeGreaterThan(180e6);
    expect(top.peerMean).toBeLessThan(260e6);
    expect(top.clusterMean).toBeGreaterThan(top.peerMean!);
    expect(top.peerRange![1]).toBeLessThan(top.value);
    expect(top.standardizedDiff).toBeGreaterThan(0);
    expect(top.distanceShare).toBeGreaterThan(0.5);
  });

  it("lists differences largest first with shares that sum to at most 1", () => {
    const { topDifferences } = byName(result, "web-05");
    expect(topDifferences.length).toBe(5);
    const sizes = topDifferences.map((d) => Math.abs(d.standardizedDiff));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(topDifferences.reduce((s, d) => s + d.distanceShare, 0)).toBeLessThanOrEqual(1 + 1e-9);
  });

  it("a device well below its peers is an outlier too", () => {
    const quiet = withDevice(fleet(), "rtr-03", (p) => ({
      ...p,
      features: { ...p.features, connectionsPerSecMean: 1500 / 4, bandwidthOutBpsMean: 2.8e9 / 3 },
    }));
    const result = clusterPeerGroups(quiet);
    const device = byName(result, "rtr-03");
    expect(device.isOutlier).toBe(true);
    expect(device.comparedWith).toBe(byName(result, "rtr-01").cluster);
    expect(device.topDifferences[0]!.standardizedDiff).toBeLessThan(0);
  });

  it("a device odd enough to get a cluster of its own is still flagged, against the nearest group", () => {
    const odd = withDevice(fleet(), "rtr-03", (p) => ({
      ...p,
      features: { ...p.features, connectionsPerSecMean: 1500 / 20, bandwidthInBpsMean: 3e9 / 10 },
    }));
    const result = clusterPeerGroups(odd);
    const device = byName(result, "rtr-03");
    expect(result.clusters.find((c) => c.id === device.cluster)?.size).toBe(1);
    expect(device.comparedWith).not.toBe(device.cluster);
    expect(device.isOutlier).toBe(true);
    expect(result.devices.filter((d) => d.isOutlier).map((d) => d.device)).toEqual(["rtr-03"]);
    // smallClusterRatio 0: a cluster of one has no peers, so nothing to be unlike.
    expect(byName(clusterPeerGroups(odd, { smallClusterRatio: 0 }), "rtr-03").isOutlier).toBe(false);
  });

  it.each([
    { name: "outlierZ 3 (default) flags", outlierZ: 3, flagged: true },
    { name: "a very high outlierZ does not", outlierZ: 1000, flagged: false },
  ])("$name", ({ outlierZ, flagged }) => {
    expect(byName(clusterPeerGroups(planted, { outlierZ }), "web-05").isOutlier).toBe(flagged);
  });
});

describe("clusterPeerGroups: configuration drift", () => {
  it("flags telnet and SNMPv2c on a device whose peers have SNMPv3 and SSH only, though it behaves normally", () => {
    const profiles = withDevice(fleet(), "web-07", (p) => ({
      ...p,
      config: { ...SECURE, snmpVersion: "v2c", telnetEnabled: true },
    }));
    const result = clusterPeerGroups(profiles);
    const device = byName(result, "web-07");
    expect(device.isOutlier).toBe(false);
    expect(device.configDrift).toEqual([
      { feature: "snmpInsecure", value: 1, peerValue: 0, peerShare: 1, peers: 11, towardRisk: true },
      { feature: "telnetEnabled", value: 1, peerValue: 0, peerShare: 1, peers: 11, towardRisk: true },
    ]);
    expect(result.devices.filter((d) => d.configDrift.length > 0).map((d) => d.device)).toEqual(["web-07"]);
    const cluster = result.clusters.find((c) => c.id === device.cluster)!;
    expect(cluster.driftDevices).toBe(1);
    expect(cluster.configShare.telnetEnabled).toBeCloseTo(1 / 12, 12);
  });

  /** Cluster "web" of 12 with `setup` applied to the listed peers; returns web-01's drift. */
  function driftOf(
    device: Partial<DeviceConfigFacts>,
    peers: Partial<DeviceConfigFacts>,
    peerCount: number,
    opts: PeerGroupOptions = {},
  ) {
    let profiles = withDevice(fleet(), "web-01", (p) => ({ ...p, config: { ...SECURE, ...device } }));
    for (let i = 2; i < 2 + peerCount; i++) {
      profiles = withDevice(profiles, `web-${String(i).padStart(2, "0")}`, (p) => ({ ...p, config: { ...SECURE, ...peers } }));
    }
    return byName(clusterPeerGroups(profiles, opts), "web-01").configDrift;
  }

  it.each([
    { name: "SSH disabled where peers have it on", device: { sshEnabled: false }, peers: {}, n: 0, feature: "sshEnabled", towardRisk: true },
    { name: "HTTP management on", device: { httpMgmtEnabled: true }, peers: {}, n: 0, feature: "httpMgmtEnabled", towardRisk: true },
    { name: "firmware behind its peers", device: { firmware: "15.2.1" }, peers: {}, n: 0, feature: "firmware", towardRisk: null },
    { name: "NTP not synced where peers are", device: { ntpSynced: false }, peers: { ntpSynced: true }, n: 11, feature: "ntpSynced", towardRisk: true },
    {
      name: "better than its peers (SNMPv3 among v2c) is drift too, not toward risk",
      device: {},
      peers: { snmpVersion: "v2c" as const },
      n: 11,
      feature: "snmpInsecure",
      towardRisk: false,
    },
    { name: "9 of 11 peers agree (82 %) is enough", device: { telnetEnabled: true }, peers: { telnetEnabled: true }, n: 2, feature: "telnetEnabled", towardRisk: true },
  ])("drift: $name", ({ device, peers, n, feature, towardRisk }) => {
    const drift = driftOf(device, peers, n);
    // "9 of 11" case: web-01 plus 2 peers have telnet on, 9 peers off.
    const expectedShare = feature === "telnetEnabled" ? 9 / 11 : 1;
    expect(drift).toEqual([expect.objectContaining({ feature, towardRisk, peerShare: expectedShare })]);
  });

  it.each([
    { name: "peers split 7 / 4: no norm to drift from", device: { telnetEnabled: true }, peers: { telnetEnabled: true }, n: 4, opts: {} },
    { name: "the device's fact is unknown", device: { telnetEnabled: null }, peers: {}, n: 0, opts: {} },
    {
      name: "too few peers know the fact",
      device: { ntpSynced: false },
      peers: { ntpSynced: true },
      n: 2, // the other 9 peers leave ntpSynced unknown
      opts: {},
    },
    { name: "a stricter driftShare", device: { telnetEnabled: true }, peers: { telnetEnabled: true }, n: 2, opts: { driftShare: 0.9 } },
  ])("no drift: $name", ({ device, peers, n, opts }) => {
    expect(driftOf(device, peers, n, opts)).toEqual([]);
  });
});

describe("clusterPeerGroups: cluster profiles for the dashboard", () => {
  const result = clusterPeerGroups(fleet());
  const clusterOf = (group: string) => {
    const id = byName(result, `${group}-01`).cluster;
    return result.clusters.find((c) => c.id === id)!;
  };

  it.each([
    { group: "rtr", feature: "bandwidthInBpsMean", typical: 3e9 },
    { group: "web", feature: "bandwidthOutBpsMean", typical: 220e6 },
    { group: "sw", feature: "cpuPctMean", typical: 10 },
    { group: "web", feature: "latencyMsMean", typical: 0.7 },
  ])("$group: $feature is reported in original units (≈ $typical)", ({ group, feature, typical }) => {
    const value = clusterOf(group).centroidOriginalUnits[feature]!;
    expect(Math.abs(value - typical) / typical).toBeLessThan(0.1);
  });

  it("numbers clusters 1..k, sizes add up, each has a readable summary", () => {
    expect(result.clusters.map((c) => c.id)).toEqual([1, 2, 3]);
    expect(result.clusters.reduce((s, c) => s + c.size, 0)).toBe(36);
    expect(clusterOf("rtr").summary).toMatch(/^12 devices; high /);
    expect(clusterOf("rtr").distinguishing[0]!.standardizedDiff).toBeGreaterThan(0);
    expect(clusterOf("web").configShare).toEqual({
      snmpInsecure: 0,
      telnetEnabled: 0,
      sshEnabled: 1,
      httpMgmtEnabled: 0,
      ntpSynced: null,
    });
  });

  it("lists which features were used and why others were not", () => {
    const profiles = fleet().map((p) => ({ ...p, features: { ...p.features, syslogErrorsMean: null, packetLossPctMean: 0 } }));
    const features = clusterPeerGroups(profiles).features;
    expect(features.find((f) => f.name === "bandwidthInBpsMean")).toMatchObject({ used: true, kind: "behaviour", scale: "log1p" });
    expect(features.find((f) => f.name === "cpuPctMean")).toMatchObject({ used: true, scale: "linear" });
    expect(features.find((f) => f.name === "syslogErrorsMean")).toMatchObject({ used: false, unusedReason: "no-data" });
    expect(features.find((f) => f.name === "packetLossPctMean")).toMatchObject({ used: false, unusedReason: "constant" });
    expect(features.find((f) => f.name === "sshEnabled")).toMatchObject({ kind: "config", used: false, unusedReason: "constant" });
  });
});

describe("clusterPeerGroups: PCA for the 2-D picture", () => {
  const result = clusterPeerGroups(fleet());

  it("gives every device two finite coordinates", () => {
    for (const device of result.devices) {
      expect(device.pca).toHaveLength(2);
      expect(device.pca.every(Number.isFinite)).toBe(true);
    }
    const [first, second] = result.pcaExplainedVariance;
    expect(first).toBeGreaterThan(second);
    expect(first + second).toBeLessThanOrEqual(1 + 1e-9);
  });

  it("separates the groups on the plane: each device is nearer its own group's centre", () => {
    const centre = (group: string) => {
      const points = result.devices.filter((d) => groupOf(d.device) === group).map((d) => d.pca);
      return [0, 1].map((axis) => points.reduce((s, p) => s + p[axis]!, 0) / points.length);
    };
    const centres = Object.fromEntries(Object.keys(GROUPS).map((g) => [g, centre(g)]));
    for (const device of result.devices) {
      const distances = Object.entries(centres).map(([g, c]) => [g, Math.hypot(device.pca[0] - c[0]!, device.pca[1] - c[1]!)] as const);
      distances.sort((a, b) => a[1] - b[1]);
      expect(distances[0]![0]).toBe(groupOf(device.device));
    }
  });
});

describe("clusterPeerGroups: determinism", () => {
  it("the same input and seed give the same result", () => {
    expect(clusterPeerGroups(fleet(), { seed: 42 })).toEqual(clusterPeerGroups(fleet(), { seed: 42 }));
  });

  it("does not depend on the order devices are listed in", () => {
    const profiles = fleet();
    const shuffled = [...profiles].reverse();
    const a = clusterPeerGroups(profiles);
    const b = clusterPeerGroups(shuffled);
    expect(b.devices.map((d) => d.device)).toEqual(shuffled.map((p) => p.device)); // output keeps input order
    for (const device of a.devices) expect(byName(b, device.device)).toEqual(device);
    expect(b.clusters).toEqual(a.clusters);
  });

  it.each([1, 2, 3, 12345])("well separated groups come out the same with seed %i", (seed) => {
    const result = clusterPeerGroups(fleet(), { seed });
    expect(result.k).toBe(3);
    expect(byName(result, "rtr-01").cluster).not.toBe(byName(result, "web-01").cluster);
  });
});

describe("clusterPeerGroups: tiny and degenerate fleets", () => {
  it("an empty fleet", () => {
    expect(clusterPeerGroups([])).toMatchObject({ k: 0, clusters: [], devices: [], silhouette: { byK: [], chosen: null } });
  });

  it.each([1, 2])("%i device(s): one cluster, no outliers, no drift", (n) => {
    const profiles = withDevice(fleet(1, 1, ["rtr", "web"]), "web-01", (p) => ({ ...p, config: { ...SECURE, telnetEnabled: true } }));
    const result = clusterPeerGroups(profiles.slice(0, n));
    expect(result.k).toBe(1);
    expect(result.clusters).toHaveLength(1);
    expect(result.clusters[0]!.size).toBe(n);
    for (const device of result.devices) {
      expect(device).toMatchObject({ cluster: 1, isOutlier: false, distanceZ: 0, configDrift: [] });
      expect(device.pca.every(Number.isFinite)).toBe(true);
    }
    if (n === 1) expect(result.devices[0]!.pca).toEqual([0, 0]);
  });

  it("3 devices: clusters with k ≤ 2", () => {
    const result = clusterPeerGroups(fleet(1));
    expect(result.k).toBeGreaterThanOrEqual(1);
    expect(result.k).toBeLessThanOrEqual(2);
    expect(result.silhouette.byK.map((s) => s.k)).toEqual([2]);
  });

  it("identical devices: one cluster, nobody is an outlier", () => {
    const same = Array.from({ length: 8 }, (_, i) => ({ device: `d${i}`, features: { ...GROUPS.web! }, config: SECURE }));
    const result = clusterPeerGroups(same);
    expect(result.k).toBe(1);
    expect(result.devices.every((d) => !d.isOutlier && d.distance === 0)).toBe(true);
  });

  it("a device missing some metrics is imputed for clustering but not made an outlier by it", () => {
    const profiles = withDevice(fleet(), "sw-04", (p) => ({
      ...p,
      features: { ...p.features, latencyMsMean: null, cpuPctMean: null },
    }));
    const result = clusterPeerGroups(profiles);
    const device = byName(result, "sw-04");
    expect(device.imputedFeatures).toEqual(["cpuPctMean", "latencyMsMean"]);
    expect(device.isOutlier).toBe(false);
    expect(device.topDifferences.map((d) => d.feature)).not.toContain("cpuPctMean");
    expect(groupOf(result.devices.find((d) => d.cluster === device.cluster && d.device !== "sw-04")!.device)).toBe("sw");
  });

  it.each([
    { name: "duplicate device names", profiles: [...fleet(1), ...fleet(1)], opts: {} },
    { name: "kRange below 2", profiles: fleet(2), opts: { kRange: [1, 5] as const } },
    { name: "kRange reversed", profiles: fleet(2), opts: { kRange: [5, 3] as const } },
    { name: "a non-integer seed (ml-kmeans needs one)", profiles: fleet(2), opts: { seed: 1.5 } },
    { name: "outlierZ 0", profiles: fleet(2), opts: { outlierZ: 0 } },
    { name: "driftShare at or below a simple majority", profiles: fleet(2), opts: { driftShare: 0.5 } },
  ])("throws on $name", ({ profiles, opts }) => {
    expect(() => clusterPeerGroups(profiles, opts as PeerGroupOptions)).toThrow(RangeError);
  });
});

describe("clusterPeerGroups on the simulated demo network", () => {
  /** Profiles of the first `count` demo devices from `days` days of samples every `step` minutes. */
  function demoProfiles(count: number, days: number, step: number) {
    const devices = demoFleet(count, 1);
    const model = createNetworkModel({ devices, seed: 1 });
    const start = Date.UTC(2025, 0, 6);
    const kinds = new Map(devices.map((d) => [d.name, d.role === "server" ? `server:${d.tags[0]}` : d.role]));
    const profiles = devices.map((d, index) => {
      const samples: MetricSample[] = [];
      for (let m = 0; m < days * 1440; m += step) {
        const ts = new Date(start + m * 60_000);
        samples.push({ deviceId: index, ts, values: model.valuesAt(index, ts) });
      }
      return buildDeviceProfile({ device: d.name, samples, config: SECURE });
    });
    return { profiles, kinds };
  }

  it("groups the 20-device demo by what the devices are, with no outliers among ordinary devices", () => {
    const { profiles, kinds } = demoProfiles(20, 7, 30);
    const result = clusterPeerGroups(profiles);
    expect(result.k).toBeGreaterThanOrEqual(5);
    for (const cluster of result.clusters) {
      const members = result.devices.filter((d) => d.cluster === cluster.id).map((d) => kinds.get(d.device));
      expect(new Set(members).size).toBe(1);
    }
    expect(result.devices.filter((d) => d.isOutlier || d.configDrift.length > 0)).toEqual([]);
  });

  it("clusters 1,000 devices with k from 2 to 10 (timing logged, not asserted)", () => {
    const { profiles } = demoProfiles(1000, 1, 30);
    const started = performance.now();
    const result = clusterPeerGroups(profiles);
    const elapsed = performance.now() - started;
    console.log(`clusterPeerGroups: 1000 devices, k ${result.silhouette.byK[0]?.k}..${result.silhouette.byK.at(-1)?.k} → k = ${result.k} in ${elapsed.toFixed(0)} ms`);
    expect(result.silhouette.byK.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.devices).toHaveLength(1000);
    expect(result.devices.filter((d) => d.isOutlier).length).toBeLessThan(10);
  }, 60_000);
});
