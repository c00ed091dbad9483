// Detector settings the tuning dashboard writes: an override applies to the whole fleet, to one role
// or to one device. For a given device the more specific one wins (device over role over global),
// key by key, so a device override of one threshold keeps the role's other settings. The result is
// what `runDetectors` takes per detector id; the detector validates it against its own schema.
import { z } from "zod";

export const OVERRIDE_SCOPES = ["global", "role", "device"] as const;
export type OverrideScope = (typeof OVERRIDE_SCOPES)[number];

export interface DetectorOverride {
  /** Detector id, e.g. "hour-of-week-zscore". */
  detector: string;
  scope: OverrideScope;
  /** Role name for scope "role", device name for scope "device"; absent for "global". */
  target?: string | null;
  config: Record<string, unknown>;
}

export interface ThresholdDevice {
  name: string;
  role: string;
}

const RANK: Record<OverrideScope, number> = { global: 0, role: 1, device: 2 };

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function appliesTo(o: DetectorOverride, device: ThresholdDevice): boolean {
  switch (o.scope) {
    case "global":
      return true;
    case "role":
      return o.target != null && sameName(o.target, device.role);
    case "device":
      return o.target != null && sameName(o.target, device.name);
  }
}

/**
 * The merged config overrides of one detector for one device, or undefined when none applies (the
 * detector then runs on its defaults). Shallow merge, global → role → device; within a scope later
 * overrides win. Keys set to undefined are ignored so they cannot blank out a broader setting.
 */
export function resolveDetectorConfig(
  overrides: readonly DetectorOverride[],
  detectorId: string,
  device: ThresholdDevice,
): Record<string, unknown> | undefined {
  const applicable = overrides
    .map((o, index) => ({ o, index }))
    .filter(({ o }) => o.detector === detectorId && appliesTo(o, device))
    .sort((a, b) => RANK[a.o.scope] - RANK[b.o.scope] || a.index - b.index);
  if (applicable.length === 0) return undefined;
  const merged: Record<string, unknown> = {};
  for (const { o } of applicable) {
    for (const [key, value] of Object.entries(o.config)) if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** Every detector's resolved overrides for one device, keyed by detector id (`RunDetectorsOptions.configs`). */
export function resolveDetectorConfigs(
  overrides: readonly DetectorOverride[],
  device: ThresholdDevice,
): Record<string, Record<string, unknown>> {
  const configs: Record<string, Record<string, unknown>> = {};
  for (const id of new Set(overrides.map((o) => o.detector))) {
    const config = resolveDetectorConfig(overrides, id, device);
    if (config) configs[id] = config;
  }
  return configs;
}

const name = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");

/**
 * One override as the tuning dashboard sends it. The config's keys and values are checked by the
 * detector's own schema when it is resolved, not here.
 */
export const detectorOverrideSchema = z
  .strictObject({
    detector: name,
    scope: z.enum(OVERRIDE_SCOPES, { message: `must be one of ${OVERRIDE_SCOPES.join(", ")}` }),
    target: name.nullable().optional(),
    config: z.record(z.string(), z.unknown(), { message: "must be an object of settings" }),
  })
  .superRefine((o, ctx) => {
    if (o.scope === "global" && o.target != null) {
      ctx.addIssue({ code: "custom", path: ["target"], message: "must be left out for a global override" });
    }
    if (o.scope !== "global" && o.target == null) {
      ctx.addIssue({ code: "custom", path: ["target"], message: `is required for a ${o.scope} override (the ${o.scope} name)` });
    }
  });

export type DetectorOverrideInput = z.output<typeof detectorOverrideSchema>;
