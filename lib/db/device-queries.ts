import type { DbClient } from "./client";

export interface DeviceSummary {
  id: number;
  name: string;
  role: string;
  site: string;
  tags: string[];
  status: string;
}

export function listDevices(db: DbClient): Promise<DeviceSummary[]> {
  return db.device.findMany({
    orderBy: { id: "asc" },
    select: { id: true, name: true, role: true, site: true, tags: true, status: true },
  });
}
