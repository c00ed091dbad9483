// PATCH /api/mitigation-playbooks/:id — { enabled?, automatic?, ttlMinutes? } (admins; audited).
// Switching a playbook to automatic lets its mitigations go out without a human when the detector
// and the AI approve.
import { withSession } from "@/app/_server/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { jsonResponse, parseJsonBody } from "@/lib/http/app-error";
import { updatePlaybookSettings } from "@/lib/mitigation/mitigation-service";

export const dynamic = "force-dynamic";

export const PATCH = withSession<{ id: string }>(
  async (req, { user, params }) => {
    const body = await parseJsonBody(req, { parse: (v: unknown) => v });
    return jsonResponse(await updatePlaybookSettings(db(), params.id, body, { userId: user.id, maxTtlMinutes: env().MITIGATION_MAX_TTL_MIN }));
  },
  { permission: "settings:manage", action: "change mitigation playbooks" },
);
