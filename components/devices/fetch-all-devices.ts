// Every device of the inventory, page by page (GET /api/devices is paged at 1,000 per request): the
// devices page filters them in the browser and the maintenance scopes list them all.
import type { DeviceInventoryRow } from "@/lib/dashboards/device-inventory";
import { fetchJson } from "@/components/api/fetch-json";

const PAGE = 1000;

export async function fetchAllDevices(signal?: AbortSignal): Promise<DeviceInventoryRow[]> {
  const devices: DeviceInventoryRow[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: { devices: DeviceInventoryRow[]; nextCursor: string | null } = await fetchJson(`/api/devices?${query}`, { signal });
    devices.push(...page.devices);
    cursor = page.nextCursor;
  } while (cursor);
  return devices;
}
