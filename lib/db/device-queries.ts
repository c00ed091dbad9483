import { Prisma, type DeviceStatus } from "@prisma/client";
import { activeMaintenanceWindow } from "../alerts/maintenance-window";
import type { DeviceInventoryRow, DiscoveryReport } from "../dashboards/device-inventory";
import type { DeviceConfigFacts } from "../detect/peers/device-profile";
import { currentMaintenanceWindows } from "./maintenance-queries";
import { appendEvent } from "./event-queries";
import { HEARTBEAT_STALE_MS, listHeartbeats } from "./worker-heartbeat-queries";
import { badRequest } from "../http/app-error";
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

/** Devices per page of GET /api/devices: the default and the most one request may ask for. */
export const DEVICE_PAGE_DEFAULT = 500;
export const DEVICE_PAGE_MAX = 1000;

export interface DeviceInventoryPage {
  devices: DeviceInventoryRow[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

// The cursor is the last name of the page (names are unique; the inventory is ordered by name).
const encodeDeviceCursor = (name: string) => Buffer.from(name, "utf8").toString("base64url");

export function decodeDeviceCursor(cursor: string): string {
  const name = Buffer.from(cursor, "base64url").toString("utf8");
  if (name.length === 0 || encodeDeviceCursor(name) !== cursor) throw badRequest("cursor: not a valid cursor", "cursor");
  return name;
}

/**
 * One page of the inventory (by name) with each device's newest telemetry, open alert count and
 * whether a window covers it at `now`; `cursor` from the previous page's nextCursor.
 */
export async function listDeviceInventory(
  db: DbClient,
  now: Date,
  page: { limit?: number; cursor?: string } = {},
): Promise<DeviceInventoryPage> {
  const limit = Math.min(Math.max(1, page.limit ?? DEVICE_PAGE_DEFAULT), DEVICE_PAGE_MAX);
  const after = page.cursor === undefined ? undefined : decodeDeviceCursor(page.cursor);
  const [rows, windows] = await Promise.all([
    db.device.findMany({
      where: after === undefined ? {} : { name: { gt: after } },
      orderBy: { name: "asc" },
      take: limit + 1,
      select: { ...summary, lastSeenAt: true },
    }),
    currentMaintenanceWindows(db, now),
  ]);
  const devices = rows.slice(0, limit);
  const open = await db.alert.groupBy({
    by: ["deviceId"],
    where: { status: { in: ["open", "acknowledged"] }, deviceId: { in: devices.map((d) => d.id) } },
    _count: { _all: true },
  });
  const openBy = new Map(open.map((o) => [o.deviceId, o._count._all]));
  return {
    devices: devices.map(({ lastSeenAt, ...d }) => ({
      ...d,
      lastSeenAt: lastSeenAt?.toISOString() ?? null,
      openAlerts: openBy.get(d.id) ?? 0,
      inMaintenance: activeMaintenanceWindow(windows, d, now) !== undefined,
    })),
    nextCursor: rows.length > limit ? encodeDeviceCursor(devices[devices.length - 1]!.name) : null,
  };
}

/** Each running worker's discovery report (cap, seen but not added), from its heartbeat. */
export async function discoveryReports(db: DbClient, now: Date): Promise<({ workerId: string } & DiscoveryReport)[]> {
  const beats = await listHeartbeats(db);
  return beats
    .filter((h) => now.getTime() - h.beatAt.getTime() < HEARTBEAT_STALE_MS && h.info.discovery)
    .map((h) => ({ workerId: h.id, ...h.info.discovery! }));
}
