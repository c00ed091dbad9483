// POST /api/baselines/pending/:id — an admin approves ({"decision":"approve"}) or rejects a held
// baseline bucket; audited. 404 when the id is not a pending bucket of its device's newest version.
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import { approvePendingBaseline, rejectPendingBaseline } from "@/lib/db/baseline-queries";
import { db } from "@/lib/db/client";
import { jsonResponse, notFound, parseJsonBody } from "@/lib/http/app-error";
import { parseRowId } from "@/lib/http/parse-row-id";

export const dynamic = "force-dynamic";

const body = z.strictObject({ decision: z.enum(["approve", "reject"]) });

export const POST = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const id = parseRowId(params.id);
    const { decision } = await parseJsonBody(req, body);
    const decide = decision === "approve" ? approvePendingBaseline : rejectPendingBaseline;
    if (!(await decide(db(), { id, actorId: user.id }))) throw notFound("pending baseline bucket");
    return jsonResponse({ id, decision });
  },
  { permission: "settings:manage", action: "approve baselines" },
);
