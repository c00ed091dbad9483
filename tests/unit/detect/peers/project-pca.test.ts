import { describe, expect, it } from "vitest";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import { fleet, GROUPS, groupOf } from "./peer-group-fixtures";

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
