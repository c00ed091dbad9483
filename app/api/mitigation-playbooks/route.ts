// GET /api/mitigation-playbooks — each playbook with its settings (enabled, automatic, TTL).
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { readPlaybookSettings } from "@/lib/db/mitigation-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(async () => jsonResponse({ playbooks: await readPlaybookSettings(db()) }), { permission: "alerts:read" });
