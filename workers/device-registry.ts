// The worker's view of the inventory: looks devices up by name or address and adds the ones first
// seen on the wire as "discovered". Lookups are in memory; only a new device touches the database.
//
// The wire is not trusted to write the inventory:
// - a syslog HOSTNAME names a device only when it comes from that device's own address or from a
//   trusted relay (SYSLOG_TRUSTED_RELAYS); a name claimed from another address feeds the sender's own
//   device instead (counted as untrusted_hostname), so no sender can impersonate a device;
// - a new device's name must be a host name or an address (lib/telemetry/hostname.ts);
// - discovery adds at most `maxNewPerHour` devices in any hour (DISCOVERY_MAX_NEW_DEVICES_PER_HOUR);
//   further new sources are counted and kept, bounded, as "seen but not added" for admins.
// Devices of configured SNMP targets are the admin's own and are exempt from the cap.
import type { PrismaClient } from "@prisma/client";
import type { DiscoveryReport } from "@/lib/dashboards/device-inventory";
import { listDevices, setDeviceStatus, upsertDiscoveredDevice, type DeviceSummary } from "@/lib/db/device-queries";
import { env } from "@/lib/env";
import type { Logger } from "@/lib/log";
import { createSubnetMatcher, type SubnetMatcher } from "@/lib/telemetry/cidr";
import { isValidHostname } from "@/lib/telemetry/hostname";
import { inventoryRefusedTotal } from "./collectors/collector-metrics";
import type { DeviceRef } from "./collectors/telemetry-sink";

const HOUR = 3_600_000;
/** Distinct not-added sources remembered (the oldest sighting goes first). */
const NOT_ADDED_KEPT = 1000;
/** Rate of the untrusted-name warnings (a flood of forged names would otherwise flood the log). */
const WARN_EVERY_MS = 10_000;

export interface DeviceRegistryOptions {
  /** New devices discovery may add in any hour; 0 turns discovery off. */
  maxNewPerHour: number;
  /** Syslog relays whose HOSTNAME field is trusted for any device. */
  trustedRelays: readonly string[];
  /** Epoch ms (the cap's hour window). */
  now: () => number;
}

export function registryOptionsFromEnv(now: () => number = Date.now): DeviceRegistryOptions {
  const e = env();
  return { maxNewPerHour: e.DISCOVERY_MAX_NEW_DEVICES_PER_HOUR, trustedRelays: e.SYSLOG_TRUSTED_RELAYS, now };
}

export type { DiscoveryReport };

export class DeviceRegistry {
  private readonly byId = new Map<number, DeviceSummary>();
  private readonly byName = new Map<string, DeviceSummary>();
  private readonly byAddress = new Map<string, DeviceSummary>();
  private readonly creating = new Map<string, Promise<DeviceSummary>>();
  /** When each device discovery added in the last hour was added (at most maxNewPerHour entries). */
  private readonly added: number[] = [];
  private readonly notAdded = new Map<string, { name: string; address: string | null; via: string; firstSeen: number; lastSeen: number; sightings: number }>();
  private notAddedTotal = 0;
  private untrustedHostnames = 0;
  private lastWarnAt = -Infinity;
  private readonly isRelay: SubnetMatcher;
  private readonly capCounter = inventoryRefusedTotal.labels("discovery_cap");
  private readonly untrustedCounter = inventoryRefusedTotal.labels("untrusted_hostname");
  private readonly invalidCounter = inventoryRefusedTotal.labels("invalid_hostname");

  private constructor(
    private readonly prisma: PrismaClient,
    private readonly log: Logger,
    private readonly options: DeviceRegistryOptions,
  ) {
    this.isRelay = options.trustedRelays.length > 0 ? createSubnetMatcher(options.trustedRelays) : () => false;
  }

  static async load(prisma: PrismaClient, log: Logger, options: DeviceRegistryOptions = registryOptionsFromEnv()): Promise<DeviceRegistry> {
    const registry = new DeviceRegistry(prisma, log, options);
    for (const d of await listDevices(prisma)) registry.index(d);
    return registry;
  }

  private index(d: DeviceSummary): void {
    this.byId.set(d.id, d);
    this.byName.set(d.name.toLowerCase(), d);
    if (d.managementIp) this.byAddress.set(d.managementIp, d);
  }

  get(id: number): DeviceSummary | undefined {
    return this.byId.get(id);
  }

  all(): DeviceSummary[] {
    return [...this.byId.values()];
  }

  /** The known device for a reference, without creating one. */
  find(ref: DeviceRef): DeviceSummary | undefined {
    return (ref.name ? this.byName.get(ref.name.toLowerCase()) : undefined) ?? (ref.address ? this.byAddress.get(ref.address) : undefined);
  }

  /**
   * The reference a syslog message may use: its HOSTNAME only from a trusted relay (then without the
   * relay's address), from the named device's own address, or naming a new device at an address no
   * device has; otherwise just its source address.
   */
  private syslogRef(ref: DeviceRef & { name: string; address: string }): DeviceRef {
    if (this.isRelay(ref.address)) return { name: ref.name };
    const named = this.byName.get(ref.name.toLowerCase());
    if (named) {
      if (named.managementIp === ref.address) return ref;
      this.untrustedHostnames++;
      this.untrustedCounter.inc();
      const t = this.options.now();
      if (t - this.lastWarnAt >= WARN_EVERY_MS) {
        this.lastWarnAt = t;
        this.log.warn("syslog hostname of another device ignored: not sent from its address or a trusted relay", {
          hostname: ref.name,
          source: ref.address,
          deviceAddress: named.managementIp,
        });
      }
      return { address: ref.address };
    }
    // a known address keeps its device; the name it sends is not registered as a second one
    return this.byAddress.has(ref.address) ? { address: ref.address } : ref;
  }

  /**
   * The known device `resolve` would answer for a reference, from memory only: what the telemetry
   * router can still attribute while the database is away.
   */
  resolveKnown(ref: DeviceRef, via: string): DeviceSummary | undefined {
    if (via === "syslog" && ref.name && ref.address) ref = this.syslogRef(ref as DeviceRef & { name: string; address: string });
    return this.find(ref);
  }

  /** The device for a reference, added to the inventory as discovered when unknown (and allowed). */
  async resolve(ref: DeviceRef, via: string): Promise<DeviceSummary | undefined> {
    if (via === "syslog" && ref.name && ref.address) ref = this.syslogRef(ref as DeviceRef & { name: string; address: string });
    const known = this.find(ref);
    if (known) return known;
    let name = ref.name ?? ref.address;
    if (ref.name && !isValidHostname(ref.name)) {
      this.invalidCounter.inc();
      name = ref.address;
      if (name && this.byAddress.has(name)) return this.byAddress.get(name);
    }
    if (!name) return undefined;
    const key = name.toLowerCase();
    let pending = this.creating.get(key);
    if (!pending) {
      if (via !== "snmp" && !this.takeDiscoverySlot()) {
        this.recordNotAdded(name, ref.address ?? null, via);
        return undefined;
      }
      pending = upsertDiscoveredDevice(this.prisma, { name, address: ref.address ?? null, via }).then(({ device, created }) => {
        this.index(device);
        this.notAdded.delete(key);
        if (created) this.log.info("new device discovered", { device: device.name, address: ref.address, via });
        return device;
      });
      this.creating.set(key, pending);
      void pending.finally(() => this.creating.delete(key)).catch(() => undefined);
    }
    return pending;
  }

  /** Whether discovery may add one more device now (taking the slot when it may). */
  private takeDiscoverySlot(): boolean {
    const t = this.options.now();
    while (this.added.length > 0 && this.added[0]! <= t - HOUR) this.added.shift();
    if (this.added.length >= this.options.maxNewPerHour) return false;
    this.added.push(t);
    return true;
  }

  private recordNotAdded(name: string, address: string | null, via: string): void {
    const t = this.options.now();
    this.notAddedTotal++;
    this.capCounter.inc();
    const key = name.toLowerCase();
    const seen = this.notAdded.get(key);
    if (seen) {
      seen.lastSeen = t;
      seen.sightings++;
      // re-inserted so the map stays ordered by last sighting (the oldest is evicted first)
      this.notAdded.delete(key);
      this.notAdded.set(key, seen);
      return;
    }
    if (this.notAdded.size === 0) this.log.warn("discovery cap reached: new sources are counted, not added", { maxNewPerHour: this.options.maxNewPerHour });
    this.notAdded.set(key, { name, address, via, firstSeen: t, lastSeen: t, sightings: 1 });
    if (this.notAdded.size > NOT_ADDED_KEPT) this.notAdded.delete(this.notAdded.keys().next().value!);
  }

  /** Discovery's cap and what it refused, for the heartbeat (admins read it through the devices API). */
  discoveryReport(limit = 100): DiscoveryReport {
    const t = this.options.now();
    const notAdded = [...this.notAdded.values()]
      .slice(-limit)
      .reverse()
      .map((n) => ({ ...n, firstSeen: new Date(n.firstSeen).toISOString(), lastSeen: new Date(n.lastSeen).toISOString() }));
    return {
      maxNewPerHour: this.options.maxNewPerHour,
      addedLastHour: this.added.filter((a) => a > t - HOUR).length,
      notAddedTotal: this.notAddedTotal,
      untrustedHostnames: this.untrustedHostnames,
      notAdded,
    };
  }

  async setReachable(ref: DeviceRef, reachable: boolean): Promise<void> {
    const device = await this.resolve(ref, "snmp");
    if (!device) return;
    const status = reachable ? "active" : "unreachable";
    if (await setDeviceStatus(this.prisma, device.id, status)) {
      this.index({ ...device, status });
      this.log.info(reachable ? "device reachable again" : "device unreachable", { device: device.name });
    }
  }
}
