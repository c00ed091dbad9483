// POST /api/mitigations/:id/approve|deny|extend|withdraw — an analyst's decision on a mitigation
// (analysts and admins; audited; the worker's controller then announces or withdraws the route).
// Bodies: approve {}, deny { reason? }, extend { minutes }, withdraw { reason? }. Approving a route that
// prefix safety refuses ends it as refused: 422 with the reason.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { badRequest, jsonResponse, parseJsonBody } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";
import { applyMitigationAction, mitigationActionSchema, mitigationSafety } from "@/lib/mitigation/mitigation-service";

export const dynamic = "force-dynamic";

export const POST = withSession<{ id: string; action: string }>(
  async (req, { user, params }) => {
    const id = parseRowId(params.id);
    const action = mitigationActionSchema.safeParse(params.action);
    if (!action.success) throw badRequest(`action: must be one of ${mitigationActionSchema.options.join(", ")}`, "action");
    // validated per action by the service (approve {}, extend { minutes }...)
    const body = await parseJsonBody(req, { parse: (v: unknown) => v });
    const e = env();
    return jsonResponse(
      await applyMitigationAction(db(), id, action.data, body, { userId: user.id, userName: user.name, now: new Date(), maxTtlMinutes: e.MITIGATION_MAX_TTL_MIN, safety: mitigationSafety(e) }),
    );
  },
  { permission: "mitigations:decide", action: "decide on mitigations" },
);
