// What the tuning dashboard knows about a detector: its description, defaults, the numeric settings it
// can take (from its own config schema, with their bounds) and which setting its alert score is
// compared with. Submitted settings are validated by the detector itself (`resolveConfig`), so a bad
// threshold is refused with the detector's own rule and the field named.
import { z } from "zod";
import type { Detector, RunnableDetector } from "@/lib/detect/detector";
import { badRequest } from "@/lib/http/app-error";

export interface ConfigField {
  name: string;
  type: "number" | "integer";
  default: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
}

export interface DetectorInfo {
  id: string;
  description: string;
  defaults: Record<string, unknown>;
  /** The numeric settings, in the schema's order. */
  fields: ConfigField[];
  /** The setting an alert's score is compared with (raised when score > it), as the detector declares it. */
  scoreField: string | null;
}

export type TunableDetector = RunnableDetector &
  Pick<Detector<unknown>, "configSchema" | "defaultConfig" | "resolveConfig" | "scoreField">;

export function isTunable<D extends RunnableDetector>(detector: D): detector is D & TunableDetector {
  const d = detector as Partial<TunableDetector>;
  return (
    typeof d.resolveConfig === "function" && d.configSchema !== undefined && typeof d.defaultConfig === "object" && d.scoreField !== undefined
  );
}

interface JsonSchemaProperty {
  type?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
}

const SAFE = Number.MAX_SAFE_INTEGER;

function propertiesOf(detector: TunableDetector): Record<string, JsonSchemaProperty> {
  const schema = z.toJSONSchema(detector.configSchema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, JsonSchemaProperty>;
  };
  return schema.properties ?? {};
}

export function describeDetector(detector: TunableDetector): DetectorInfo {
  const defaults = { ...(detector.defaultConfig as Record<string, unknown>) };
  const fields: ConfigField[] = [];
  for (const [name, p] of Object.entries(propertiesOf(detector))) {
    if (p.type !== "number" && p.type !== "integer") continue;
    const value = defaults[name];
    if (typeof value !== "number") continue;
    fields.push({
      name,
      type: p.type,
      default: value,
      ...(p.minimum !== undefined && Math.abs(p.minimum) < SAFE ? { minimum: p.minimum } : {}),
      ...(p.exclusiveMinimum !== undefined ? { exclusiveMinimum: p.exclusiveMinimum } : {}),
      ...(p.maximum !== undefined && Math.abs(p.maximum) < SAFE ? { maximum: p.maximum } : {}),
      ...(p.exclusiveMaximum !== undefined ? { exclusiveMaximum: p.exclusiveMaximum } : {}),
    });
  }
  return { id: detector.id, description: detector.description, defaults, fields, scoreField: detector.scoreField };
}

/**
 * `config` checked as an override of `detector`: every key must be one of its settings, and the
 * settings over the defaults must pass the detector's schema. Returns `config` unchanged (only the
 * keys given are stored, so a narrower override keeps a broader one's other settings). Throws a 400
 * naming the field, e.g. "config.threshold".
 */
export function validateDetectorConfig(detector: TunableDetector, config: Record<string, unknown>): Record<string, unknown> {
  const known = new Set(Object.keys(propertiesOf(detector)));
  for (const key of Object.keys(config)) {
    if (!known.has(key)) {
      throw badRequest(`config.${key}: ${detector.id} has no setting "${key}" (it has ${[...known].join(", ")})`, `config.${key}`);
    }
  }
  if (Object.keys(config).length === 0) throw badRequest("config: set at least one setting", "config");
  try {
    detector.resolveConfig(config);
  } catch (err) {
    if (err instanceof z.ZodError) {
      const issue = err.issues[0];
      const path = issue?.path.filter((p) => typeof p !== "number").map(String).join(".") ?? "";
      const field = path ? `config.${path}` : "config";
      throw badRequest(`${field}: ${issue?.message ?? "invalid setting"}`, field);
    }
    throw badRequest(`config: ${err instanceof Error ? err.message : "invalid settings"}`, "config");
  }
  return config;
}
