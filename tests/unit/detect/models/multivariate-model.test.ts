// The per-role Isolation Forest's feature rows (a device-minute's deviations from its hour-of-week baseline)
// and its training, on the demo network's ordinary minutes.
import { describe, expect, it } from "vitest";
import { expectedFor } from "@/lib/detect/baseline/hour-of-week-baseline";
import {
  MULTIVARIATE_FEATURES,
  MULTIVARIATE_METRICS,
  multivariateFeatures,
  trainMultivariateModel,
  trainRoleModels,
} from "@/lib/detect/models/multivariate-model";
import { mulberry32 } from "@/lib/simulator/prng";
import type { MetricSample } from "@/lib/telemetry/metrics";
import {
  baselineOf,
  DAY,
  EDGE_ROUTERS,
  FIREWALLS,
  FW,
  HISTORY_DAYS,
  HISTORY_START,
  robustZ,
  roleDevice,
  samplesOf,
  TUESDAY_14,
  usualMinute,
} from "./role-model-fixtures";

const models = trainRoleModels([...FIREWALLS, ...EDGE_ROUTERS].map((d) => roleDevice(d)));

describe("multivariateFeatures", () => {
  const baseline = baselineOf.get(FW)!;

  it("puts a minute at its usual values at the origin, with the time of day and week alongside", () => {
    const saturday6 = Date.parse("2025-01-25T06:00:00Z");
    const row = multivariateFeatures(usualMinute(FW, saturday6), baseline);
    expect(row).not.toBeNull();
    expect(Array.from(row!.slice(0, MULTIVARIATE_METRICS.length))).toEqual(MULTIVARIATE_METRICS.map(() => 0));
    // 06:00 is a quarter of the day round: sin 1, cos 0; Saturday is weekend.
    const [hourSin, hourCos, weekend] = Array.from(row!.slice(MULTIVARIATE_METRICS.length));
    expect(hourSin).toBeCloseTo(1, 12);
    expect(hourCos).toBeCloseTo(0, 12);
    expect(weekend).toBe(1);
    expect(row).toHaveLength(MULTIVARIATE_FEATURES.length);
    expect(multivariateFeatures(usualMinute(FW, TUESDAY_14), baseline)?.at(-1)).toBe(0);
  });

  it("reads a metric's move in robust σ, squashed with asinh; missing values count as usual", () => {
    const ts = new Date(TUESDAY_14);
    const usualCpu = expectedFor(baseline, "cpuPct", ts)!.median;
    const sample = usualMinute(FW, TUESDAY_14, () => ({ cpuPct: 95, latencyMs: null }));
    const row = multivariateFeatures(sample, baseline)!;
    const cpu = MULTIVARIATE_METRICS.indexOf("cpuPct");
    expect(usualCpu).toBeLessThan(80);
    expect(row[cpu]).toBeCloseTo(Math.asinh(robustZ(baseline, "cpuPct", ts, 95)), 12);
    expect(row[cpu]).toBeLessThan(10); // squashed: dozens of σ, yet a single-digit feature
    expect(row[MULTIVARIATE_METRICS.indexOf("latencyMs")]).toBe(0);
  });

  it("is null when the baseline knows none of the metrics", () => {
    expect(multivariateFeatures(usualMinute(FW, TUESDAY_14), new Map())).toBeNull();
  });
});

describe("trainMultivariateModel", () => {
  const rng = mulberry32(5);
  const rows = Array.from({ length: 300 }, () => Float64Array.from(MULTIVARIATE_FEATURES, () => rng() - 0.5));

  it.each([
    { count: 0, trained: false },
    { count: 63, trained: false },
    { count: 64, trained: true },
  ])("$count rows → model: $trained", ({ count, trained }) => {
    const model = trainMultivariateModel(rows.slice(0, count));
    expect(model !== undefined).toBe(trained);
    if (model) expect(model.rows).toBe(count);
  });

  it("keeps a seeded subsample of at most maxRows rows, the same for the same seed", () => {
    const a = trainMultivariateModel(rows, { seed: 3, maxRows: 100 })!;
    const b = trainMultivariateModel(rows, { seed: 3, maxRows: 100 })!;
    const c = trainMultivariateModel(rows, { seed: 4, maxRows: 100 })!;
    expect(a.rows).toBe(100);
    expect(a.forest).toEqual(b.forest);
    expect(a.forest.split).not.toEqual(c.forest.split);
  });
});

describe("trainRoleModels", () => {
  it("gives every device of a role its role's one model, and other roles their own", () => {
    const firewall = models.get(FIREWALLS[0]!);
    expect(firewall).toBeDefined();
    for (const d of FIREWALLS) expect(models.get(d)).toBe(firewall);
    const edge = models.get(EDGE_ROUTERS[0]!);
    expect(edge).toBeDefined();
    expect(models.get(EDGE_ROUTERS[1]!)).toBe(edge);
    expect(edge).not.toBe(firewall);
    // every 5th minute of every firewall's 14 days
    expect(firewall?.rows).toBe((FIREWALLS.length * HISTORY_DAYS * 1440) / 5);
  });

  it("is deterministic for a seed", () => {
    const devices = FIREWALLS.map((d) => roleDevice(d));
    const again = trainRoleModels(devices, { seed: 1 }).get(FW)!;
    expect(again.forest).toEqual(models.get(FW)!.forest);
    expect(trainRoleModels(devices, { seed: 2 }).get(FW)!.forest.split).not.toEqual(again.forest.split);
  });

  it("trains nothing for a role with too little history, nor for devices without a baseline", () => {
    const shortHistory = roleDevice(EDGE_ROUTERS[0]!, { samples: samplesOf.get(EDGE_ROUTERS[0]!)!.slice(0, 300) }); // 60 rows
    const noBaseline = roleDevice(EDGE_ROUTERS[1]!, { baseline: undefined });
    const trained = trainRoleModels([roleDevice(FW), shortHistory, noBaseline]);
    expect([...trained.keys()]).toEqual([FW]);
  });

  it("leaves excluded periods out: the same forest as if those minutes had never been recorded", () => {
    // Wednesday 8 January, a whole day (a multiple of the stride, so the remaining minutes line up).
    const day = { start: new Date(HISTORY_START + 2 * DAY), end: new Date(HISTORY_START + 3 * DAY) };
    const outside = (s: MetricSample) => s.ts < day.start || s.ts >= day.end;
    const withoutDay = FIREWALLS.map((d) => roleDevice(d, { samples: samplesOf.get(d)!.filter(outside) }));

    const fleetWide = trainRoleModels(FIREWALLS.map((d) => roleDevice(d)), { exclude: [day] }).get(FW)!;
    const perDevice = trainRoleModels(FIREWALLS.map((d) => roleDevice(d, { exclude: [day] }))).get(FW)!;
    const neverRecorded = trainRoleModels(withoutDay).get(FW)!;
    expect(fleetWide.rows).toBe(models.get(FW)!.rows - (FIREWALLS.length * 1440) / 5);
    expect(fleetWide.forest).toEqual(neverRecorded.forest);
    expect(perDevice.forest).toEqual(neverRecorded.forest);
    expect(neverRecorded.forest.split).not.toEqual(models.get(FW)!.forest.split);
  });
});
