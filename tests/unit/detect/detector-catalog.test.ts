import { describe, expect, it } from "vitest";
import { describeDetector, isTunable, validateDetectorConfig, type TunableDetector } from "@/lib/detect/detector-catalog";
import { AppError } from "@/lib/http/app-error";
import { DETECTORS } from "@/lib/detect/registry";

const tunable = DETECTORS.filter(isTunable);
const byId = (id: string): TunableDetector => tunable.find((d) => d.id === id)!;

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof AppError) return err.field;
    throw err;
  }
}

describe("describeDetector", () => {
  it("covers every detector the worker runs, each with a score field among its numeric settings", () => {
    expect(tunable.map((d) => d.id)).toEqual(DETECTORS.map((d) => d.id));
    for (const d of tunable) {
      const info = describeDetector(d);
      expect(info.scoreField, d.id).not.toBeNull();
      expect(info.fields.map((f) => f.name), d.id).toContain(info.scoreField);
      for (const f of info.fields) expect(info.defaults[f.name], `${d.id}.${f.name}`).toBe(f.default);
    }
  });

  it.each([
    { id: "hour-of-week-zscore", scoreField: "threshold" },
    { id: "robust-zscore", scoreField: "threshold" },
    { id: "iqr-fences", scoreField: "k" },
    { id: "ewma-band", scoreField: "k" },
    { id: "isolation-forest", scoreField: "threshold" },
    { id: "flow-ddos", scoreField: "minZ" },
    { id: "flow-slow-exfiltration", scoreField: "minMeanZ" },
    { id: "flow-upload-ratio", scoreField: "minRatioShift" },
  ])("$id compares its score with $scoreField", ({ id, scoreField }) => {
    expect(describeDetector(byId(id)).scoreField).toBe(scoreField);
  });

  it("carries the schema's bounds and leaves non-numeric settings out", () => {
    const ewma = describeDetector(byId("ewma-band"));
    expect(ewma.fields.find((f) => f.name === "alpha")).toMatchObject({ type: "number", exclusiveMinimum: 0, maximum: 1 });
    expect(ewma.fields.find((f) => f.name === "windowMinutes")).toMatchObject({ type: "integer", minimum: 1, maximum: 60 });
    expect(ewma.fields.find((f) => f.name === "minPoints")).not.toHaveProperty("maximum");
    expect(ewma.fields.map((f) => f.name)).not.toContain("metrics");
  });
});

describe("validateDetectorConfig", () => {
  it.each([
    { name: "negative z threshold", id: "hour-of-week-zscore", config: { threshold: -1 }, field: "config.threshold" },
    { name: "zero k", id: "iqr-fences", config: { k: 0 }, field: "config.k" },
    { name: "fractional minutes", id: "ewma-band", config: { windowMinutes: 2.5 }, field: "config.windowMinutes" },
    { name: "isolation threshold at 1", id: "isolation-forest", config: { threshold: 1 }, field: "config.threshold" },
    { name: "unknown key", id: "flow-ddos", config: { threshold: 3 }, field: "config.threshold" },
    { name: "nothing to set", id: "flow-ddos", config: {}, field: "config" },
    { name: "a valid threshold", id: "hour-of-week-zscore", config: { threshold: 7.5 }, field: undefined },
    { name: "a valid minZ", id: "flow-port-scan", config: { minZ: 4 }, field: undefined },
  ])("$name → $field", ({ id, config, field }) => {
    expect(fieldOf(() => validateDetectorConfig(byId(id), config))).toBe(field);
  });

  it("returns only the keys given (a narrow override keeps the broader ones' other settings)", () => {
    expect(validateDetectorConfig(byId("hour-of-week-zscore"), { threshold: 8 })).toEqual({ threshold: 8 });
  });
});
