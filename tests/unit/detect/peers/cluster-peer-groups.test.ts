import { describe, expect, it } from "vitest";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import { buildDeviceProfile } from "@/lib/detect/peers/device-profile";
import type { PeerGroupOptions } from "@/lib/detect/peers/peer-group-options";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { createNetworkModel } from "@/lib/simulator/network-model";
import type { MetricSample } from "@/lib/telemetry/metrics";
import { byName, fleet, GROUPS, groupOf, SECURE, withDevice } from "./peer-group-fixtures";

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
