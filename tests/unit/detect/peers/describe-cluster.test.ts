import { describe, expect, it } from "vitest";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import { byName, fleet } from "./peer-group-fixtures";

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
});
