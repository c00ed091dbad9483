// PATCH /api/maintenance-windows/:id — change a window (any subset of fields; the result is validated
// as a whole); DELETE — remove it. Analysts and admins; both audited.
import { withSession } from "@/app/_server/session";
import { maintenanceWindowPatchSchema } from "@/lib/alerts/maintenance-window-input";
import { db } from "@/lib/db/client";
import { deleteMaintenanceWindow, updateMaintenanceWindow } from "@/lib/db/maintenance-queries";
import { jsonResponse, notFound, parseJsonBody } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

export const PATCH = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const id = parseRowId(params.id);
    const patch = await parseJsonBody(req, maintenanceWindowPatchSchema);
    const window = await updateMaintenanceWindow(db(), id, patch, user.id);
    if (!window) throw notFound("Maintenance window");
    return jsonResponse({ window });
  },
  { permission: "maintenance:manage", action: "manage maintenance windows" },
);

export const DELETE = withSession<{ id: string }>(
  async (_req, { user, params }) => {
    const id = parseRowId(params.id);
    if (!(await deleteMaintenanceWindow(db(), id, user.id))) throw notFound("Maintenance window");
    return jsonResponse({ id, deleted: true });
  },
  { permission: "maintenance:manage", action: "manage maintenance windows" },
);
