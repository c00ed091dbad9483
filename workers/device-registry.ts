// The worker's view of the inventory: looks devices up by name or address and adds the ones first
// seen on the wire as "discovered". Lookups are in memory; only a new device touches the database.
import type { PrismaClient } from "@prisma/client";
import { listDevices, setDeviceStatus, upsertDiscoveredDevice, type DeviceSummary } from "@/lib/db/device-queries";
import type { Logger } from "@/lib/log";
import type { DeviceRef } from "./collectors/telemetry-sink";

export class DeviceRegistry {
  private readonly byId = new Map<number, DeviceSummary>();
  private readonly byName = new Map<string, DeviceSummary>();
  private readonly byAddress = new Map<string, DeviceSummary>();
  private readonly creating = new Map<string, Promise<DeviceSummary>>();

  private constructor(
    private readonly prisma: PrismaClient,
    private readonly log: Logger,
  ) {}

  static async load(prisma: PrismaClient, log: Logger): Promise<DeviceRegistry> {
    const registry = new DeviceRegistry(prisma, log);
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

  /** The device for a reference, added to the inventory as discovered when unknown. */
  async resolve(ref: DeviceRef, via: string): Promise<DeviceSummary | undefined> {
    const known = this.find(ref);
    if (known) return known;
    const name = ref.name ?? ref.address;
    if (!name) return undefined;
    const key = name.toLowerCase();
    let pending = this.creating.get(key);
    if (!pending) {
      pending = upsertDiscoveredDevice(this.prisma, { name, address: ref.address ?? null, via }).then(({ device, created }) => {
        this.index(device);
        if (created) this.log.info("new device discovered", { device: device.name, address: ref.address, via });
        return device;
      });
      this.creating.set(key, pending);
      void pending.finally(() => this.creating.delete(key)).catch(() => undefined);
    }
    return pending;
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
