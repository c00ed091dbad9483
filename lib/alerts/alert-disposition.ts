// Whether a detection is raised or recorded as suppressed, and why: a maintenance window covering the
// device, an analyst's suppression rule, or a surge the business calendar announced that explains
// it. Suppressed alerts are still recorded (and shown as such), never raised. Pure.
import { alertTypeOf } from "@/lib/alerts/alert-type";
import { expectedSurgeAt, withinExpectedSurge, type SurgeEntry } from "@/lib/alerts/business-calendar";
import { activeMaintenanceWindow, type WindowSpec } from "@/lib/alerts/maintenance-window";
import { matchSuppressionRule, type SuppressionRule } from "@/lib/alerts/suppression-rules";
import type { Detection } from "@/lib/detect/detector";

export type Suppression =
  | { kind: "maintenance"; windowId: number }
  | { kind: "rule"; ruleId: string | number; reason: string }
  | { kind: "calendar"; name: string; expectedIncrease: number };

export interface DispositionContext {
  windows: readonly WindowSpec[];
  rules: readonly SuppressionRule[];
  calendar: readonly SurgeEntry[];
}

export interface DispositionDevice {
  id: number;
  name: string;
  site: string;
  role: string;
}

export const EMPTY_DISPOSITION_CONTEXT: DispositionContext = { windows: [], rules: [], calendar: [] };

/** The reason to suppress `detection` on `device` at `at`, or undefined to raise it. */
export function suppressionFor(
  detection: Detection,
  device: DispositionDevice,
  at: Date,
  ctx: DispositionContext,
): Suppression | undefined {
  const window = activeMaintenanceWindow([...ctx.windows], device, at);
  if (window) return { kind: "maintenance", windowId: window.id };
  const rule = matchSuppressionRule(
    ctx.rules,
    {
      device: device.name,
      site: device.site,
      role: device.role,
      detector: detection.detector,
      type: alertTypeOf(detection),
      metric: detection.metric,
    },
    at,
  );
  if (rule) return { kind: "rule", ruleId: rule.id, reason: rule.reason };
  const surge = expectedSurgeAt(ctx.calendar, device, at);
  if (surge && withinExpectedSurge(detection, surge)) {
    return { kind: "calendar", name: surge.name, expectedIncrease: surge.expectedIncrease };
  }
  return undefined;
}
