import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineDetector, runDetectors, type Detection, type DetectorInput } from "@/lib/detect/detector";
import { emptyMetricValues } from "@/lib/telemetry/metrics";

const input: DetectorInput = {
  sample: { deviceId: 7, ts: new Date("2025-01-07T14:00:00Z"), values: emptyMetricValues() },
  baseline: new Map(),
};

function fakeDetection(detector: string): Detection {
  return {
    detector,
    anomalyType: "metric_spike",
    metric: "cpuPct",
    severity: "medium",
    score: 5,
    observed: { value: 1, ts: input.sample.ts.toISOString() },
    expected: { mean: 0, std: 1, low: 0, high: 4, median: 0, p95: 0, p99: 0, hourOfWeek: 38, sampleCount: 10 },
    explanation: "test",
    dedupKey: `7:${detector}:cpuPct:metric_spike`,
  };
}

const echo = (id: string) =>
  defineDetector({
    id,
    description: "emits one detection per `count`",
    scoreField: null,
    alertTypes: ["metric_spike"],
    configSchema: z.object({ count: z.number().int().min(0) }),
    defaultConfig: { count: 1 },
    detect: (_input, config) => Array.from({ length: config.count }, () => fakeDetection(id)),
  });

const throwing = (id: string, thrown: unknown) =>
  defineDetector({
    id,
    description: "always fails",
    scoreField: null,
    alertTypes: ["metric_spike"],
    configSchema: z.object({}),
    defaultConfig: {},
    detect: () => {
      throw thrown;
    },
  });

describe("defineDetector", () => {
  it("rejects an invalid default config when the detector is defined", () => {
    expect(() =>
      defineDetector({
        id: "bad-default",
        description: "",
        scoreField: null,
        alertTypes: ["metric_spike"],
        configSchema: z.object({ threshold: z.number().positive() }),
        defaultConfig: { threshold: -1 },
        detect: () => [],
      }),
    ).toThrow();
  });

  it.each([
    { name: "no overrides gives the defaults", overrides: undefined, expected: { count: 1 } },
    { name: "overrides win over defaults", overrides: { count: 3 }, expected: { count: 3 } },
  ])("resolveConfig: $name", ({ overrides, expected }) => {
    expect(echo("e").resolveConfig(overrides)).toEqual(expected);
  });

  it.each([
    { name: "a value the schema rejects", overrides: { count: -2 } },
    { name: "a non-object", overrides: 5 },
    { name: "an array", overrides: [1] },
  ])("resolveConfig throws for $name", ({ overrides }) => {
    expect(() => echo("e").resolveConfig(overrides)).toThrow();
  });

  it("run applies overrides", () => {
    expect(echo("e").run(input, { count: 2 })).toHaveLength(2);
  });
});

describe("runDetectors", () => {
  it("keeps going when one detector throws and reports which one failed", () => {
    const result = runDetectors([echo("first"), throwing("broken", new Error("boom")), echo("last")], input);
    expect(result.detections.map((d) => d.detector)).toEqual(["first", "last"]);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.detector).toBe("broken");
    expect(result.failures[0]?.error.message).toBe("boom");
  });

  it("wraps a thrown non-Error into an Error", () => {
    const { failures } = runDetectors([throwing("stringy", "plain string")], input);
    expect(failures[0]?.error).toBeInstanceOf(Error);
    expect(failures[0]?.error.message).toBe("plain string");
  });

  it("passes per-detector config and reports an invalid one as that detector's failure", () => {
    const result = runDetectors([echo("a"), echo("b")], input, { configs: { a: { count: 3 }, b: { count: "x" } } });
    expect(result.detections.map((d) => d.detector)).toEqual(["a", "a", "a"]);
    expect(result.failures.map((f) => f.detector)).toEqual(["b"]);
  });

  it("returns nothing for no detectors", () => {
    expect(runDetectors([], input)).toEqual({ detections: [], failures: [] });
  });
});
