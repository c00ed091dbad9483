// DELETE /api/detector-settings/:id — remove a stored override; the detector falls back to the broader
// settings (admins; audited; the worker picks it up within 30 s).
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { deleteDetectorSetting } from "@/lib/db/detection-settings-queries";
import { jsonResponse, notFound } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

export const DELETE = withSession<{ id: string }>(
  async (_req, { user, params }) => {
    const id = parseRowId(params.id);
    const change = await deleteDetectorSetting(db(), id, user.id);
    if (!change) throw notFound("Detector setting");
    return jsonResponse({ id, deleted: true, setting: null, change });
  },
  { permission: "settings:manage", action: "change detector settings" },
);
