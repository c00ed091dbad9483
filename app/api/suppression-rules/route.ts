// GET /api/suppression-rules — every rule, in the order the worker applies them;
// POST /api/suppression-rules — create one (admins; audited).
import { withSession } from "@/app/_server/session";
import { suppressionRuleInputSchema } from "@/lib/alerts/suppression-rules";
import { db } from "@/lib/db/client";
import { createSuppressionRule, listSuppressionRuleViews } from "@/lib/db/suppression-rule-queries";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(async () => jsonResponse({ rules: await listSuppressionRuleViews(db()) }), {
  permission: "alerts:read",
});

export const POST = withSession(
  async (req, { user }) => {
    const input = await parseJsonBody(req, suppressionRuleInputSchema);
    return jsonResponse({ rule: await createSuppressionRule(db(), input, user.id) }, 201);
  },
  { permission: "settings:manage", action: "manage suppression rules" },
);
