// GET /api/detector-settings/feedback-curve?detector=[&scope=&target=] — precision, recall and F1 of the
// detector against its threshold from analysts' verdicts on its stored alerts and from alerts labelled by
// scenario ground truth (the live demo, evaluation runs), with the F1-, precision- and recall-optimal
// thresholds.
import { z } from "zod";
import { checkScopeTarget, effectiveConfigAt, findTunableDetector, tuningScopeQuery } from "@/app/_server/tunable-detectors";
import { withSession } from "@/app/_server/session";
import type { FeedbackCurveResponse } from "@/lib/alerts/settings-views";
import { thresholdCurve } from "@/lib/alerts/threshold-curve";
import { db } from "@/lib/db/client";
import { listDetectorSettings } from "@/lib/db/detection-settings-queries";
import { labelledScores, scenarioLabelledScores } from "@/lib/db/tuning-queries";
import { jsonResponse } from "@/lib/http/app-error";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject(tuningScopeQuery);

export const GET = withSession(
  async (req) => {
    const q = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    checkScopeTarget(q.scope, q.target);
    const { info } = findTunableDetector(q.detector);
    const prisma = db();
    const scope = { detector: info.id, scope: q.scope, target: q.target ?? null };
    const [overrides, verdicts, scenarios] = await Promise.all([
      listDetectorSettings(prisma),
      labelledScores(prisma, scope),
      scenarioLabelledScores(prisma, scope),
    ]);
    const effective = await effectiveConfigAt(prisma, info, overrides, q.scope, q.target);
    const current = info.scoreField && typeof effective[info.scoreField] === "number" ? (effective[info.scoreField] as number) : null;
    const body: FeedbackCurveResponse = {
      detector: info.id,
      field: info.scoreField,
      scope: q.scope,
      target: q.target ?? null,
      currentThreshold: current,
      sources: { verdicts: verdicts.length, scenarios: scenarios.length },
      ...thresholdCurve([...verdicts, ...scenarios], { extraThresholds: current === null ? [] : [current] }),
    };
    return jsonResponse(body);
  },
  { permission: "alerts:read" },
);
