// The pure parts of AI triage: masking internal addresses out of what is sent (and back into the
// answer), the context sent for an alert, cost from token usage, and the daily budget.
import { describe, expect, it, vi } from "vitest";
import { parseEnv } from "../../../lib/env";
import { createLogger } from "../../../lib/log";
import { checkBudget, budgetDayStart } from "../../../lib/ai/budget";
import { costUsd, priceOf, worstCaseCostUsd } from "../../../lib/ai/cost";
import { createMasker } from "../../../lib/ai/masking";
import { batchSeverities } from "../../../lib/ai/triage-service";
import { alertFingerprint, buildTriageContext, triageUserMessage, type TriageInput } from "../../../lib/ai/triage-context";
import { createSubnetMatcher } from "../../../lib/telemetry/cidr";

const internal = createSubnetMatcher(["10.0.0.0/8", "192.168.0.0/16", "fd00::/8"]);

describe("masking", () => {
  it.each([
    ["10.1.2.3 talked to 203.0.113.9", "internal-host-1 talked to 203.0.113.9"],
    ["192.168.1.10:443 and 10.1.2.3 and 10.1.2.3", "internal-host-1:443 and internal-host-2 and internal-host-2"],
    ["fd00::1 to 2001:db8::5", "internal-host-1 to 2001:db8::5"],
    ["999.1.1.1 and 11.1.1.1 stay", "999.1.1.1 and 11.1.1.1 stay"],
    // at a sentence's end, and (privacy before prettiness) inside a longer dotted string
    ["from 10.1.2.3.", "from internal-host-1."],
    ["version 10.2.3.4.5", "version internal-host-1.5"],
    ["at 14:05:00 UTC", "at 14:05:00 UTC"],
  ])("%s", (input, masked) => {
    const m = createMasker(internal);
    expect(m.mask(input)).toBe(masked);
  });

  it("masks keys and nested values, leaves the original alone, and unmasks the answer", () => {
    const m = createMasker(internal);
    const original = { topTalkers: [{ src: "10.9.9.9", dst: "8.8.8.8" }], byHost: { "10.9.9.9": 5 }, n: 3, ok: true, none: null };
    const masked = m.mask(original);
    expect(masked).toEqual({ topTalkers: [{ src: "internal-host-1", dst: "8.8.8.8" }], byHost: { "internal-host-1": 5 }, n: 3, ok: true, none: null });
    expect(original.topTalkers[0]!.src).toBe("10.9.9.9");
    expect(m.size).toBe(1);
    expect(m.unmask({ summary: "internal-host-1 sent data; internal-host-7 is unknown" })).toEqual({ summary: "10.9.9.9 sent data; internal-host-7 is unknown" });
  });

  it("sends addresses unchanged when masking is off", () => {
    expect(createMasker(internal, false).mask({ a: "10.1.2.3" })).toEqual({ a: "10.1.2.3" });
  });
});

const input = (over: Partial<TriageInput> = {}): TriageInput => ({
  alert: {
    id: 7,
    deviceId: 3,
    detector: "hour-of-week-zscore",
    alertType: "ddos",
    anomalyType: "metric_spike",
    severity: "critical",
    score: 12.345678,
    metric: "bytesIn",
    observedAt: new Date("2026-11-17T14:05:00Z"),
    observed: { value: 9e9 },
    expected: { low: 1e8, high: 5e8 },
    explanation: "Inbound 9 Gb/s toward 10.0.5.5",
    contributions: null,
    evidence: { attacked: "10.0.5.5", sources: ["198.51.100.7"] },
    occurrences: 4,
    status: "open",
  },
  device: { name: "edge-1", role: "edge-router", site: "hq", managementIp: "10.0.0.1", tags: [], vendor: "Juniper" },
  baseline: { hourOfWeek: 38, mean: 2.5e8, std: 5e7, median: 2.4e8, p95: 3.3e8, p99: 4e8, count: 120 },
  recentAlerts: [{ alertType: "ddos", severity: "high", observedAt: new Date("2026-11-16T10:00:00Z"), status: "resolved", truePositive: 2, falsePositive: 0 }],
  maintenance: [{ reason: "ISP work", scope: "site", scopeValue: "hq", startsAt: new Date("2026-11-17T13:00:00Z"), endsAt: new Date("2026-11-17T15:00:00Z"), recurrence: "none" }],
  calendar: [{ name: "Black Friday", startsAt: new Date("2026-11-17T00:00:00Z"), endsAt: new Date("2026-11-18T00:00:00Z"), expectedIncrease: 3 }],
  similar: [{ alertType: "ddos", deviceRole: "edge-router", observedAt: new Date("2026-11-10T10:00:00Z"), truePositive: 0, falsePositive: 3, notes: ["CDN purge from 10.0.9.9"] }],
  ...over,
});

describe("the context sent for an alert", () => {
  it("carries the alert, evidence, baseline, history, maintenance, calendar and similar verdicts, masked", () => {
    const ctx = buildTriageContext(input(), createMasker(internal)) as Record<string, any>;
    expect(ctx.alert).toMatchObject({ type: "ddos", severity: "critical", score: 12.346, observedAt: "2026-11-17T14:05:00.000Z", occurrences: 4 });
    expect(ctx.alert.evidence).toEqual({ attacked: "internal-host-1", sources: ["198.51.100.7"] });
    expect(ctx.alert.explanation).toBe("Inbound 9 Gb/s toward internal-host-1");
    expect(ctx.device).toEqual({ name: "edge-1", role: "edge-router", site: "hq", vendor: "Juniper", managementIp: "internal-host-2", tags: [] });
    expect(ctx.baselineForThisHour).toMatchObject({ hourOfWeek: 38, p95: 3.3e8 });
    expect(ctx.recentAlertsOnDevice).toEqual([{ alertType: "ddos", severity: "high", observedAt: "2026-11-16T10:00:00.000Z", status: "resolved", truePositive: 2, falsePositive: 0 }]);
    expect(ctx.maintenanceWindows[0]).toMatchObject({ reason: "ISP work", startsAt: "2026-11-17T13:00:00.000Z" });
    expect(ctx.calendarEntries[0]).toMatchObject({ name: "Black Friday", expectedIncrease: 3 });
    expect(ctx.similarPastAlerts[0]).toMatchObject({ falsePositive: 3, notes: ["CDN purge from internal-host-3"] });
    expect(JSON.stringify(ctx)).not.toMatch(/\b10\.\d+\.\d+\.\d+\b/);
    // nothing beyond these sections is sent (no user names, no ids of other rows)
    expect(Object.keys(ctx).sort()).toEqual(["alert", "baselineForThisHour", "calendarEntries", "device", "maintenanceWindows", "recentAlertsOnDevice", "similarPastAlerts"]);
  });

  it("adds the campaign and its members, masked, when the alert belongs to one, and asks for the campaign's triage", () => {
    const campaign = {
      id: 5,
      severity: "critical",
      confidence: 0.9712,
      types: ["ddos", "exfiltration"],
      firstSeenAt: new Date("2026-11-17T14:01:00Z"),
      lastSeenAt: new Date("2026-11-17T14:05:00Z"),
      members: [
        { alertId: 6, device: "edge-1", alertType: "ddos", severity: "high", observedAt: new Date("2026-11-17T14:01:00Z"), explanation: "flood toward 10.0.5.5" },
        { alertId: 7, device: "edge-1", alertType: "exfiltration", severity: "critical", observedAt: new Date("2026-11-17T14:05:00Z"), explanation: "10.0.5.5 sends 4 GB out" },
      ],
    };
    const ctx = buildTriageContext(input({ campaign }), createMasker(internal)) as Record<string, any>;
    expect(ctx.campaign).toMatchObject({ severity: "critical", confidence: 0.971, threatTypes: ["ddos", "exfiltration"], firstSeenAt: "2026-11-17T14:01:00.000Z" });
    expect(ctx.campaign.members.map((m: { explanation: string }) => m.explanation)).toEqual(["flood toward internal-host-1", "internal-host-1 sends 4 GB out"]);
    expect(triageUserMessage(ctx)).toMatch(/^Triage this campaign/);
    expect(triageUserMessage(buildTriageContext(input(), createMasker(internal)))).toMatch(/^Triage this alert\./);
  });

  it("fingerprints alerts by what they say, not by when or which row", () => {
    const a = input().alert;
    expect(alertFingerprint(a)).toBe(alertFingerprint({ ...a, id: 99, observedAt: new Date(0), score: 1 } as typeof a));
    expect(alertFingerprint(a)).not.toBe(alertFingerprint({ ...a, severity: "high" }));
    expect(alertFingerprint(a)).not.toBe(alertFingerprint({ ...a, deviceId: 4 }));
    // in a campaign, the campaign's state is part of what the alert says
    const campaign = { id: 5, severity: "high", types: ["ddos", "exfiltration"] };
    expect(alertFingerprint(a, campaign)).not.toBe(alertFingerprint(a));
    expect(alertFingerprint(a, campaign)).toBe(alertFingerprint(a, { ...campaign, types: ["exfiltration", "ddos"] }));
    expect(alertFingerprint(a, campaign)).not.toBe(alertFingerprint(a, { ...campaign, severity: "critical" }));
    expect(alertFingerprint(a, campaign)).not.toBe(alertFingerprint(a, { ...campaign, types: [...campaign.types, "port_scan"] }));
  });
});

describe("cost", () => {
  it.each([
    ["claude-sonnet-5-5", { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, 3],
    ["claude-sonnet-5-5", { inputTokens: 0, outputTokens: 1_000_000, cacheReadTokens: 0, cacheWriteTokens: 0 }, 15],
    ["claude-sonnet-5-5", { inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000, cacheWriteTokens: 0 }, 0.3],
    ["claude-sonnet-5-5", { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 1_000_000 }, 3.75],
    ["claude-haiku-4-5", { inputTokens: 2000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0 }, 0.002 + 0.0025],
    ["claude-opus-4-1", { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, 15],
    ["claude-opus-5-5", { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, 5],
  ])("%s %o costs $%d", (model, usage, usd) => {
    expect(costUsd(model, usage)).toBeCloseTo(usd, 9);
  });

  it("prices an unknown model at the dearest known price, so budgets only get stricter", () => {
    expect(priceOf("some-new-model")).toEqual({ price: { inputPerMTok: 25, outputPerMTok: 125 }, known: false });
    expect(priceOf("claude-sonnet-5-5").known).toBe(true);
  });

  it("reserves at least what the call can cost", () => {
    const worst = worstCaseCostUsd("claude-sonnet-5-5", 9_000, 2048);
    expect(worst).toBeGreaterThan(costUsd("claude-sonnet-5-5", { inputTokens: 9_000 / 4, outputTokens: 2048, cacheReadTokens: 0, cacheWriteTokens: 0 }));
  });
});

describe("the daily budget", () => {
  const limits = { callLimit: 100, budgetUsd: 1 };
  it.each([
    [{ calls: 0, costUsd: 0 }, 0.01, true],
    [{ calls: 99, costUsd: 0.5 }, 0.01, true],
    [{ calls: 100, costUsd: 0.5 }, 0.01, false],
    [{ calls: 10, costUsd: 0.99 }, 0.01, true],
    [{ calls: 10, costUsd: 0.995 }, 0.01, false],
  ])("used %o, next call up to $%d: allowed %s", (used, next, allowed) => {
    expect(checkBudget(used, limits, next).allowed).toBe(allowed);
  });

  it("says which limit was reached", () => {
    expect(checkBudget({ calls: 100, costUsd: 0 }, limits, 0)).toMatchObject({ reason: expect.stringContaining("AI_DAILY_CALL_LIMIT") });
    expect(checkBudget({ calls: 1, costUsd: 1 }, limits, 0.01)).toMatchObject({ reason: expect.stringContaining("AI_DAILY_BUDGET_USD") });
    expect(checkBudget({ calls: 1, costUsd: 1e6 }, { callLimit: 100, budgetUsd: undefined }, 1).allowed).toBe(true);
  });

  it("counts the UTC day", () => {
    expect(budgetDayStart(new Date("2026-12-07T23:59:59.999Z")).toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(budgetDayStart(new Date("2026-12-08T00:00:00.000Z")).toISOString()).toBe("2026-12-08T00:00:00.000Z");
  });
});

describe("the API key in logs", () => {
  it("is redacted whatever the field is called", () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
      createLogger("test", { level: "info", format: "json" }).info("client", { apiKey: "sk-ant-1", ANTHROPIC_API_KEY: "sk-ant-2", "x-api-key": "sk-ant-3" });
    } finally {
      spy.mockRestore();
    }
    expect(lines.join("")).not.toMatch(/sk-ant/);
    expect(lines.join("")).toContain("[redacted]");
  });
});

describe("the AI settings", () => {
  it("default to a current model, 100 calls and $5 a day, high and critical alerts, masking on", () => {
    const e = parseEnv({});
    expect(e).toMatchObject({ ANTHROPIC_MODEL: "claude-sonnet-5-5", AI_DAILY_CALL_LIMIT: 100, AI_DAILY_BUDGET_USD: 5, AI_MIN_SEVERITY: "high", AI_MASK_INTERNAL_ADDRESSES: true, AI_CONCURRENCY: 2, AI_BATCH_MIN_SEVERITY: "medium", AI_BATCH_INTERVAL_SEC: 600 });
    expect(e.ANTHROPIC_API_KEY).toBeUndefined();
  });

  it.each([
    ["AI_MIN_SEVERITY", "severe"],
    ["AI_DAILY_CALL_LIMIT", "-1"],
    ["AI_DAILY_BUDGET_USD", "lots"],
    ["AI_CONCURRENCY", "0"],
    ["ANTHROPIC_BASE_URL", "not a url"],
    ["AI_MASK_INTERNAL_ADDRESSES", "maybe"],
    ["AI_BATCH_MIN_SEVERITY", "someday"],
  ])("a bad %s stops the start naming it", (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(new RegExp(name));
  });
});

describe("low-priority work for batches", () => {
  it.each([
    ["high", "medium", ["medium"]],
    ["high", "low", ["low", "medium"]],
    ["critical", "low", ["low", "medium", "high"]],
    ["medium", "high", []],
    ["high", "off", []],
  ] as const)("AI_MIN_SEVERITY %s, AI_BATCH_MIN_SEVERITY %s: %o", (minSeverity, batchMinSeverity, expected) => {
    expect(batchSeverities({ minSeverity, batchMinSeverity })).toEqual(expected);
  });
});
