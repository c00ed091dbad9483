// GET /api/baselines/pending — retrained baseline buckets held by the growth cap, awaiting approval.
import { z } from "zod";
import { withSession } from "@/app/_server/session";
import { listPendingBaselines } from "@/lib/db/baseline-queries";
import { db } from "@/lib/db/client";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const query = z.strictObject({ deviceId: z.coerce.number().int().positive().optional() });

export const GET = withSession(
  async (req) => {
    const filter = query.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse({ pending: await listPendingBaselines(db(), filter) });
  },
  { permission: "alerts:read", action: "see baselines" },
);
