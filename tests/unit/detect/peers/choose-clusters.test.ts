import { describe, expect, it } from "vitest";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import { fleet, groupOf } from "./peer-group-fixtures";

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
