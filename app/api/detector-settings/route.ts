// GET /api/detector-settings — every detector the worker runs with its description, defaults, numeric
// settings, effective global settings and stored overrides, plus recent audited changes;
// PUT /api/detector-settings — set a detector's settings for a scope (admins; audited; the worker
// picks it up within 30 s).
import { effectiveConfigAt, findTunableDetector, tunableDetectors } from "@/app/_server/tunable-detectors";
import { withSession } from "@/app/_server/session";
import { detectorOverrideSchema } from "@/lib/alerts/alert-thresholds";
import type { DetectorSettingsEntry, DetectorSettingsResponse } from "@/lib/alerts/settings-views";
import { listAuditEntries } from "@/lib/db/audit-queries";
import { db } from "@/lib/db/client";
import { getDetectorSettingView, listDetectorSettings, listDetectorSettingViews, saveDetectorSetting } from "@/lib/db/detection-settings-queries";
import { describeDetector, validateDetectorConfig } from "@/lib/detect/detector-catalog";
import { findDeviceByName } from "@/lib/db/tuning-queries";
import { badRequest, jsonResponse, parseJsonBody } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

export const GET = withSession(
  async () => {
    const prisma = db();
    const [overrides, views, changes] = await Promise.all([
      listDetectorSettings(prisma),
      listDetectorSettingViews(prisma),
      listAuditEntries(prisma, { entityType: "detector_setting", limit: 20 }),
    ]);
    const detectors: DetectorSettingsEntry[] = [];
    for (const detector of tunableDetectors()) {
      const info = describeDetector(detector);
      detectors.push({
        ...info,
        effective: await effectiveConfigAt(prisma, info, overrides, "global", null),
        overrides: views.filter((v) => v.detector === info.id),
      });
    }
    const body: DetectorSettingsResponse = { detectors, changes };
    return jsonResponse(body);
  },
  { permission: "alerts:read" },
);

export const PUT = withSession(
  async (req, { user }) => {
    const input = await parseJsonBody(req, detectorOverrideSchema);
    const { detector, info } = findTunableDetector(input.detector);
    const config = validateDetectorConfig(detector, input.config);
    const prisma = db();
    // A device override must name a device in the inventory (a typo would silently apply to nothing).
    if (input.scope === "device" && !(input.target && (await findDeviceByName(prisma, input.target)))) {
      throw badRequest(`target: no device named "${input.target ?? ""}"`, "target");
    }
    const saved = await saveDetectorSetting(prisma, {
      detector: info.id,
      scope: input.scope,
      ...(input.target ? { target: input.target } : {}),
      config,
      actorId: user.id,
    });
    return jsonResponse({ setting: await getDetectorSettingView(prisma, saved.id), change: saved.change });
  },
  { permission: "settings:manage", action: "change detector settings" },
);
