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

/** Load-driven metrics: a device serving an announced surge works harder, as well as carrying more. */
const LOAD_METRICS: ReadonlySet<string> = new Set(["cpuPct", "memoryPct"]);

/**
 * The reason to suppress `detection` on `device` at `at`, or undefined to raise it. `sameMinute` are
 * the other detections of the same device-minute: a CPU or memory rise is explained by an announced
 * surge only when the device's traffic in that minute rose within the surge too (it is serving it);
 * on a device whose traffic did not move, the same CPU rise is raised.
 */
export function suppressionFor(
  detection: Detection,
  device: DispositionDevice,
  at: Date,
  ctx: DispositionContext,
  sameMinute: readonly Detection[] = [],
): Suppression | undefined {
  const window = detection.ignoresMaintenance ? undefined : activeMaintenanceWindow([...ctx.windows], device, at);
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
  if (!surge) return undefined;
  const explained =
    withinExpectedSurge(detection, surge) ||
    (LOAD_METRICS.has(detection.metric) &&
      detection.anomalyType !== "metric_drop" &&
      sameMinute.some((other) => other !== detection && withinExpectedSurge(other, surge)));
  return explained ? { kind: "calendar", name: surge.name, expectedIncrease: surge.expectedIncrease } : undefined;
}
