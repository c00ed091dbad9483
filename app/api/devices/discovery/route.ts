// GET /api/devices/discovery — auto-discovery's cap (new devices per hour) and the sources it saw but
// did not add, as each running worker reports them in its heartbeat. Admins only: the list holds
// whatever names the network sent.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { discoveryReports } from "@/lib/db/device-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(async () => jsonResponse({ workers: await discoveryReports(db(), new Date()) }), { permission: "settings:manage" });
