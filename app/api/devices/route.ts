// GET /api/devices?limit=&cursor= — the device inventory by name (id, name, role, site, tags, status,
// management IP), with each device's newest telemetry, open alerts and whether a maintenance window
// covers it now; paged (at most DEVICE_PAGE_MAX per request, ?cursor= from nextCursor).
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { DEVICE_PAGE_DEFAULT, DEVICE_PAGE_MAX, listDeviceInventory } from "@/lib/db/device-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  limit: z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(DEVICE_PAGE_MAX, { error: `must be at most ${DEVICE_PAGE_MAX}` })
    .default(DEVICE_PAGE_DEFAULT),
  cursor: z.string().min(1).max(2048, { error: "not a valid cursor" }).optional(),
});

export const GET = withSession(
  async (req) => {
    const page = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse(await listDeviceInventory(db(), new Date(), page));
  },
  { permission: "alerts:read" },
);
