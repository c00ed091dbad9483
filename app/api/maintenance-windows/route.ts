// GET /api/maintenance-windows — every window (?from=&to= limits to those that can occur in the span);
// POST /api/maintenance-windows — create one (analysts and admins; audited).
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import { maintenanceWindowInputSchema } from "@/lib/alerts/maintenance-window-input";
import { db } from "@/lib/db/client";
import { createMaintenanceWindow, listMaintenanceWindows } from "@/lib/db/maintenance-queries";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const instant = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a time zone" }).transform((s) => new Date(s));
const querySchema = z.strictObject({ from: instant.optional(), to: instant.optional() });

export const GET = withSession(
  async (req) => {
    const range = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse({ windows: await listMaintenanceWindows(db(), range) });
  },
  { permission: "alerts:read" },
);

export const POST = withSession(
  async (req, { user }) => {
    const input = await parseJsonBody(req, maintenanceWindowInputSchema);
    return jsonResponse({ window: await createMaintenanceWindow(db(), input, user.id) }, 201);
  },
  { permission: "maintenance:manage", action: "manage maintenance windows" },
);
