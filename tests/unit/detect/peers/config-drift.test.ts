import { describe, expect, it } from "vitest";
import { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import type { PeerGroupOptions } from "@/lib/detect/peers/peer-group-options";
import { byName, fleet, SECURE, withDevice } from "./peer-group-fixtures";

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
