import { describe, expect, it } from "vitest";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import { byName, fleet, groupOf, withDevice } from "./peer-group-fixtures";

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
