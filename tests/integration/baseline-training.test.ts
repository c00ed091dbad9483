// Baseline retraining against a real database: confirmed alerts left out of training, buckets that
// grew past the cap and beyond sampling noise held for approval (previous bucket kept in use), thin
// noisy buckets not held, and the approve/reject flow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  approvePendingBaseline,
  listPendingBaselines,
  loadLatestBaselines,
  rejectPendingBaseline,
  saveBaselines,
} from "../../lib/db/baseline-queries";
import type { DeviceSummary } from "../../lib/db/device-queries";
import { pool } from "../../lib/db/pool";
import { insertSamples } from "../../lib/db/sample-queries";
import { buildBaselineIndex, trainBaselineIndex } from "../../lib/detect/baseline/hour-of-week-baseline";
import { createLogger } from "../../lib/log";
import { emptyMetricValues, type MetricSample } from "../../lib/telemetry/metrics";
import { trainBaselines } from "../../workers/baseline-training";
import { makeDetection, makeDevice, makeUser } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const MONDAY = Date.parse("2026-11-16T00:00:00Z"); // hour-of-week 0
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const log = createLogger("test:baselines", { level: "error" });

/** One day of minute CPU samples from `dayStart`, `cpuAt(minuteOfDay)` each. */
function cpuDay(deviceId: number, dayStart: number, cpuAt: (minuteOfDay: number) => number): MetricSample[] {
  return Array.from({ length: 1440 }, (_, m) => ({
    deviceId,
    ts: new Date(dayStart + m * MINUTE),
    values: { ...emptyMetricValues(), cpuPct: cpuAt(m) },
  }));
}

/** One day of CPU samples every 5 minutes from `dayStart` (12 per hour, as SNMP polling gives). */
function cpuDayEvery5(deviceId: number, dayStart: number, cpuAt: (index: number) => number): MetricSample[] {
  return Array.from({ length: 288 }, (_, i) => ({
    deviceId,
    ts: new Date(dayStart + i * 5 * MINUTE),
    values: { ...emptyMetricValues(), cpuPct: cpuAt(i) },
  }));
}

/** Deterministic lognormal draws around `median` (shape 0.5: a heavy right tail; 0.15: about ±15 %). */
function noisyCpu(seed: number, median: number, shape = 0.5): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return () => median * Math.exp(shape * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()));
}

async function device() {
  const d = await makeDevice(t.prisma);
  return { ...d, tags: [] as string[] };
}

/** An alert over [from, to] (data time) with the given analyst verdict. */
async function alertWithVerdict(deviceId: number, from: number, to: number, verdict: "true_positive" | "false_positive") {
  const detection = makeDetection(deviceId, { observed: { value: 95, ts: new Date(from).toISOString() } });
  const alert = await t.prisma.alert.create({
    data: {
      deviceId,
      detector: detection.detector,
      anomalyType: detection.anomalyType,
      severity: detection.severity,
      score: detection.score,
      metric: detection.metric,
      observedAt: new Date(from),
      observed: detection.observed,
      expected: detection.expected,
      explanation: detection.explanation,
      dedupKey: detection.dedupKey,
      lastSeenAt: new Date(to),
    },
  });
  const analyst = await makeUser(t.prisma, "analyst");
  await t.prisma.feedback.create({ data: { alertId: alert.id, userId: analyst.id, verdict } });
}

async function latestActive(deviceId: number) {
  const loaded = await loadLatestBaselines(t.prisma);
  return buildBaselineIndex(loaded.get(deviceId)?.rows ?? []);
}

describe("trainBaselines exclusions", () => {
  it("leaves confirmed alerts ± 15 minutes out of training, but learns from false positives", async () => {
    const d = await device();
    const other = await device();
    // CPU 20% all day, 95% during a confirmed incident 14:00–14:30 and during a false alarm 09:00–09:30.
    const busy = (m: number) => (m >= 14 * 60 && m < 14 * 60 + 30) || (m >= 9 * 60 && m < 9 * 60 + 30);
    await insertSamples(pool(), cpuDay(d.id, MONDAY, (m) => (busy(m) ? 95 : 20)));
    await alertWithVerdict(d.id, MONDAY + 14 * HOUR, MONDAY + 14 * HOUR + 29 * MINUTE, "true_positive");
    await alertWithVerdict(d.id, MONDAY + 9 * HOUR, MONDAY + 9 * HOUR + 29 * MINUTE, "false_positive");
    // A confirmed alert on another device does not thin this one's data.
    await alertWithVerdict(other.id, MONDAY + 16 * HOUR, MONDAY + 16 * HOUR + 29 * MINUTE, "true_positive");

    const summary = await trainBaselines({ prisma: t.prisma, pool: pool(), devices: [d], until: new Date(MONDAY + DAY), log, windowDays: 1 });
    expect(summary).toMatchObject({ devicesTrained: 1, buckets: 24, held: 0, excludedRanges: 1 });

    const index = await latestActive(d.id);
    // Excluded: 13:45 up to 14:45 (the last alert minute 14:29 plus 15 minutes).
    expect(index.get("cpuPct:13")).toMatchObject({ sampleCount: 45, median: 20, p95: 20 });
    expect(index.get("cpuPct:14")).toMatchObject({ sampleCount: 15, median: 20, p95: 20, mad: 0 });
    expect(index.get("cpuPct:15")).toMatchObject({ sampleCount: 60 });
    expect(index.get("cpuPct:16")).toMatchObject({ sampleCount: 60 });
    // The false alarm was ordinary behaviour after all: learned.
    expect(index.get("cpuPct:9")).toMatchObject({ sampleCount: 60, p95: 95 });
  });

  it("keeps the previous version when everything in the window is excluded", async () => {
    const d = await device();
    await insertSamples(pool(), cpuDay(d.id, MONDAY, () => 20));
    await trainBaselines({ prisma: t.prisma, pool: pool(), devices: [d], until: new Date(MONDAY + DAY), log, windowDays: 1 });
    await insertSamples(pool(), cpuDay(d.id, MONDAY + WEEK, () => 90));
    await alertWithVerdict(d.id, MONDAY + WEEK, MONDAY + WEEK + DAY - MINUTE, "true_positive");

    const summary = await trainBaselines({ prisma: t.prisma, pool: pool(), devices: [d], until: new Date(MONDAY + WEEK + DAY), log, windowDays: 1 });
    expect(summary.devicesTrained).toBe(0);
    expect((await latestActive(d.id)).get("cpuPct:14")).toMatchObject({ median: 20 });
    expect(await t.prisma.baseline.aggregate({ where: { deviceId: d.id }, _max: { version: true } })).toEqual({ _max: { version: 1 } });
  });
});

describe("trainBaselines growth cap and approval", () => {
  it("holds a bucket that grew more than 20% until approved, keeping the previous bucket in use", async () => {
    const d = await device();
    const analyst = await makeUser(t.prisma, "analyst");
    const train = (until: number) =>
      trainBaselines({ prisma: t.prisma, pool: pool(), devices: [d], until: new Date(until), log, windowDays: 1 });

    await insertSamples(pool(), cpuDay(d.id, MONDAY, () => 20));
    expect(await train(MONDAY + DAY)).toMatchObject({ buckets: 24, held: 0 });

    // A week later: 14:00 runs at 30% (+50%), every other hour at 22% (+10%).
    await insertSamples(pool(), cpuDay(d.id, MONDAY + WEEK, (m) => (Math.floor(m / 60) === 14 ? 30 : 22)));
    expect(await train(MONDAY + WEEK + DAY)).toMatchObject({ buckets: 24, held: 1 });

    const inUse = await latestActive(d.id);
    expect(inUse.get("cpuPct:14")).toMatchObject({ median: 20 });
    expect(inUse.get("cpuPct:15")).toMatchObject({ median: 22 });

    const [pending, ...others] = await listPendingBaselines(t.prisma, { deviceId: d.id });
    expect(others).toEqual([]);
    expect(pending).toMatchObject({
      deviceId: d.id,
      version: 2,
      proposed: { metric: "cpuPct", hourOfWeek: 14, median: 30, p25: 30, p75: 30, mad: 0 },
      current: { metric: "cpuPct", hourOfWeek: 14, median: 20 },
    });
    expect(pending?.growth).toBeCloseTo(0.5, 9);
    expect(await listPendingBaselines(t.prisma, { deviceId: d.id + 1000 })).toEqual([]);

    expect(await approvePendingBaseline(t.prisma, { id: pending!.id, actorId: analyst.id })).toBe(true);
    expect((await latestActive(d.id)).get("cpuPct:14")).toMatchObject({ median: 30 });
    expect(await listPendingBaselines(t.prisma, { deviceId: d.id })).toEqual([]);
    expect(await approvePendingBaseline(t.prisma, { id: pending!.id, actorId: analyst.id })).toBe(false);
    const audit = await t.prisma.auditLog.findFirst({ where: { entityType: "baseline", entityId: String(pending!.id) } });
    expect(audit).toMatchObject({ actorId: analyst.id, action: "baseline.approve", after: { decision: "approved" } });

    // Once approved, the same level is the reference: the next retrain accepts it.
    expect(await train(MONDAY + WEEK + DAY)).toMatchObject({ held: 0 });
  });

  it("rejecting keeps the previous bucket; a proposal superseded by a newer retrain can no longer be decided", async () => {
    const d = await device();
    const train = (until: number) =>
      trainBaselines({ prisma: t.prisma, pool: pool(), devices: [d], until: new Date(until), log, windowDays: 1 });
    await insertSamples(pool(), cpuDay(d.id, MONDAY, () => 20));
    await train(MONDAY + DAY);
    await insertSamples(pool(), cpuDay(d.id, MONDAY + WEEK, () => 40));
    expect(await train(MONDAY + WEEK + DAY)).toMatchObject({ held: 24 });

    const firstProposals = await listPendingBaselines(t.prisma, { deviceId: d.id });
    expect(firstProposals).toHaveLength(24);
    // Retraining over the same data proposes again in the new version; the old proposals are stale.
    await train(MONDAY + WEEK + DAY);
    const stale = firstProposals[0]!;
    expect(await approvePendingBaseline(t.prisma, { id: stale.id, actorId: null })).toBe(false);
    expect(await rejectPendingBaseline(t.prisma, { id: stale.id, actorId: null })).toBe(false);

    const current = await listPendingBaselines(t.prisma, { deviceId: d.id });
    expect(current.map((p) => p.version)).toEqual(Array<number>(24).fill(3));
    const fourteen = current.find((p) => p.proposed.hourOfWeek === 14)!;
    expect(await rejectPendingBaseline(t.prisma, { id: fourteen.id, actorId: null })).toBe(true);
    expect((await latestActive(d.id)).get("cpuPct:14")).toMatchObject({ median: 20 });
    expect(await listPendingBaselines(t.prisma, { deviceId: d.id })).toHaveLength(23);
    expect(await approvePendingBaseline(t.prisma, { id: fourteen.id, actorId: null })).toBe(false);
  });

  it("accepts a shrinking baseline without approval", async () => {
    const d = await device();
    const train = (until: number) =>
      trainBaselines({ prisma: t.prisma, pool: pool(), devices: [d], until: new Date(until), log, windowDays: 1 });
    await insertSamples(pool(), cpuDay(d.id, MONDAY, () => 60));
    await train(MONDAY + DAY);
    await insertSamples(pool(), cpuDay(d.id, MONDAY + WEEK, () => 10));
    expect(await train(MONDAY + WEEK + DAY)).toMatchObject({ held: 0 });
    expect((await latestActive(d.id)).get("cpuPct:3")).toMatchObject({ median: 10 });
  });
});

describe("trainBaselines against sampling noise", () => {
  const retrainWeekly = (d: DeviceSummary, noiseK?: number) => (week: number) =>
    trainBaselines({ prisma: t.prisma, pool: pool(), devices: [d], until: new Date(MONDAY + week * WEEK + DAY), log, windowDays: 1, noiseK });

  it("does not hold thin noisy buckets (12 samples an hour) that the plain 20 % cap holds by the dozen", async () => {
    const d = await device();
    const plainCap = await device();
    const cpu = noisyCpu(7, 20);
    const summaries = [];
    const plainSummaries = [];
    for (let week = 0; week < 6; week++) {
      // The same fresh draws for both devices: one capped by the new rule, one by the plain 20 % cap.
      const day = cpuDayEvery5(d.id, MONDAY + week * WEEK, cpu);
      await insertSamples(pool(), day);
      await insertSamples(pool(), day.map((s) => ({ ...s, deviceId: plainCap.id })));
      summaries.push(await retrainWeekly(d)(week));
      plainSummaries.push(await retrainWeekly(plainCap, 0)(week));
    }
    expect(summaries.map((s) => s.held)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await listPendingBaselines(t.prisma, { deviceId: d.id })).toEqual([]);
    // What the old rule did with the same data: dozens of buckets held.
    expect(plainSummaries.reduce((n, s) => n + s.held, 0)).toBeGreaterThan(20);
  });

  it("keeps a sustained doubling held over consecutive retrains, and releases it when the level comes back", async () => {
    const d = await device();
    const retrain = retrainWeekly(d);
    // Noise of about ±15 %: a doubling is far beyond it even with 12 samples an hour.
    const level = (median: number, seed: number) => cpuDayEvery5(d.id, 0, noisyCpu(seed, median, 0.15));
    const atWeek = (samples: MetricSample[], week: number) =>
      samples.map((s) => ({ ...s, ts: new Date(MONDAY + week * WEEK + s.ts.getTime()) }));

    await insertSamples(pool(), atWeek(level(20, 21), 0));
    await retrain(0);
    const reference = (await latestActive(d.id)).get("cpuPct:14")!;

    // CPU doubles at 14:00 (the other hours keep their level) and stays doubled for three weeks.
    for (const week of [1, 2, 3]) {
      const doubled = level(20, 21 + week).map((s) => {
        const at14 = s.ts.getTime() >= 14 * HOUR && s.ts.getTime() < 15 * HOUR;
        return { ...s, values: { ...s.values, cpuPct: s.values.cpuPct! * (at14 ? 2 : 1) } };
      });
      await insertSamples(pool(), atWeek(doubled, week));
      expect(await retrain(week)).toMatchObject({ held: 1 });
      // Still compared with, and still using, the bucket from before the doubling.
      expect((await latestActive(d.id)).get("cpuPct:14")).toMatchObject({ median: reference.median, p95: reference.p95 });
      const pending = await listPendingBaselines(t.prisma, { deviceId: d.id });
      expect(pending.map((p) => [p.version, p.proposed.hourOfWeek])).toEqual([[week + 1, 14]]);
      expect(pending[0]!.proposed.median).toBeGreaterThan(1.6 * reference.median);
    }

    // Back to the old level: accepted, nothing pending any more.
    await insertSamples(pool(), atWeek(level(20, 30), 4));
    expect(await retrain(4)).toMatchObject({ held: 0 });
    expect(await listPendingBaselines(t.prisma, { deviceId: d.id })).toEqual([]);
    expect((await latestActive(d.id)).get("cpuPct:14")!.median).toBeLessThan(1.3 * reference.median);
  });
});

describe("baseline storage", () => {
  it("round-trips the robust statistics, and reads rows stored before they existed", async () => {
    const d = await device();
    const trained = trainBaselineIndex(cpuDay(d.id, MONDAY, (m) => 20 + (m % 7)));
    const rows = [...trained].map(([key, bucket]) => ({ ...bucket, metric: key.split(":")[0]! }));
    await saveBaselines(t.prisma, d.id, rows, new Date(MONDAY + DAY));
    const loaded = await latestActive(d.id);
    expect([...loaded.keys()].sort()).toEqual([...trained.keys()].sort());
    // Doubles may come back one unit in the last place off through the driver.
    for (const [key, bucket] of trained) {
      for (const [stat, value] of Object.entries(bucket)) {
        expect(loaded.get(key)?.[stat as keyof typeof bucket], `${key} ${stat}`).toBeCloseTo(value, 9);
      }
    }

    const legacy = await device();
    await saveBaselines(
      t.prisma,
      legacy.id,
      [{ metric: "cpuPct", hourOfWeek: 14, mean: 40, std: 10, median: 40, p95: 56, p99: 63, sampleCount: 60 }],
      new Date(MONDAY + DAY),
    );
    const stored = await t.prisma.baseline.findFirst({ where: { deviceId: legacy.id } });
    expect(stored).toMatchObject({ p05: null, p25: null, p75: null, mad: null, status: "active" });
    expect((await latestActive(legacy.id)).get("cpuPct:14")?.mad).toBeCloseTo(6.745, 9);
  });

  it("keeps the three newest versions", async () => {
    const d = await device();
    const row = { metric: "cpuPct", hourOfWeek: 1, mean: 1, std: 0, median: 1, p95: 1, p99: 1, sampleCount: 10 };
    for (let i = 0; i < 5; i++) await saveBaselines(t.prisma, d.id, [row], new Date(MONDAY + i * DAY), [{ ...row, median: 9 }]);
    const versions = await t.prisma.baseline.findMany({ where: { deviceId: d.id }, select: { version: true, status: true }, orderBy: [{ version: "asc" }, { status: "asc" }] });
    expect(versions).toEqual([3, 4, 5].flatMap((version) => [{ version, status: "active" }, { version, status: "pending" }]));
  });
});
