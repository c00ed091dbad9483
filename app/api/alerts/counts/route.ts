// GET /api/alerts/counts — open and acknowledged alerts by severity.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { countActiveBySeverity } from "@/lib/db/alert-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(
  async () => jsonResponse({ bySeverity: await countActiveBySeverity(db()) }),
  { permission: "alerts:read" },
);
