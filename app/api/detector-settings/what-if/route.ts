// GET /api/detector-settings/what-if?detector=&threshold=[&scope=&target=] — alerts per day over the last
// 7 days that the detector's stored alerts would give at the threshold (score ≥ threshold), and
// precision / recall / F1 at it from analysts' verdicts.
import { z } from "zod";
import { checkScopeTarget, effectiveConfigAt, findTunableDetector, tuningScopeQuery } from "@/app/_server/tunable-detectors";
import { withSession } from "@/app/_server/session";
import type { WhatIfResponse } from "@/lib/alerts/settings-views";
import { pointAt } from "@/lib/alerts/threshold-curve";
import { db } from "@/lib/db/client";
import { listDetectorSettings } from "@/lib/db/detection-settings-queries";
import { alertsPerDayAtThreshold, labelledScores } from "@/lib/db/tuning-queries";
import { validateDetectorConfig } from "@/lib/detect/detector-catalog";
import { AppError, badRequest, jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  ...tuningScopeQuery,
  threshold: z.coerce.number({ message: "must be a number" }).finite("must be a finite number"),
});

export const GET = withSession(
  async (req) => {
    const q = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    checkScopeTarget(q.scope, q.target);
    const { detector, info } = findTunableDetector(q.detector);
    const field = info.scoreField;
    if (!field) throw badRequest(`detector: ${info.id} has no threshold to try`, "detector");
    try {
      validateDetectorConfig(detector, { [field]: q.threshold });
    } catch (err) {
      const reason = err instanceof AppError ? err.message.replace(/^config\.[^:]*: /, "") : "invalid value";
      throw badRequest(`threshold: ${reason} (the ${field} of ${info.id})`, "threshold");
    }
    const prisma = db();
    const scope = { detector: info.id, scope: q.scope, target: q.target ?? null };
    const [overrides, days, labels] = await Promise.all([
      listDetectorSettings(prisma),
      alertsPerDayAtThreshold(prisma, { ...scope, threshold: q.threshold, now: new Date() }),
      labelledScores(prisma, scope),
    ]);
    const effective = await effectiveConfigAt(prisma, info, overrides, q.scope, q.target);
    const total = days.reduce((sum, d) => sum + d.alerts, 0);
    const body: WhatIfResponse = {
      detector: info.id,
      field,
      threshold: q.threshold,
      scope: q.scope,
      target: q.target ?? null,
      days,
      total,
      perDay: total / days.length,
      currentThreshold: typeof effective[field] === "number" ? effective[field] : null,
      feedback: { labelled: labels.length, positives: labels.filter((l) => l.positive).length, atThreshold: pointAt(labels, q.threshold) },
    };
    return jsonResponse(body);
  },
  { permission: "alerts:read" },
);
