// PATCH /api/suppression-rules/:id — change a rule (patterns, reason, enabled, expiresAt; null clears a
// pattern); DELETE — remove it. Admins; both audited.
import { withSession } from "@/app/_server/session";
import { suppressionRulePatchSchema } from "@/lib/alerts/suppression-rule-patch";
import { db } from "@/lib/db/client";
import { deleteSuppressionRule, updateSuppressionRule } from "@/lib/db/suppression-rule-queries";
import { jsonResponse, notFound, parseJsonBody } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

export const PATCH = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const id = parseRowId(params.id);
    const patch = await parseJsonBody(req, suppressionRulePatchSchema);
    const rule = await updateSuppressionRule(db(), id, patch, user.id);
    if (!rule) throw notFound("Suppression rule");
    return jsonResponse({ rule });
  },
  { permission: "settings:manage", action: "manage suppression rules" },
);

export const DELETE = withSession<{ id: string }>(
  async (_req, { user, params }) => {
    const id = parseRowId(params.id);
    if (!(await deleteSuppressionRule(db(), id, user.id))) throw notFound("Suppression rule");
    return jsonResponse({ id, deleted: true });
  },
  { permission: "settings:manage", action: "manage suppression rules" },
);
