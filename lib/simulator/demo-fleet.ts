// The demo network: readable, unique device names grouped into sites. Device i is the same for any
// count ≥ i + 1 (the fleet is a prefix of one endless sequence), so growing the demo keeps indexes.
import type { DeviceConfigFacts } from "@/lib/detect/peers/device-profile";
import { mulberry32, noise } from "@/lib/simulator/prng";

export type DeviceRole = "core-router" | "edge-router" | "access-switch" | "firewall" | "server";

export interface DeviceSpec {
  name: string;
  role: DeviceRole;
  site: string;
  /** Dotted IPv4 in 10.0.0.0/8; only a label, nothing is ever contacted. */
  managementIp: string;
  tags: string[];
  /** Management-plane configuration, for peer-group configuration drift. */
  config?: DeviceConfigFacts;
  /** Uplink capacity in bps (forecast capacity ETA). */
  capacityBps?: number;
}

const CAPACITY_BPS: Record<DeviceRole, number> = {
  "core-router": 10e9,
  "edge-router": 2e9,
  firewall: 2e9,
  "access-switch": 1e9,
  server: 1e9,
};

/** The hardened configuration every demo device has… */
const HARDENED: DeviceConfigFacts = { snmpVersion: "v3", telnetEnabled: false, sshEnabled: true, httpMgmtEnabled: false, ntpSynced: true };
/** …except one legacy switch still managed over telnet and SNMPv2c: the demo's configuration drift. */
export const DRIFTED_DEMO_DEVICE = "sw-hq-3";
const LEGACY: DeviceConfigFacts = { snmpVersion: "v2c", telnetEnabled: true, sshEnabled: true, httpMgmtEnabled: false, ntpSynced: true };

/** Server function tags the network model understands; "backup" marks the weekly full backup. */
export const SERVER_FUNCTIONS = ["web", "database", "dns", "file"] as const;
export type ServerFunction = (typeof SERVER_FUNCTIONS)[number];

type Slot =
  | { role: Exclude<DeviceRole, "server">; count: number }
  | { role: "server"; fn: ServerFunction; count: number };

// Canonical first three sites: exactly 20 devices, the default demo.
const HQ: Slot[] = [
  { role: "core-router", count: 1 },
  { role: "edge-router", count: 1 },
  { role: "firewall", count: 1 },
  { role: "access-switch", count: 3 },
  { role: "server", fn: "dns", count: 1 },
  { role: "server", fn: "file", count: 1 },
];
const DC1: Slot[] = [
  { role: "core-router", count: 1 },
  { role: "firewall", count: 1 },
  { role: "access-switch", count: 1 },
  { role: "server", fn: "web", count: 3 },
  { role: "server", fn: "database", count: 2 },
  { role: "server", fn: "dns", count: 1 },
];
const BRANCH_EAST: Slot[] = [
  { role: "edge-router", count: 1 },
  { role: "firewall", count: 1 },
  { role: "access-switch", count: 1 },
];

const NAME_PREFIX: Record<DeviceRole, string> = {
  "core-router": "core-rtr",
  "edge-router": "edge-rtr",
  "access-switch": "sw",
  firewall: "fw",
  server: "srv",
};
const SERVER_PREFIX: Record<ServerFunction, string> = { web: "web", database: "db", dns: "dns", file: "file" };

// First host octet per role, so an address hints at what the device is.
const HOST_BASE: Record<DeviceRole, number> = {
  "core-router": 1,
  "edge-router": 5,
  firewall: 10,
  "access-switch": 20,
  server: 100,
};

const BRANCH_REGIONS = ["west", "north", "south", "central", "east"] as const;

interface SitePlan {
  name: string;
  slots: Slot[];
}

/** `count` devices, deterministic for `seed` (which varies addresses and later sites' sizes). */
export function demoFleet(count = 20, seed = 1): DeviceSpec[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`demoFleet: count must be a non-negative integer`);
  // Seed picks the second octet so fleets from different seeds do not share addresses.
  const secondOctetBase = 1 + Math.floor(noise(seed, 0x1f) * 100);
  const devices: DeviceSpec[] = [];
  for (let siteIndex = 0; devices.length < count; siteIndex++) {
    const site = sitePlan(siteIndex, seed);
    const ip = (role: DeviceRole, ordinal: number) =>
      `10.${secondOctetBase + Math.floor(siteIndex / 250)}.${siteIndex % 250}.${HOST_BASE[role] + ordinal}`;
    const ordinals = new Map<string, number>();
    for (const slot of site.slots) {
      for (let i = 0; i < slot.count && devices.length < count; i++) {
        const prefix = slot.role === "server" ? SERVER_PREFIX[slot.fn] : NAME_PREFIX[slot.role];
        const n = (ordinals.get(prefix) ?? 0) + 1;
        ordinals.set(prefix, n);
        const roleOrdinal = countRole(devices, site.name, slot.role);
        devices.push({
          name: `${prefix}-${site.name}-${n}`,
          role: slot.role,
          site: site.name,
          managementIp: ip(slot.role, roleOrdinal),
          tags: tagsFor(slot),
          config: `${prefix}-${site.name}-${n}` === DRIFTED_DEMO_DEVICE ? { ...LEGACY } : { ...HARDENED },
          capacityBps: CAPACITY_BPS[slot.role],
        });
      }
    }
  }
  return devices;
}

function sitePlan(siteIndex: number, seed: number): SitePlan {
  if (siteIndex === 0) return { name: "hq", slots: HQ };
  if (siteIndex === 1) return { name: "dc1", slots: DC1 };
  if (siteIndex === 2) return { name: "branch-east", slots: BRANCH_EAST };
  // Later sites: every fourth is a data centre, the rest branches, sized by the seed.
  const rng = mulberry32(noise(seed, 0x5173, siteIndex) * 4294967296);
  const between = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const k = siteIndex - 3;
  if (k % 4 === 0) {
    return {
      name: `dc${2 + k / 4}`,
      slots: [
        { role: "core-router", count: between(1, 2) },
        { role: "firewall", count: between(1, 2) },
        { role: "access-switch", count: between(1, 3) },
        { role: "server", fn: "web", count: between(2, 6) },
        { role: "server", fn: "database", count: between(1, 3) },
        { role: "server", fn: "file", count: between(0, 2) },
        { role: "server", fn: "dns", count: 1 },
      ],
    };
  }
  const branchNumber = k - Math.floor(k / 4) - 1;
  const region = BRANCH_REGIONS[branchNumber % BRANCH_REGIONS.length] ?? "west";
  const round = Math.floor(branchNumber / BRANCH_REGIONS.length);
  // "branch-east" is taken by site 2, so the east branches of later rounds start at 2 as well.
  const suffix = round === 0 && region !== "east" ? "" : `-${round + 2 - (region === "east" ? 0 : 1)}`;
  return {
    name: `branch-${region}${suffix}`,
    slots: [
      { role: "edge-router", count: 1 },
      { role: "firewall", count: 1 },
      { role: "access-switch", count: between(1, 4) },
      { role: "server", fn: "file", count: between(0, 1) },
    ],
  };
}

function countRole(devices: readonly DeviceSpec[], site: string, role: DeviceRole): number {
  let n = 0;
  // Only the current site's tail can match, so scan backwards and stop at the site boundary.
  for (let i = devices.length - 1; i >= 0; i--) {
    const d = devices[i];
    if (!d || d.site !== site) break;
    if (d.role === role) n++;
  }
  return n;
}

function tagsFor(slot: Slot): string[] {
  if (slot.role !== "server") return [];
  return slot.fn === "file" || slot.fn === "database" ? [slot.fn, "backup"] : [slot.fn];
}
