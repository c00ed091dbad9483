// The device page's API: what an analyst sees of one device — its metrics downsampled and anchored at
// its newest sample (not the wall clock), its newest active baselines as a week grid, and the
// maintenance windows that cover it (and none that do not).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DeviceDetailResponse } from "../../lib/dashboards/device-detail";
import type { BaselineRow } from "../../lib/detect/baseline/hour-of-week-baseline";
import { emptyMetricValues, type MetricSample } from "../../lib/telemetry/metrics";
import { makeDevice, makeUser } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { GET } = await import("../../app/api/devices/[id]/route");
const { insertSamples } = await import("../../lib/db/sample-queries");
const { saveBaselines } = await import("../../lib/db/baseline-queries");
const { pool } = await import("../../lib/db/pool");

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Data time days before the wall clock, as after a simulator's catch-up or a device gone quiet.
const FIRST_SAMPLE = Date.parse("2026-11-14T12:00:00.000Z");
const SAMPLE_MINUTES = 3 * 24 * 60 + 1;
const NEWEST_SAMPLE = FIRST_SAMPLE + (SAMPLE_MINUTES - 1) * MINUTE;

let t: TestDatabase;
let viewer: number;
let deviceId: number;
let quietId: number;

function baselineRows(metric: string, meanOf: (how: number) => number): BaselineRow[] {
  return Array.from({ length: 168 }, (_, how) => {
    const mean = meanOf(how);
    return { metric, hourOfWeek: how, mean, std: 1, median: mean - 0.5, p05: mean - 2, p25: mean - 1, p75: mean + 1, p95: mean + 2, p99: mean + 3, mad: 1, sampleCount: 60 + (how % 5) };
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  viewer = (await makeUser(t.prisma, "viewer")).id;
  const device = await makeDevice(t.prisma, "srv-hq-7", { site: "hq", role: "server" });
  const other = await makeDevice(t.prisma, "fw-dc1-1", { site: "dc1", role: "firewall" });
  deviceId = device.id;
  quietId = (await makeDevice(t.prisma, "sw-new-1", { site: "lab", role: "access-switch" })).id;

  // Minute samples: CPU counts the minutes since the first sample (so a bin's mean is known exactly),
  // bandwidth is constant; no other metric is reported. The other device has newer data that must not leak.
  const samples: MetricSample[] = [];
  for (let i = 0; i < SAMPLE_MINUTES; i++) {
    const values = { ...emptyMetricValues(), cpuPct: i, bandwidthInBps: 5e8 };
    samples.push({ deviceId, ts: new Date(FIRST_SAMPLE + i * MINUTE), values });
  }
  samples.push({ deviceId: other.id, ts: new Date(NEWEST_SAMPLE + DAY), values: { ...emptyMetricValues(), cpuPct: 99 } });
  await insertSamples(pool(), samples);

  // Two trainings: only the newest one's active rows are shown, never its held (pending) proposal.
  await saveBaselines(t.prisma, deviceId, [...baselineRows("cpuPct", () => 1), ...baselineRows("bandwidthInBps", () => 1)], new Date("2026-11-10T00:00:00Z"));
  await saveBaselines(
    t.prisma,
    deviceId,
    [...baselineRows("cpuPct", (how) => 10 + how), ...baselineRows("bandwidthInBps", (how) => 1e6 * (how + 1))],
    new Date("2026-11-13T00:00:00Z"),
    [{ ...baselineRows("cpuPct", () => 500)[38]!, hourOfWeek: 38 }],
  );

  // Maintenance windows, scheduled against the wall clock.
  const now = Date.now();
  const window = (reason: string, data: { scope: "all" | "site" | "role" | "device"; scopeValue?: string; deviceIds?: number[] }, startsAt: number, hours: number, recurrence: "none" | "daily" | "weekly" = "none") =>
    t.prisma.maintenanceWindow.create({
      data: { ...data, startsAt: new Date(startsAt), endsAt: new Date(startsAt + hours * HOUR), recurrence, reason },
    });
  await window("hq power work", { scope: "site", scopeValue: "hq" }, now - HOUR, 2);
  await window("server patching", { scope: "role", scopeValue: "server" }, now + 2 * DAY, 3, "weekly");
  await window("nightly backup", { scope: "device", deviceIds: [deviceId, other.id] }, now - 10 * DAY + 3 * HOUR, 1, "daily");
  await window("fleet upgrade", { scope: "all" }, now + 20 * DAY, 4);
  // none of these cover srv-hq-7 (or they are over)
  await window("dc1 cabling", { scope: "site", scopeValue: "dc1" }, now - HOUR, 2);
  await window("firewall rules", { scope: "role", scopeValue: "firewall" }, now + DAY, 1, "weekly");
  await window("firewall reboot", { scope: "device", deviceIds: [other.id] }, now + DAY, 1);
  await window("last week's upgrade", { scope: "all" }, now - 7 * DAY, 2);
});

afterAll(async () => {
  await t?.drop();
});

const get = (id: string, query = "") =>
  GET(new Request(`http://localhost:3000/api/devices/${id}${query}`, { headers: { host: "localhost:3000" } }), {
    params: Promise.resolve({ id }),
  });

async function detail(id: number, query = ""): Promise<DeviceDetailResponse> {
  const res = await get(String(id), query);
  expect(res.status).toBe(200);
  return (await res.json()) as DeviceDetailResponse;
}

describe("GET /api/devices/:id", () => {
  it("needs a session", async () => {
    session.userId = null;
    expect((await get(String(deviceId))).status).toBe(401);
  });

  it("names the field of a bad id or query and answers 404 for an unknown device", async () => {
    session.userId = viewer;
    for (const [id, query, field] of [
      ["abc", "", "id"],
      ["0", "", "id"],
      [String(deviceId), "?range=2h", "range"],
      [String(deviceId), "?baselineMetric=bogus", "baselineMetric"],
      [String(deviceId), "?colour=red", undefined],
    ] as const) {
      const res = await get(id, query);
      expect(res.status, `${id}${query}`).toBe(400);
      const body = (await res.json()) as { error: { field?: string; message: string } };
      expect(body.error.field).toBe(field);
    }
    const missing = await get("999999");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe("Device not found");
  });

  it("shows the device with its facts and that a window covers it now", async () => {
    session.userId = viewer;
    const { device } = await detail(deviceId);
    expect(device).toEqual({
      id: deviceId,
      name: "srv-hq-7",
      role: "server",
      site: "hq",
      tags: [],
      status: "active",
      managementIp: "10.0.0.1",
      capacityBps: null,
      lastSeenAt: null,
      inMaintenance: true,
    });
    expect((await detail(quietId)).device.inMaintenance).toBe(false);
  });

  it("charts 24 hours in 5-minute means ending at the newest sample, not at now", async () => {
    session.userId = viewer;
    const { series } = await detail(deviceId, "?range=24h");
    expect(series.range).toBe("24h");
    expect(series.binMinutes).toBe(5);
    expect(series.newestSampleAt).toBe(new Date(NEWEST_SAMPLE).toISOString());
    expect(series.to).toBe(new Date(NEWEST_SAMPLE + 5 * MINUTE).toISOString());
    expect(series.from).toBe(new Date(NEWEST_SAMPLE + 5 * MINUTE - DAY).toISOString());
    expect(series.timestamps).toHaveLength(288);
    expect(series.timestamps.at(-1)).toBe(new Date(NEWEST_SAMPLE).toISOString());
    // only the metrics the device reported, in the usual order
    expect(series.metrics.map((m) => m.metric)).toEqual(["bandwidthInBps", "cpuPct"]);
    const cpu = series.metrics.find((m) => m.metric === "cpuPct")!;
    expect(cpu).toMatchObject({ label: "CPU", unit: "%" });
    expect(cpu.values).toHaveLength(288);
    series.timestamps.forEach((ts, i) => {
      const firstMinute = (Date.parse(ts) - FIRST_SAMPLE) / MINUTE;
      // the newest bin holds one minute only; every other one five
      const expected = i === series.timestamps.length - 1 ? firstMinute : firstMinute + 2;
      expect(cpu.values[i]).toBeCloseTo(expected, 9);
    });
    expect(series.metrics[0]!.values.every((v) => v === 5e8)).toBe(true);
  });

  it("keeps a week within the point budget with hourly means", async () => {
    session.userId = viewer;
    const { series } = await detail(deviceId, "?range=7d");
    expect(series.binMinutes).toBe(60);
    // three days of data fill 73 of the week's 168 hourly bins
    expect(series.timestamps).toHaveLength(73);
    expect(series.timestamps[0]).toBe(new Date(FIRST_SAMPLE).toISOString());
    const cpu = series.metrics.find((m) => m.metric === "cpuPct")!;
    expect(cpu.values[0]).toBeCloseTo(29.5, 9);
    const six = await detail(deviceId, "?range=6h");
    expect(six.series.binMinutes).toBe(2);
    expect(six.series.timestamps.length).toBeLessThanOrEqual(300);
    expect(six.series.timestamps.at(-1)).toBe(new Date(NEWEST_SAMPLE).toISOString());
  });

  it("answers an empty series for a device without samples", async () => {
    session.userId = viewer;
    const { series, baselines } = await detail(quietId);
    expect(series).toMatchObject({ newestSampleAt: null, from: null, to: null, timestamps: [], metrics: [] });
    expect(baselines).toEqual({ metrics: [], metric: null, version: null, trainedAt: null, cells: [] });
  });

  it("fills the heatmap with the newest training's active baselines for the chosen metric", async () => {
    session.userId = viewer;
    const { baselines } = await detail(deviceId, "?baselineMetric=cpuPct");
    expect(baselines.metrics).toEqual(["bandwidthInBps", "cpuPct"]);
    expect(baselines.metric).toBe("cpuPct");
    expect(baselines.version).toBe(2);
    expect(baselines.trainedAt).toBe("2026-11-13T00:00:00.000Z");
    expect(baselines.cells).toHaveLength(168);
    expect(baselines.cells.map((c) => c.hourOfWeek)).toEqual(Array.from({ length: 168 }, (_, i) => i));
    // Tuesday 14:00 UTC: the stored active bucket, not the held proposal of 500
    expect(baselines.cells[38]).toEqual({ hourOfWeek: 38, mean: 48, median: 47.5, p05: 46, p95: 50, sampleCount: 63 });
    // without a choice (or an untrained one) the heatmap opens on inbound bandwidth
    const byDefault = await detail(deviceId);
    expect(byDefault.baselines.metric).toBe("bandwidthInBps");
    expect(byDefault.baselines.cells[0]).toMatchObject({ hourOfWeek: 0, mean: 1e6 });
    expect((await detail(deviceId, "?baselineMetric=latencyMs")).baselines.metric).toBe("bandwidthInBps");
  });

  it("lists the current and upcoming windows that cover the device, active first, with their next occurrence", async () => {
    session.userId = viewer;
    const before = Date.now();
    const { maintenanceWindows } = await detail(deviceId);
    expect(maintenanceWindows.map((w) => w.reason)).toEqual(["hq power work", "nightly backup", "server patching", "fleet upgrade"]);
    const [power, backup, patching, upgrade] = maintenanceWindows;
    expect(power).toMatchObject({ activeNow: true, scope: "site", scopeValue: "hq", nextOccurrence: { start: power!.startsAt, end: power!.endsAt } });
    expect(backup!.activeNow).toBe(false);
    expect(backup!.devices.map((d) => d.name)).toEqual(["srv-hq-7", "fw-dc1-1"]);
    // the daily window's next run is today's (or tomorrow's) at its time of day
    const nextBackup = Date.parse(backup!.nextOccurrence!.start);
    expect(nextBackup).toBeGreaterThan(before);
    expect(nextBackup).toBeLessThanOrEqual(before + DAY);
    expect((nextBackup - Date.parse(backup!.startsAt)) % DAY).toBe(0);
    expect(patching).toMatchObject({ activeNow: false, recurrence: "weekly", nextOccurrence: { start: patching!.startsAt } });
    expect(upgrade).toMatchObject({ activeNow: false, scope: "all", nextOccurrence: { start: upgrade!.startsAt, end: upgrade!.endsAt } });
    // the other device's view has its own set
    const quiet = await detail(quietId);
    expect(quiet.maintenanceWindows.map((w) => w.reason)).toEqual(["fleet upgrade"]);
  });
});
