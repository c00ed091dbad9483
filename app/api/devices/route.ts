// GET /api/devices — the device inventory (id, name, role, site, tags, status, management IP).
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { listDevices } from "@/lib/db/device-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(async () => jsonResponse({ devices: await listDevices(db()) }), { permission: "alerts:read" });
