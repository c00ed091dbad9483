// GET /api/alerts/filter-options — the alert types, detectors and sites the Anomalies filters offer.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { alertFilterOptions } from "@/lib/db/alert-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(async () => jsonResponse(await alertFilterOptions(db())), { permission: "alerts:read" });
