// GET /api/devices — the device inventory (id, name, role, site, tags, status, management IP), with
// each device's newest telemetry, open alerts and whether a maintenance window covers it now.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { listDeviceInventory } from "@/lib/db/device-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(async () => jsonResponse({ devices: await listDeviceInventory(db(), new Date()) }), { permission: "alerts:read" });
