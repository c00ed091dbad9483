// The detectors the worker runs (`DETECTORS`, lib/detect/registry.ts) as the tuning API sees them. Web-only:
// the worker re-reads stored settings every 30 s.
import { z } from "zod";
import { OVERRIDE_SCOPES, resolveDetectorConfig, type DetectorOverride, type OverrideScope } from "@/lib/alerts/alert-thresholds";
import { describeDetector, isTunable, type DetectorInfo, type TunableDetector } from "@/lib/detect/detector-catalog";
import { DETECTORS } from "@/lib/detect/registry";
import type { DbClient } from "@/lib/db/client";
import { findDeviceByName } from "@/lib/db/tuning-queries";
import { badRequest } from "@/lib/http/app-error";

const TUNABLE: readonly TunableDetector[] = DETECTORS.filter(isTunable);

export function tunableDetectors(): readonly TunableDetector[] {
  return TUNABLE;
}

/** The detector with this id, or a 400 naming `field` that lists the known ids. */
export function findTunableDetector(id: string, field = "detector"): { detector: TunableDetector; info: DetectorInfo } {
  const detector = TUNABLE.find((d) => d.id === id);
  if (!detector) throw badRequest(`${field}: unknown detector "${id}" (known: ${TUNABLE.map((d) => d.id).join(", ")})`, field);
  return { detector, info: describeDetector(detector) };
}

/** `?detector=&scope=&target=` of the tuning reads (scope defaults to global). */
export const tuningScopeQuery = {
  detector: z.string().trim().min(1, "is required").max(200),
  scope: z.enum(OVERRIDE_SCOPES, { message: `must be one of ${OVERRIDE_SCOPES.join(", ")}` }).default("global"),
  target: z.string().trim().min(1).max(200).optional(),
};

export function checkScopeTarget(scope: OverrideScope, target: string | undefined | null): void {
  if (scope !== "global" && !target) throw badRequest(`target: is required for a ${scope} scope (the ${scope} name)`, "target");
}

/**
 * Defaults overlaid by the overrides that apply at a scope: global alone, a role (global + role), or a
 * device (global + its role + the device). A device that is not in the inventory is a 400 naming target.
 */
export async function effectiveConfigAt(
  db: DbClient,
  info: DetectorInfo,
  overrides: readonly DetectorOverride[],
  scope: OverrideScope,
  target: string | null | undefined,
): Promise<Record<string, unknown>> {
  let device = { name: "", role: "" };
  if (scope === "role") device = { name: "", role: target ?? "" };
  if (scope === "device") {
    const found = target ? await findDeviceByName(db, target) : null;
    if (!found) throw badRequest(`target: no device named "${target ?? ""}"`, "target");
    device = found;
  }
  return { ...info.defaults, ...(resolveDetectorConfig(overrides, info.id, device) ?? {}) };
}
