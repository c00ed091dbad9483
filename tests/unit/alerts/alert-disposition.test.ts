import { describe, expect, it } from "vitest";
import { EMPTY_DISPOSITION_CONTEXT, suppressionFor, type DispositionContext } from "@/lib/alerts/alert-disposition";
import type { SurgeEntry } from "@/lib/alerts/business-calendar";
import type { WindowSpec } from "@/lib/alerts/maintenance-window";
import type { SuppressionRule } from "@/lib/alerts/suppression-rules";
import type { Detection } from "@/lib/detect/detector";
import type { MetricName } from "@/lib/telemetry/metrics";

const at = (hhmm: string) => new Date(`2026-11-17T${hhmm}:00Z`);
const NOON = at("12:00");

const WEB = { id: 7, name: "web-dc1-1", site: "dc1", role: "server" };
const WEB_2 = { id: 8, name: "web-dc1-2", site: "dc1", role: "server" };
const DB = { id: 9, name: "db-dc1-1", site: "dc1", role: "server" };

/** A detection of `metric` at `value` against a usual (median) `usual`. */
function detection(metric: MetricName, value: number, usual: number, over: Partial<Detection> = {}): Detection {
  const anomalyType = value >= usual ? "metric_spike" : "metric_drop";
  return {
    detector: "hour-of-week-zscore",
    anomalyType,
    metric,
    severity: "high",
    score: 12,
    observed: { value, ts: NOON.toISOString() },
    expected: { low: usual * 0.8, high: usual * 1.2, mean: usual, median: usual },
    explanation: "test",
    dedupKey: `7:hour-of-week-zscore:${metric}:${anomalyType}`,
    ...over,
  };
}

const MBPS = 1e6;
/** Web traffic ×3 on a usual 100 Mbps: inside a ×4 surge (up to ×6 with the 1.5 tolerance). */
const trafficWithin = detection("bandwidthInBps", 300 * MBPS, 100 * MBPS);
/** ×20: a flood hiding behind the sale. */
const trafficFarBeyond = detection("bandwidthInBps", 2_000 * MBPS, 100 * MBPS);
const trafficDrop = detection("bandwidthInBps", 10 * MBPS, 100 * MBPS);
const cpuSpike = detection("cpuPct", 85, 30);

const campaign: SurgeEntry = { start: at("10:00"), end: at("14:00"), name: "Marketing campaign 2026-11-17", expectedIncrease: 4 };
const window: WindowSpec = {
  id: 3,
  scope: "device",
  scopeValue: null,
  deviceIds: [WEB.id],
  startsAt: at("11:00"),
  endsAt: at("13:00"),
  recurrence: "none",
  timezone: "UTC",
};
const rule: SuppressionRule = { id: "r1", reason: "load test of the web tier", enabled: true, device: "web-*", metric: "bandwidth*" };
const CALENDAR: DispositionContext = { ...EMPTY_DISPOSITION_CONTEXT, calendar: [campaign] };

describe("suppressionFor: which reason wins", () => {
  it.each([
    {
      name: "maintenance, rule and calendar all apply: maintenance",
      ctx: { windows: [window], rules: [rule], calendar: [campaign] },
      expected: { kind: "maintenance", windowId: 3 },
    },
    {
      name: "rule and calendar apply: the rule",
      ctx: { windows: [], rules: [rule], calendar: [campaign] },
      expected: { kind: "rule", ruleId: "r1", reason: "load test of the web tier" },
    },
    {
      name: "only the calendar",
      ctx: { windows: [], rules: [], calendar: [campaign] },
      expected: { kind: "calendar", name: "Marketing campaign 2026-11-17", expectedIncrease: 4 },
    },
    {
      name: "a window for another device, a rule for other metrics, no surge: raised",
      ctx: { windows: [{ ...window, deviceIds: [DB.id] }], rules: [{ ...rule, metric: "cpu*" }], calendar: [] },
      expected: undefined,
    },
    { name: "nothing at all: raised", ctx: EMPTY_DISPOSITION_CONTEXT, expected: undefined },
  ])("$name", ({ ctx, expected }) => {
    expect(suppressionFor(trafficWithin, WEB, NOON, ctx)).toEqual(expected);
  });

  it("a maintenance window suppresses even what no surge could explain, and only while it is open", () => {
    const ctx: DispositionContext = { ...EMPTY_DISPOSITION_CONTEXT, windows: [{ ...window, scope: "site", scopeValue: "dc1", deviceIds: [] }] };
    expect(suppressionFor(trafficFarBeyond, DB, NOON, ctx)).toEqual({ kind: "maintenance", windowId: 3 });
    expect(suppressionFor(trafficFarBeyond, DB, at("13:00"), ctx)).toBeUndefined();
  });
});

describe("suppressionFor: suppression rules", () => {
  const cpuOnWeb = detection("cpuPct", 99, 30);
  it.each<{ name: string; rule: Partial<SuppressionRule>; device?: typeof WEB; d?: Detection; suppressed: boolean }>([
    { name: "device glob and metric glob match", rule: { device: "web-*", metric: "bandwidth*" }, suppressed: true },
    { name: "device glob with ?, case-insensitive", rule: { device: "WEB-DC?-1" }, suppressed: true },
    { name: "device glob does not match", rule: { device: "db-*" }, suppressed: false },
    { name: "site and role", rule: { site: "dc*", role: "server" }, suppressed: true },
    { name: "detector glob", rule: { detector: "hour-of-week-*" }, suppressed: true },
    { name: "detector glob of another detector", rule: { detector: "ewma-*" }, suppressed: false },
    { name: "type: a CPU spike is cpu_exhaustion", rule: { type: "cpu_*" }, d: cpuOnWeb, suppressed: true },
    { name: "type: a traffic spike is a metric_spike", rule: { type: "metric_spike" }, suppressed: true },
    { name: "one of two patterns fails", rule: { device: "web-*", metric: "cpu*" }, suppressed: false },
    { name: "disabled", rule: { device: "web-*", enabled: false }, suppressed: false },
    { name: "expired at noon", rule: { device: "web-*", expiresAt: NOON }, suppressed: false },
    { name: "expires after noon", rule: { device: "web-*", expiresAt: at("12:01") }, suppressed: true },
  ])("$name → suppressed: $suppressed", ({ rule: patterns, device = WEB, d = trafficFarBeyond, suppressed }) => {
    const r: SuppressionRule = { id: 42, reason: "known", enabled: true, ...patterns };
    const result = suppressionFor(d, device, NOON, { ...EMPTY_DISPOSITION_CONTEXT, rules: [r] });
    expect(result).toEqual(suppressed ? { kind: "rule", ruleId: 42, reason: "known" } : undefined);
  });

  it("the first matching rule in list order gives the reason", () => {
    const rules: SuppressionRule[] = [
      { id: "off", reason: "disabled", enabled: false, device: "*" },
      { id: "first", reason: "first match", enabled: true, site: "dc1" },
      { id: "second", reason: "second match", enabled: true, device: "web-*" },
    ];
    expect(suppressionFor(trafficFarBeyond, WEB, NOON, { ...EMPTY_DISPOSITION_CONTEXT, rules })).toMatchObject({ ruleId: "first" });
  });
});

describe("suppressionFor: an announced surge", () => {
  const calendar = (d: Detection, device = WEB, time = NOON, sameMinute: Detection[] = []) =>
    suppressionFor(d, device, time, CALENDAR, sameMinute)?.kind ?? "raised";

  it.each([
    { name: "traffic ×3 of a ×4 surge", d: trafficWithin, expected: "calendar" },
    { name: "traffic ×6, the announced ×4 with the 1.5 tolerance", d: detection("bandwidthInBps", 600 * MBPS, 100 * MBPS), expected: "calendar" },
    { name: "traffic ×6.5, past the tolerance", d: detection("bandwidthInBps", 650 * MBPS, 100 * MBPS), expected: "raised" },
    { name: "traffic ×20, far beyond the announced size", d: trafficFarBeyond, expected: "raised" },
    { name: "a traffic drop", d: trafficDrop, expected: "raised" },
    { name: "connections ×3", d: detection("connectionsPerSec", 300, 100), expected: "calendar" },
    { name: "latency ×3 (a surge does not make a link slow)", d: detection("latencyMs", 3, 1), expected: "raised" },
  ])("$name → $expected", ({ d, expected }) => {
    expect(calendar(d)).toBe(expected);
  });

  it("explains nothing before or after the announced window", () => {
    expect(calendar(trafficWithin, WEB, at("09:59"))).toBe("raised");
    expect(calendar(trafficWithin, WEB, at("14:00"))).toBe("raised");
  });

  it("explains nothing on a device outside the announcement's scope", () => {
    const webOnly: DispositionContext = { ...EMPTY_DISPOSITION_CONTEXT, calendar: [{ ...campaign, devices: ["web-*"] }] };
    expect(suppressionFor(trafficWithin, WEB, NOON, webOnly)?.kind).toBe("calendar");
    expect(suppressionFor(trafficWithin, DB, NOON, webOnly)).toBeUndefined();
  });

  describe("CPU and memory", () => {
    it.each([
      { name: "alone: the device's traffic did not move", d: cpuSpike, sameMinute: [cpuSpike], expected: "raised" },
      { name: "with no other detection passed", d: cpuSpike, sameMinute: [], expected: "raised" },
      { name: "with its traffic up within the surge", d: cpuSpike, sameMinute: [cpuSpike, trafficWithin], expected: "calendar" },
      { name: "with its traffic up far beyond the surge", d: cpuSpike, sameMinute: [trafficFarBeyond, cpuSpike], expected: "raised" },
      { name: "with its traffic down", d: cpuSpike, sameMinute: [trafficDrop, cpuSpike], expected: "raised" },
      {
        name: "with only another load metric up",
        d: cpuSpike,
        sameMinute: [cpuSpike, detection("memoryPct", 90, 50)],
        expected: "raised",
      },
      { name: "memory up with its traffic up within the surge", d: detection("memoryPct", 90, 50), sameMinute: [trafficWithin], expected: "calendar" },
      { name: "a CPU drop, even with traffic up within the surge", d: detection("cpuPct", 2, 30), sameMinute: [trafficWithin], expected: "raised" },
      { name: "latency up with traffic up within the surge", d: detection("latencyMs", 5, 1), sameMinute: [trafficWithin], expected: "raised" },
    ])("a spike $name → $expected", ({ d, sameMinute, expected }) => {
      expect(calendar(d, WEB, NOON, sameMinute)).toBe(expected);
    });

    it("is raised on the web server whose traffic did not move while its neighbour's CPU rise is explained", () => {
      // The pipeline passes each device-minute's own detections: web-1 served the campaign, web-2 did not.
      expect(calendar(cpuSpike, WEB, NOON, [trafficWithin, cpuSpike])).toBe("calendar");
      expect(calendar({ ...cpuSpike, dedupKey: "8:hour-of-week-zscore:cpuPct:metric_spike" }, WEB_2, NOON, [cpuSpike])).toBe("raised");
    });

    it("is raised outside the surge whatever the traffic did", () => {
      expect(calendar(cpuSpike, WEB, at("15:00"), [trafficWithin, cpuSpike])).toBe("raised");
    });
  });

  it.each([
    { name: "traffic", d: trafficDrop },
    { name: "packets", d: detection("packetsPerSec", 1_000, 50_000) },
    { name: "CPU", d: detection("cpuPct", 1, 30) },
    { name: "memory", d: detection("memoryPct", 5, 60) },
  ])("never explains a $name drop", ({ d }) => {
    expect(d.anomalyType).toBe("metric_drop");
    expect(calendar(d, WEB, NOON, [trafficWithin, d])).toBe("raised");
  });
});
