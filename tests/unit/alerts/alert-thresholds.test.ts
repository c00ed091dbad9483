import { describe, expect, it } from "vitest";
import {
  detectorOverrideSchema,
  resolveDetectorConfig,
  resolveDetectorConfigs,
  type DetectorOverride,
} from "@/lib/alerts/alert-thresholds";

const Z = "hour-of-week-zscore";
const web1 = { name: "web-1", role: "server" };
const core1 = { name: "core-1", role: "router" };

const overrides: DetectorOverride[] = [
  { detector: Z, scope: "device", target: "web-1", config: { threshold: 5 } },
  { detector: Z, scope: "global", config: { threshold: 3, minSamples: 4 } },
  { detector: Z, scope: "role", target: "server", config: { threshold: 4, metrics: ["cpuPct"] } },
  { detector: "static-threshold", scope: "role", target: "router", config: { bandwidthBps: 1e9 } },
];

describe("resolveDetectorConfig", () => {
  it.each([
    { name: "device beats role beats global, key by key", detector: Z, device: web1, config: { threshold: 5, minSamples: 4, metrics: ["cpuPct"] } },
    { name: "role beats global", detector: Z, device: { name: "web-2", role: "server" }, config: { threshold: 4, minSamples: 4, metrics: ["cpuPct"] } },
    { name: "global only", detector: Z, device: core1, config: { threshold: 3, minSamples: 4 } },
    { name: "names compare case-insensitively", detector: Z, device: { name: "WEB-1", role: "Server" }, config: { threshold: 5, minSamples: 4, metrics: ["cpuPct"] } },
    { name: "role-only detector on another role", detector: "static-threshold", device: web1, config: undefined },
    { name: "role-only detector on its role", detector: "static-threshold", device: core1, config: { bandwidthBps: 1e9 } },
    { name: "unknown detector", detector: "isolation-forest", device: web1, config: undefined },
  ])("$name", ({ detector, device, config }) => {
    expect(resolveDetectorConfig(overrides, detector, device)).toEqual(config);
  });

  it("lets a later override of the same scope win", () => {
    const list: DetectorOverride[] = [
      { detector: Z, scope: "global", config: { threshold: 3 } },
      { detector: Z, scope: "global", config: { threshold: 3.5 } },
    ];
    expect(resolveDetectorConfig(list, Z, web1)).toEqual({ threshold: 3.5 });
  });

  it("ignores keys set to undefined, so they cannot blank out a broader setting", () => {
    const list: DetectorOverride[] = [
      { detector: Z, scope: "global", config: { threshold: 3 } },
      { detector: Z, scope: "device", target: "web-1", config: { threshold: undefined, minSamples: 2 } },
    ];
    expect(resolveDetectorConfig(list, Z, web1)).toEqual({ threshold: 3, minSamples: 2 });
  });

  it("does not apply a role or device override that has no target", () => {
    const list: DetectorOverride[] = [{ detector: Z, scope: "device", config: { threshold: 9 } }];
    expect(resolveDetectorConfig(list, Z, web1)).toBeUndefined();
  });

  it("does not let the merge change the stored overrides", () => {
    const list: DetectorOverride[] = [
      { detector: Z, scope: "global", config: { threshold: 3 } },
      { detector: Z, scope: "device", target: "web-1", config: { threshold: 5 } },
    ];
    resolveDetectorConfig(list, Z, web1);
    expect(list[0]!.config).toEqual({ threshold: 3 });
  });
});

describe("resolveDetectorConfigs", () => {
  it("gives every detector with an applicable override, keyed by id, ready for runDetectors", () => {
    expect(resolveDetectorConfigs(overrides, core1)).toEqual({ [Z]: { threshold: 3, minSamples: 4 }, "static-threshold": { bandwidthBps: 1e9 } });
    expect(resolveDetectorConfigs([], core1)).toEqual({});
  });
});

describe("detectorOverrideSchema", () => {
  it.each([
    { name: "global", input: { detector: Z, scope: "global", config: { threshold: 3 } } },
    { name: "role", input: { detector: Z, scope: "role", target: "server", config: {} } },
    { name: "device, trimmed", input: { detector: ` ${Z} `, scope: "device", target: " web-1 ", config: { threshold: 5 } } },
  ])("accepts a $name override", ({ input }) => {
    const parsed = detectorOverrideSchema.parse(input);
    expect(parsed.detector).toBe(Z);
    if (parsed.target != null) expect(parsed.target).toBe(parsed.target.trim());
  });

  it.each([
    { name: "device without target", input: { detector: Z, scope: "device", config: {} }, field: "target", message: /required for a device override/ },
    { name: "role with null target", input: { detector: Z, scope: "role", target: null, config: {} }, field: "target", message: /required for a role override/ },
    { name: "global with a target", input: { detector: Z, scope: "global", target: "web-1", config: {} }, field: "target", message: /left out/ },
    { name: "unknown scope", input: { detector: Z, scope: "site", target: "AMS1", config: {} }, field: "scope", message: /global, role, device/ },
    { name: "empty detector", input: { detector: " ", scope: "global", config: {} }, field: "detector", message: /must not be empty/ },
    { name: "config an array", input: { detector: Z, scope: "global", config: [3] }, field: "config", message: /object of settings/ },
    { name: "config missing", input: { detector: Z, scope: "global" }, field: "config", message: /object of settings/ },
    { name: "unknown field", input: { detector: Z, scope: "global", config: {}, device: "web-1" }, field: "", message: /device/ },
  ])("rejects $name, naming $field", ({ input, field, message }) => {
    const result = detectorOverrideSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join(".")).toBe(field);
    expect(issue.message).toMatch(message);
  });
});
