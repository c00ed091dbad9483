import { describe, expect, it } from "vitest";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import { fleet } from "./peer-group-fixtures";

describe("clusterPeerGroups: the feature matrix", () => {
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
