import { Prisma, type DeviceStatus } from "@prisma/client";
import { activeMaintenanceWindow } from "../alerts/maintenance-window";
import type { DeviceInventoryRow } from "../dashboards/device-inventory";
import type { DeviceConfigFacts } from "../detect/peers/device-profile";
import { currentMaintenanceWindows } from "./maintenance-queries";
import { appendEvent } from "./event-queries";
import type { DbClient, PrismaClient } from "./client";

export interface DeviceSummary {
  id: number;
  name: string;
  role: string;
  site: string;
  tags: string[];
  status: string;
  managementIp: string | null;
  /** Interface capacity in bps (forecast capacity ETA); null/absent when unknown. */
  capacityBps?: number | null;
}

const summary = { id: true, name: true, role: true, site: true, tags: true, status: true, managementIp: true, capacityBps: true } as const;

export function listDevices(db: DbClient): Promise<DeviceSummary[]> {
  return db.device.findMany({ orderBy: { id: "asc" }, select: summary });
}

/** A device first seen on the wire: added to the inventory as "discovered" (announced live). */
export async function upsertDiscoveredDevice(
  db: PrismaClient,
  args: { name: string; address: string | null; via: string },
): Promise<{ device: DeviceSummary; created: boolean }> {
  return db.$transaction(async (tx) => {
    const existing = await tx.device.findUnique({ where: { name: args.name }, select: summary });
    if (existing) return { device: existing, created: false };
    const device = await tx.device.create({
      data: {
        name: args.name,
        managementIp: args.address,
        role: "unknown",
        site: "unknown",
        status: "discovered",
        discoveredVia: args.via,
      },
      select: summary,
    });
    await appendEvent(tx, "device.status", { deviceId: device.id, name: device.name, status: device.status, lastSeenAt: null });
    return { device, created: true };
  });
}

/** Changes a device's status and announces it; no-op (and no event) when it is unchanged. */
export async function setDeviceStatus(db: PrismaClient, id: number, status: DeviceStatus): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const before = await tx.device.findUnique({ where: { id }, select: { status: true } });
    if (!before || before.status === status) return false;
    const d = await tx.device.update({ where: { id }, data: { status }, select: { id: true, name: true, status: true, lastSeenAt: true } });
    await appendEvent(tx, "device.status", {
      deviceId: d.id,
      name: d.name,
      status: d.status,
      lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
    });
    return true;
  });
}

/** Each device's configuration facts (peer-group drift); devices without any are left out. */
export async function deviceConfigs(db: DbClient): Promise<Map<number, DeviceConfigFacts>> {
  const rows = await db.device.findMany({ where: { config: { not: Prisma.DbNull } }, select: { id: true, config: true } });
  return new Map(rows.map((r) => [r.id, r.config as unknown as DeviceConfigFacts]));
}

/** The inventory with each device's newest telemetry, open alert count and whether a window covers it at `now`. */
export async function listDeviceInventory(db: DbClient, now: Date): Promise<DeviceInventoryRow[]> {
  const [devices, open, windows] = await Promise.all([
    db.device.findMany({ orderBy: { name: "asc" }, select: { ...summary, lastSeenAt: true } }),
    db.alert.groupBy({ by: ["deviceId"], where: { status: { in: ["open", "acknowledged"] } }, _count: { _all: true } }),
    currentMaintenanceWindows(db, now),
  ]);
  const openBy = new Map(open.map((o) => [o.deviceId, o._count._all]));
  return devices.map(({ lastSeenAt, ...d }) => ({
    ...d,
    lastSeenAt: lastSeenAt?.toISOString() ?? null,
    openAlerts: openBy.get(d.id) ?? 0,
    inMaintenance: activeMaintenanceWindow(windows, d, now) !== undefined,
  }));
}
