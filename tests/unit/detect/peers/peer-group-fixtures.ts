// Fleets for the peer-group tests: three device kinds (routers, web servers, switches) with typical profiles
// in original units and a little seeded noise, all configured securely; helpers to plant a change and find a
// device in a result.
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import type { clusterPeerGroups } from "@/lib/detect/peers/cluster-peer-groups";
import type { PeerGroupInput } from "@/lib/detect/peers/peer-group-result";
import { mulberry32 } from "@/lib/simulator/prng";

export const SECURE: DeviceConfigFacts = {
  snmpVersion: "v3",
  telnetEnabled: false,
  sshEnabled: true,
  httpMgmtEnabled: false,
  firmware: "17.9.4",
};

/** Typical profiles of three device kinds, in original units. */
export const GROUPS: Record<string, Record<string, number>> = {
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
export function fleet(perGroup = 12, seed = 1, groups: readonly string[] = Object.keys(GROUPS)): PeerGroupInput[] {
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

export function withDevice(profiles: PeerGroupInput[], device: string, change: (p: PeerGroupInput) => PeerGroupInput) {
  return profiles.map((p) => (p.device === device ? change(p) : p));
}

export const byName = (result: ReturnType<typeof clusterPeerGroups>, device: string) => {
  const found = result.devices.find((d) => d.device === device);
  if (!found) throw new Error(`no ${device}`);
  return found;
};

export const groupOf = (device: string) => device.split("-")[0]!;
