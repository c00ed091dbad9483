import { describe, expect, it } from "vitest";
import {
  globMatches,
  matchSuppressionRule,
  suppressionRuleInputSchema,
  type SuppressionAlertContext,
  type SuppressionRule,
} from "@/lib/alerts/suppression-rules";

const AT = new Date("2026-11-17T14:05:00Z");

const alert: SuppressionAlertContext = {
  device: "scanner-01",
  site: "AMS1",
  role: "server",
  detector: "flow-port-scan",
  type: "port_scan",
  metric: "distinctDstPorts",
};

function rule(over: Partial<SuppressionRule>): SuppressionRule {
  return { id: 1, reason: "vulnerability scanner", enabled: true, ...over };
}

describe("globMatches", () => {
  it.each([
    { pattern: "scanner-*", value: "scanner-01", match: true },
    { pattern: "SCANNER-*", value: "scanner-01", match: true },
    { pattern: "scanner-??", value: "scanner-01", match: true },
    { pattern: "scanner-?", value: "scanner-01", match: false },
    { pattern: "*", value: "", match: true },
    { pattern: "*", value: "anything", match: true },
    { pattern: "", value: "", match: true },
    { pattern: "", value: "x", match: false },
    { pattern: "web", value: "web-1", match: false },
    { pattern: "*-1", value: "web-1", match: true },
    { pattern: "*db*", value: "core-db-02", match: true },
    { pattern: "a*b*c", value: "axxbyyc", match: true },
    { pattern: "a*b*c", value: "axxbyy", match: false },
    { pattern: "10.0.*.5", value: "10.0.12.5", match: true },
    { pattern: "10.0.?.5", value: "10.0.12.5", match: false },
    { pattern: "(web)[1]", value: "(web)[1]", match: true },
    { pattern: "metric_*", value: "metric_spike", match: true },
  ])("$pattern vs $value → $match", ({ pattern, value, match }) => {
    expect(globMatches(pattern, value)).toBe(match);
  });

  it("stays fast on a pattern that would make a backtracking regex explode", () => {
    const started = performance.now();
    expect(globMatches(`${"*a".repeat(30)}b`, "a".repeat(5_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("matchSuppressionRule", () => {
  it.each([
    { name: "device glob + type", rules: [rule({ device: "scanner-*", type: "port_scan" })], id: 1 },
    { name: "every field set and matching", rules: [rule({ device: "scanner-01", site: "ams*", role: "server", detector: "flow-*", type: "port_scan", metric: "distinct*" })], id: 1 },
    { name: "one pattern misses", rules: [rule({ device: "scanner-*", type: "ddos" })], id: undefined },
    { name: "disabled rule", rules: [rule({ device: "scanner-*", enabled: false })], id: undefined },
    { name: "expired rule", rules: [rule({ device: "scanner-*", expiresAt: new Date("2026-11-17T14:00:00Z") })], id: undefined },
    { name: "expires exactly now", rules: [rule({ device: "scanner-*", expiresAt: AT })], id: undefined },
    { name: "expires later", rules: [rule({ device: "scanner-*", expiresAt: new Date("2026-11-18T00:00:00Z") })], id: 1 },
    { name: "expiresAt null = never", rules: [rule({ device: "scanner-*", expiresAt: null })], id: 1 },
    { name: "a rule without patterns never matches", rules: [rule({})], id: undefined },
    {
      name: "first live match in list order",
      rules: [rule({ id: 1, device: "scanner-*", enabled: false }), rule({ id: 2, site: "AMS1" }), rule({ id: 3, device: "*" })],
      id: 2,
    },
    { name: "no rules", rules: [], id: undefined },
  ])("$name → $id", ({ rules, id }) => {
    expect(matchSuppressionRule(rules, alert, AT)?.id).toBe(id);
  });

  it.each([
    { name: "missing metric vs a metric pattern", pattern: { metric: "cpu*" }, match: false },
    { name: "missing metric vs *", pattern: { metric: "*" }, match: true },
  ])("an alert without a metric: $name", ({ pattern, match }) => {
    const flowAlert = { ...alert, metric: null };
    expect(matchSuppressionRule([rule({ device: "scanner-*", ...pattern })], flowAlert, AT) !== undefined).toBe(match);
  });
});

describe("suppressionRuleInputSchema", () => {
  it("accepts a rule, trims patterns, defaults enabled and parses expiresAt", () => {
    const parsed = suppressionRuleInputSchema.parse({ device: " scanner-* ", type: "port_scan", reason: "Qualys", expiresAt: "2026-12-01T00:00:00Z" });
    expect(parsed).toEqual({ device: "scanner-*", type: "port_scan", reason: "Qualys", enabled: true, expiresAt: new Date("2026-12-01T00:00:00Z") });
  });

  it.each([
    { name: "no pattern at all", input: { reason: "x" }, field: "device", message: /at least one of device, site, role, detector, type, metric/ },
    { name: "empty pattern", input: { device: "  ", reason: "x" }, field: "device", message: /must not be empty/ },
    { name: "missing reason", input: { device: "a" }, field: "reason", message: /./ },
    { name: "blank reason", input: { device: "a", reason: " " }, field: "reason", message: /reason is required/ },
    { name: "misspelt field", input: { devcie: "a", type: "ddos", reason: "x" }, field: "", message: /devcie/ },
    { name: "expiresAt without zone", input: { device: "a", reason: "x", expiresAt: "2026-12-01T00:00:00" }, field: "expiresAt", message: /./ },
    { name: "over-long pattern", input: { device: "a".repeat(201), reason: "x" }, field: "device", message: /at most 200/ },
    { name: "enabled not a boolean", input: { device: "a", reason: "x", enabled: "yes" }, field: "enabled", message: /./ },
  ])("rejects $name, naming $field", ({ input, field, message }) => {
    const result = suppressionRuleInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join(".")).toBe(field);
    expect(issue.message).toMatch(message);
  });
});
