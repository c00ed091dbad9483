// The worker's detection pipeline against a real database: tuned detector settings, suppression rules
// and the business calendar take effect without a restart; alerts carry type, contributions and
// recommended actions; threats of different types on one device become a campaign; baselines retrained
// or approved elsewhere reach the running pipeline; the scheduled
// training stores baselines, role forests and a peer-group run; forecasts are stored per device.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAlertView } from "../../lib/db/alert-queries";
import { approvePendingBaseline, listPendingBaselines, saveBaselines } from "../../lib/db/baseline-queries";
import { saveDetectorSetting } from "../../lib/db/detection-settings-queries";
import { listDevices, type DeviceSummary } from "../../lib/db/device-queries";
import { getForecast } from "../../lib/db/forecast-queries";
import { latestPeerGroupRun } from "../../lib/db/peer-group-queries";
import { pool } from "../../lib/db/pool";
import { insertSamples } from "../../lib/db/sample-queries";
import { hourOfWeekZScore } from "../../lib/detect/detectors/hour-of-week-zscore";
import { trainBaselineIndex } from "../../lib/detect/baseline/hour-of-week-baseline";
import { createLogger } from "../../lib/log";
import { demoFleet } from "../../lib/simulator/demo-fleet";
import { createNetworkModel } from "../../lib/simulator/network-model";
import { emptyMetricValues, type MetricSample } from "../../lib/telemetry/metrics";
import type { Clock } from "../../workers/clock";
import { createDetectionPipeline, type DetectionPipeline } from "../../workers/detection-pipeline";
import { ForecastScheduler } from "../../workers/forecasting";
import { trainDetectionModels } from "../../workers/model-training";
import { postgresPipelineStore, type PipelineStore } from "../../workers/pipeline-store";
import { makeDetection } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { waitFor } from "./wait-for";

const MINUTE = 60_000;
const DAY = 86_400_000;
const log = createLogger("test:settings", { level: "error" });
const T0 = Date.parse("2026-03-09T00:00:00Z"); // a Monday
const clock: Clock = { now: () => T0 + 8 * DAY, sleep: async () => undefined };

let t: TestDatabase;
let devices: DeviceSummary[];

beforeAll(async () => {
  t = await createTestDatabase();
  await t.prisma.device.createMany({
    data: demoFleet(12, 3).map(({ config, ...d }) => ({ ...d, config: config as object })),
  });
  devices = await listDevices(t.prisma);
  // a week of the demo network's ordinary behaviour for every device
  const model = createNetworkModel({ devices: demoFleet(12, 3), seed: 3 });
  for (let day = 0; day < 7; day++) {
    const batch: MetricSample[] = [];
    for (let m = T0 + day * DAY; m < T0 + (day + 1) * DAY; m += MINUTE) {
      devices.forEach((d, i) => batch.push({ deviceId: d.id, ts: new Date(m), values: model.valuesAt(i, new Date(m)) }));
    }
    await insertSamples(pool(), batch);
  }
  // the z-score detector is off by default since the adaptive baseline replaced it: an engineer turns it
  // on fleet-wide on the tuning page, and the per-device settings below tune it from there
  await saveDetectorSetting(t.prisma, { detector: "hour-of-week-zscore", scope: "global", config: { enabled: true }, actorId: null });
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

/**
 * A pipeline with only the z-score detector (turned on by the stored global setting), whose settings re-read
 * is under the test's control.
 */
function zPipeline(device: DeviceSummary, store: PipelineStore = postgresPipelineStore(t.prisma, pool())) {
  let elapsed = 0;
  const pipeline = createDetectionPipeline({
    store,
    lookupDevice: (id) => devices.find((d) => d.id === id),
    log,
    clock,
    detectors: [hourOfWeekZScore],
    elapsedMs: () => elapsed,
  });
  // a steady CPU of 20 % ± 1, 1 Mbps ± 2 % inbound and no packet loss, every minute of the week
  const history: MetricSample[] = [];
  for (let m = T0; m < T0 + 7 * DAY; m += MINUTE) {
    const wobble = ((m / MINUTE) % 3) - 1;
    history.push({
      deviceId: device.id,
      ts: new Date(m),
      values: { ...emptyMetricValues(), cpuPct: 20 + wobble, bandwidthInBps: 1e6 * (1 + 0.02 * wobble), packetLossPct: 0 },
    });
  }
  pipeline.setBaselines(new Map([[device.id, trainBaselineIndex(history)]]), new Date(T0 + 7 * DAY));
  return {
    pipeline,
    /** The next ingest re-reads settings. */
    refresh: () => {
      elapsed += 60_000;
    },
  };
}

function cpuMinute(device: DeviceSummary, minute: number, cpuPct: number, extra: Partial<MetricSample["values"]> = {}): MetricSample {
  return { deviceId: device.id, ts: new Date(T0 + 7 * DAY + minute * MINUTE), values: { ...emptyMetricValues(), cpuPct, ...extra } };
}

async function ingest(pipeline: DetectionPipeline, sample: MetricSample) {
  return pipeline.ingest({ samples: [sample], flows: [], syslog: [] });
}

describe("detection settings in the running pipeline", () => {
  it("raises a typed alert with recommended actions, then stays quiet once a higher threshold is saved", async () => {
    const device = devices[0]!;
    const { pipeline, refresh } = zPipeline(device);
    expect((await ingest(pipeline, cpuMinute(device, 0, 60))).alertsCreated).toBe(1);
    const alert = await t.prisma.alert.findFirstOrThrow({ where: { deviceId: device.id }, orderBy: { id: "desc" } });
    expect(alert.alertType).toBe("cpu_exhaustion");
    const view = (await getAlertView(t.prisma, alert.id, null))!;
    expect(view.title).toBe("CPU exhaustion");
    expect(view.recommendedActions.length).toBeGreaterThan(1);

    const saves = () => t.prisma.auditLog.count({ where: { action: "detector_setting.save" } });
    const savedBefore = await saves();
    // on top of the global setting that turned the detector on: the device keeps it on, at threshold 1000
    await saveDetectorSetting(t.prisma, { detector: "hour-of-week-zscore", scope: "device", target: device.name, config: { threshold: 1000 }, actorId: null });
    refresh();
    // nothing found at all (not merely folded into the open alert)
    expect(await ingest(pipeline, cpuMinute(device, 30, 60))).toMatchObject({ alertsCreated: 0, alertsUpdated: 0 });
    expect(await saves()).toBe(savedBefore + 1);
  });

  it("records alerts matching a suppression rule or explained by an announced surge as suppressed", async () => {
    const device = devices[1]!;
    const { pipeline, refresh } = zPipeline(device);
    const rule = await t.prisma.suppressionRule.create({ data: { device: `${device.name.slice(0, 4)}*`, type: "cpu_exhaustion", reason: "load test" } });
    refresh();
    await ingest(pipeline, cpuMinute(device, 0, 60));
    const suppressed = await t.prisma.alert.findFirstOrThrow({ where: { deviceId: device.id }, orderBy: { id: "desc" } });
    expect(suppressed.status).toBe("suppressed");
    expect((suppressed.expected as { suppression: { kind: string; ruleId: number } }).suppression).toMatchObject({ kind: "rule", ruleId: rule.id });
    await t.prisma.suppressionRule.delete({ where: { id: rule.id } });

    // an announced surge explains a traffic spike of its size, on the devices it names only
    const at = T0 + 7 * DAY + 120 * MINUTE;
    await t.prisma.calendarEntry.create({
      data: { name: "launch", startsAt: new Date(at - MINUTE), endsAt: new Date(at + 60 * MINUTE), expectedIncrease: 4, devices: [device.name] },
    });
    refresh();
    const other = devices[2]!;
    const second = zPipeline(other);
    const spike = (d: DeviceSummary) => cpuMinute(d, 120, 20, { bandwidthInBps: 3e6, packetLossPct: 0 });
    await ingest(pipeline, spike(device));
    await ingest(second.pipeline, spike(other));
    const latestBandwidthAlert = (d: DeviceSummary) =>
      t.prisma.alert.findFirstOrThrow({ where: { deviceId: d.id, metric: "bandwidthInBps" }, orderBy: { id: "desc" } });
    const mine = await latestBandwidthAlert(device);
    const theirs = await latestBandwidthAlert(other);
    expect(mine.status).toBe("suppressed");
    expect((mine.expected as { suppression: { kind: string; name: string } }).suppression).toMatchObject({ kind: "calendar", name: "launch" });
    expect(theirs.status).toBe("open");
    // far beyond the announced ×4 (with its 1.5 tolerance) is raised even on the named device
    await ingest(pipeline, cpuMinute(device, 140, 20, { bandwidthInBps: 9e6, packetLossPct: 0 }));
    const beyond = await t.prisma.alert.findMany({ where: { deviceId: device.id, metric: "bandwidthInBps" }, orderBy: { id: "asc" } });
    expect(beyond.map((a) => a.status)).toEqual(["suppressed", "open"]);
  });

  it("correlates threats of different types on one device into a campaign, and not health alerts", async () => {
    const device = devices[3]!;
    const { pipeline } = zPipeline(device);
    const at = (minute: number) => new Date(T0 + 7 * DAY + minute * MINUTE).toISOString();
    const threat = (anomalyType: string, minute: number, severity: "medium" | "high") => ({
      deviceId: device.id,
      detection: makeDetection(device.id, { detector: `flow-${anomalyType}`, anomalyType, severity, observed: { value: 1, ts: at(minute) } }),
    });
    // health alerts (CPU exhaustion, link down) on the same device are not threats
    await ingest(pipeline, cpuMinute(device, 0, 70));
    await ingest(pipeline, cpuMinute(device, 2, 20, { packetLossPct: 100 }));
    expect(await t.prisma.campaign.count()).toBe(0);
    // a port scan, then an exfiltration 10 minutes later: one campaign, escalated
    await pipeline.recordFindings([threat("port_scan", 3, "high"), threat("exfiltration", 13, "high")]);
    const campaign = await t.prisma.campaign.findFirstOrThrow({ include: { alerts: true } });
    expect(campaign.types).toEqual(["port_scan", "exfiltration"]);
    expect(campaign.alerts.map((a) => a.alertType).sort()).toEqual(["exfiltration", "port_scan"]);
    expect(campaign.severity).toBe("critical");
    expect(campaign.confidence).toBeCloseTo(1 - 0.2 * 0.2, 5);
    expect(await t.prisma.event.count({ where: { type: "campaign.updated" } })).toBe(1);
  });

  it("keeps one alert per device and type, whichever detector or metric found it", async () => {
    const device = devices[4]!;
    const { pipeline } = zPipeline(device);
    const ts = new Date(T0 + 7 * DAY + 200 * MINUTE).toISOString();
    await pipeline.recordFindings([
      { deviceId: device.id, detection: makeDetection(device.id, { detector: "flow-ddos", anomalyType: "ddos", metric: "packetsPerSec", observed: { value: 9e5, ts } }) },
      { deviceId: device.id, detection: makeDetection(device.id, { detector: "robust-zscore", anomalyType: "ddos", metric: "bandwidthInBps", observed: { value: 9e9, ts } }) },
    ]);
    const alerts = await t.prisma.alert.findMany({ where: { deviceId: device.id } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ detector: "flow-ddos", alertType: "ddos", occurrences: 2 });
  });
});

describe("alert recording that fails", () => {
  it("is retried at the next ingest under its key: a lost reply neither doubles the occurrence nor re-stores the minute", async () => {
    const device = devices[5]!;
    // the real store, but the reply to the first alert recording is lost after it committed
    const real = postgresPipelineStore(t.prisma, pool());
    let lose = 1;
    const store = {
      ...real,
      async recordAlert(record: Parameters<typeof real.recordAlert>[0]) {
        const recorded = await real.recordAlert(record);
        if (lose-- > 0) throw new Error("connection lost before the reply");
        return recorded;
      },
    };
    const { pipeline } = zPipeline(device, store);
    // the minute is stored and judged; the failed recording does not fail the ingest (no batch retry)
    expect(await ingest(pipeline, cpuMinute(device, 0, 60))).toMatchObject({ stored: 1, alertsCreated: 0, alertsUpdated: 0 });
    const alert = await t.prisma.alert.findFirstOrThrow({ where: { deviceId: device.id } });
    expect(alert.occurrences).toBe(1);
    // the next ingest (a quiet minute) retries the recording: already applied, so nothing changes
    await ingest(pipeline, cpuMinute(device, 1, 20));
    expect(await t.prisma.alert.findMany({ where: { deviceId: device.id } })).toEqual([expect.objectContaining({ id: alert.id, occurrences: 1 })]);
    expect(await t.prisma.event.count({ where: { type: "alert.created" } })).toBe(await t.prisma.alert.count());
  });
});

describe("baselines changed by another process", () => {
  it("reach a running pipeline at its next re-read: the leader's retrain, then an analyst's approval", async () => {
    const device = devices[6]!;
    let elapsed = 0;
    const pipeline = createDetectionPipeline({
      store: postgresPipelineStore(t.prisma, pool()),
      lookupDevice: (id) => devices.find((d) => d.id === id),
      log,
      clock,
      detectors: [hourOfWeekZScore],
      elapsedMs: () => elapsed,
    });
    await pipeline.reloadBaselines();
    // no baseline for the device yet: CPU 60 % is judged against nothing
    expect(await ingest(pipeline, cpuMinute(device, 0, 60))).toMatchObject({ alertsCreated: 0, alertsUpdated: 0 });
    // another worker (the cluster's leader) retrains: CPU ~30 % is normal at this hour, 60 % held for approval
    const bucket = (median: number) => ({ metric: "cpuPct", hourOfWeek: 0, mean: median, std: 5, median, p05: median - 8, p25: median - 3, p75: median + 3, p95: median + 8, p99: median + 10, mad: 3, sampleCount: 120 });
    await saveBaselines(t.prisma, device.id, [bucket(30)], new Date(T0 + 7 * DAY), [bucket(60)]);
    // the next ingest re-reads (its settings' pace) and reloads the baselines in the background
    elapsed += 60_000;
    let minute = 1;
    await waitFor("the retrained baseline in use", async () => (await ingest(pipeline, cpuMinute(device, minute++, 60))).alertsCreated === 1, 10_000);
    expect(pipeline.baselinesTrainedAt()).toEqual(new Date(T0 + 7 * DAY));
    // an admin approves the held bucket in the web app: 60 % is the new normal, for this worker too
    const [held] = await listPendingBaselines(t.prisma, { deviceId: device.id });
    expect(await approvePendingBaseline(t.prisma, { id: held!.id, actorId: null })).toBe(true);
    elapsed += 60_000;
    await waitFor("the approved bucket in use", async () => {
      const result = await ingest(pipeline, cpuMinute(device, minute++, 60));
      return result.alertsCreated === 0 && result.alertsUpdated === 0;
    }, 10_000);
    expect(minute).toBeLessThan(60); // still in the hour of the week the buckets describe
  });
});

describe("scheduled learning", () => {
  it("trains baselines, role forests and peer groups in one pass, and stores 7-day forecasts", { timeout: 180_000 }, async () => {
    const pipeline = createDetectionPipeline({ store: postgresPipelineStore(t.prisma, pool()), lookupDevice: (id) => devices.find((d) => d.id === id), log, clock });
    const summary = await trainDetectionModels({ prisma: t.prisma, pool: pool(), devices, until: new Date(T0 + 7 * DAY), log, pipeline });
    expect(summary.devicesTrained).toBe(devices.length);
    expect(summary.roleModels).toBeGreaterThan(1);
    expect(pipeline.baselinesTrainedAt()?.toISOString()).toBe(new Date(T0 + 7 * DAY).toISOString());
    const run = await latestPeerGroupRun(t.prisma);
    expect(run?.result.devices.map((d) => d.device).sort()).toEqual(devices.map((d) => d.name).sort());
    expect(run!.result.k).toBeGreaterThanOrEqual(1);

    const forecasting = new ForecastScheduler({ prisma: t.prisma, pool: pool(), pipeline, log, devices: () => devices });
    await forecasting.tick(T0 + 7 * DAY);
    const forecast = await getForecast(t.prisma, devices[0]!.id, "bandwidthInBps");
    expect(forecast?.method).toBe("mstl");
    const horizon = forecast!.points.slice(forecast!.firstForecastIndex);
    expect(horizon).toHaveLength(168);
    for (const p of horizon) expect(p.lower).toBeLessThanOrEqual(p.upper);
    expect(forecast!.capacity).toBe(devices[0]!.capacityBps);
    // memory is forecast as well, to the memory-leak detector's exhaustion level (its ETA)
    const memory = await getForecast(t.prisma, devices[0]!.id, "memoryPct");
    expect(memory?.capacity).toBe(95);
    expect(memory!.points.slice(memory!.firstForecastIndex)).toHaveLength(168);
  });
});
