// The Clusters, Forecasts and Campaigns dashboard APIs through their real route handlers and a real
// database, seeded the way the worker writes: a peer-group run from clusterPeerGroups, an MSTL forecast
// with its samples, and a correlator campaign over recorded alerts. Only next-auth's cookie decoding
// (getServerSession) is replaced.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { makeDetection, makeDevice, makeUser } from "./fixtures";
import type { MetricName } from "../../lib/telemetry/metrics";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { GET: getClusters } = await import("../../app/api/clusters/route");
const { GET: getForecasts } = await import("../../app/api/forecasts/route");
const { GET: getForecastOptions } = await import("../../app/api/forecasts/options/route");
const { GET: getCampaigns } = await import("../../app/api/campaigns/route");
const { recordDetection } = await import("../../lib/db/alert-recording-queries");
const { CampaignCorrelator } = await import("../../lib/alerts/campaign-correlator");
const { saveCampaign } = await import("../../lib/db/campaign-queries");
const { saveForecast } = await import("../../lib/db/forecast-queries");
const { savePeerGroupRun } = await import("../../lib/db/peer-group-queries");
const { insertSamples } = await import("../../lib/db/sample-queries");
const { pool } = await import("../../lib/db/pool");
const { clusterPeerGroups } = await import("../../lib/detect/peers/cluster-peer-groups");
const { forecastMetric } = await import("../../lib/detect/models/metric-forecast");
const { emptyMetricValues } = await import("../../lib/telemetry/metrics");

type Route = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const HOUR = 3_600_000;
const HISTORY_START = Date.parse("2026-11-14T00:00:00.000Z");
const HISTORY_HOURS = 72;
const CAPACITY_BPS = 400e6;

let t: TestDatabase;
let viewer: number;

async function call(route: Route, url: string): Promise<{ status: number; body: any }> {
  const res = await route(new Request(`http://localhost:3000${url}`), { params: Promise.resolve({}) });
  expect(res.headers.get("content-type")).toContain("application/json");
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  t = await createTestDatabase();
  viewer = (await makeUser(t.prisma, "viewer")).id;
});

afterAll(async () => {
  await t?.drop();
});

beforeEach(() => {
  session.userId = null;
});

describe("authentication", () => {
  it.each([
    ["/api/clusters", () => getClusters],
    ["/api/forecasts?deviceId=1&metric=cpuPct", () => getForecasts],
    ["/api/forecasts/options", () => getForecastOptions],
    ["/api/campaigns", () => getCampaigns],
  ] as const)("GET %s answers 401 JSON without a session", async (url, route) => {
    const { status, body } = await call(route() as Route, url);
    expect(status).toBe(401);
    expect(body.error.code).toBe("unauthorized");
  });
});

describe("GET /api/clusters", () => {
  it("answers { run: null } before the worker has clustered the fleet", async () => {
    session.userId = viewer;
    const { status, body } = await call(getClusters as Route, "/api/clusters");
    expect(status).toBe(200);
    expect(body).toEqual({ run: null });
  });

  it("rejects unknown parameters", async () => {
    session.userId = viewer;
    const { status, body } = await call(getClusters as Route, "/api/clusters?k=3");
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_request");
  });

  it("returns the newest run with device ids, cluster profiles in original units, outliers and drift", async () => {
    // Two behavioural groups of ten; web-10 runs far hotter than its peers (alone in a cluster, so judged
    // against the web servers); db-10 has telnet on where its peers have it off. "gone-1" is in the run
    // but no longer in the inventory.
    const profiles = [];
    for (let i = 1; i <= 10; i++) {
      const jitter = 1 + (i % 4) * 0.05;
      profiles.push({
        device: `web-${i}`,
        features: {
          bandwidthInBpsMean: 80e6 * jitter,
          bandwidthOutBpsMean: 400e6 * jitter,
          connectionsPerSecMean: 900 * jitter,
          cpuPctMean: i === 10 ? 97 : 30 + i,
        },
        config: { snmpVersion: "v3" as const, telnetEnabled: false, sshEnabled: true, httpMgmtEnabled: false },
      });
      profiles.push({
        device: `db-${i}`,
        features: {
          bandwidthInBpsMean: 15e6 * jitter,
          bandwidthOutBpsMean: 6e6 * jitter,
          connectionsPerSecMean: 40 * jitter,
          cpuPctMean: 55 + i,
        },
        config: { snmpVersion: "v3" as const, telnetEnabled: i === 10, sshEnabled: true, httpMgmtEnabled: false },
      });
    }
    profiles.push({
      device: "gone-1",
      features: { bandwidthInBpsMean: 16e6, bandwidthOutBpsMean: 6.5e6, connectionsPerSecMean: 42, cpuPctMean: 57 },
      config: null,
    });
    const result = clusterPeerGroups(profiles);
    const ids = new Map<string, number>();
    for (const p of profiles.filter((p) => p.device !== "gone-1")) {
      const role = p.device.startsWith("web") ? "web-server" : "database";
      ids.set(p.device, (await makeDevice(t.prisma, p.device, { role, site: "dc1" })).id);
    }
    // An older run must not be the one shown.
    await savePeerGroupRun(t.prisma, new Date("2026-11-10T00:00:00.000Z"), clusterPeerGroups(profiles.slice(0, 4)));
    const computedAt = new Date("2026-11-17T12:00:00.000Z");
    await savePeerGroupRun(t.prisma, computedAt, result);

    session.userId = viewer;
    const { status, body } = await call(getClusters as Route, "/api/clusters");
    expect(status).toBe(200);
    const run = body.run;
    expect(run.computedAt).toBe(computedAt.toISOString());
    expect(run.k).toBe(result.k);
    expect(run.k).toBeGreaterThanOrEqual(2);
    expect(run.outlierZ).toBe(result.options.outlierZ);
    expect(run.pcaExplainedVariance[0]).toBeCloseTo(result.pcaExplainedVariance[0], 9);
    expect(run.pcaExplainedVariance[1]).toBeCloseTo(result.pcaExplainedVariance[1], 9);
    expect(run.keyFeatures.map((f: { feature: string }) => f.feature)).toEqual([
      "bandwidthInBpsMean",
      "bandwidthOutBpsMean",
      "connectionsPerSecMean",
      "cpuPctMean",
    ]);

    // cluster profiles: sizes add up; key features are centroids in original units, formatted
    expect(run.clusters).toHaveLength(result.k);
    expect(run.clusters.reduce((n: number, c: { size: number }) => n + c.size, 0)).toBe(profiles.length);
    for (const [i, cluster] of run.clusters.entries()) {
      const source = result.clusters[i]!;
      expect(cluster).toMatchObject({ id: source.id, size: source.size, summary: source.summary, outliers: source.outliers });
      const cpu = cluster.keyFeatures.find((f: { feature: string }) => f.feature === "cpuPctMean");
      expect(cpu.value).toBeCloseTo(source.centroidOriginalUnits.cpuPctMean!, 9);
      expect(cpu.text).toMatch(/^\d+\.\d%$/);
      const bw = cluster.keyFeatures.find((f: { feature: string }) => f.feature === "bandwidthOutBpsMean");
      expect(bw.text).toMatch(/ [kMG]?bps$/);
    }
    const webCluster = result.devices.find((d) => d.device === "web-1")!.cluster;
    const dbCluster = result.devices.find((d) => d.device === "db-1")!.cluster;
    expect(webCluster).not.toBe(dbCluster);

    // devices: in run order, with inventory ids (null for a device no longer in the inventory) and PCA positions
    expect(run.devices).toHaveLength(profiles.length);
    for (const [i, device] of run.devices.entries()) {
      const source = result.devices[i]!;
      expect(device).toMatchObject({
        name: source.device,
        deviceId: ids.get(source.device) ?? null,
        cluster: source.cluster,
        comparedWith: source.comparedWith,
        isOutlier: source.isOutlier,
        hasDrift: source.configDrift.length > 0,
      });
      // Postgres' jsonb keeps ~15 significant digits, so positions come back within float dust.
      expect(device.x).toBeCloseTo(source.pca[0], 9);
      expect(device.y).toBeCloseTo(source.pca[1], 9);
      expect(device.differences).toHaveLength(source.topDifferences.length);
    }
    const web1 = run.devices.find((d: { name: string }) => d.name === "web-1");
    expect(web1).toMatchObject({ role: "web-server", site: "dc1" });
    expect(run.devices.find((d: { name: string }) => d.name === "gone-1")).toMatchObject({ deviceId: null, role: null });

    // why web-10 is unusual: an outlier against the web servers, CPU first, described in words and units
    const web10 = run.devices.find((d: { name: string }) => d.name === "web-10");
    expect(web10).toMatchObject({ isOutlier: true, comparedWith: webCluster });
    expect(web10.cluster).not.toBe(webCluster);
    expect(web10.distanceZ).toBeGreaterThan(run.outlierZ);
    expect(web10.differences[0]).toMatchObject({ feature: "cpuPctMean", label: "CPU (mean)", valueText: "97.0%" });
    expect(web10.differences[0].standardizedDiff).toBeGreaterThan(0);
    expect(web10.differences[0].description).toMatch(/^CPU \(mean\) 97\.0%, [\d.]+ points above the peer mean of 3\d\.\d%$/);
    expect(run.clusters.find((c: { id: number }) => c.id === web10.cluster).size).toBe(1);

    // db-10's configuration drift, as a fact and as a sentence
    const db10 = run.devices.find((d: { name: string }) => d.name === "db-10");
    expect(db10.hasDrift).toBe(true);
    expect(db10.drift).toEqual([
      expect.objectContaining({
        feature: "telnetEnabled",
        label: "Telnet",
        value: 1,
        peerValue: 0,
        towardRisk: true,
        description: expect.stringMatching(/^telnet enabled where 100% of peers have telnet disabled$/),
      }),
    ]);
  });
});

describe("GET /api/forecasts", () => {
  let deviceId: number;
  let forecast: Awaited<ReturnType<typeof forecastMetric>>;
  let inSpanAlert: number;

  beforeAll(async () => {
    const device = await makeDevice(t.prisma, "edge-rtr-fc-1", { role: "edge-router" });
    deviceId = device.id;
    // Three days of a daily pattern on a rising trend, four minutes per hour (the hourly mean is the middle value).
    const history = Array.from({ length: HISTORY_HOURS }, (_, h) => ({
      ts: new Date(HISTORY_START + h * HOUR),
      value: 100e6 + 60e6 * Math.sin((2 * Math.PI * h) / 24) + 1.5e6 * h,
    }));
    const samples = history.flatMap((p) =>
      [-1, 0, 0, 1].map((d, minute) => ({
        deviceId,
        ts: new Date(p.ts.getTime() + minute * 60_000),
        values: { ...emptyMetricValues(), bandwidthInBps: p.value + d * 1e6, cpuPct: 40 },
      })),
    );
    await insertSamples(pool(), samples);
    forecast = await forecastMetric(history, { method: "mstl", capacity: CAPACITY_BPS, clamp: { min: 0 } });
    await saveForecast(t.prisma, {
      deviceId,
      metric: "bandwidthInBps",
      generatedAt: new Date(HISTORY_START + HISTORY_HOURS * HOUR),
      forecast,
      capacity: CAPACITY_BPS,
    });

    const spike = (ts: string, metric: MetricName, key: string) =>
      recordDetection(t.prisma, {
        deviceId,
        detection: makeDetection(deviceId, {
          metric,
          observed: { value: 390e6, ts },
          anomalyType: "metric_spike",
          dedupKey: `${deviceId}:${key}`,
        }),
      });
    inSpanAlert = (await spike("2026-11-15T10:05:00.000Z", "bandwidthInBps", "in-span")).alert.id;
    await spike("2026-11-15T11:05:00.000Z", "latencyMs", "other-metric");
    await spike("2026-11-01T10:05:00.000Z", "bandwidthInBps", "before-span");
  });

  it("returns the stored forecast, the actual hourly means over its span and the alerts on that device and metric", async () => {
    session.userId = viewer;
    const { status, body } = await call(getForecasts as Route, `/api/forecasts?deviceId=${deviceId}&metric=bandwidthInBps`);
    expect(status).toBe(200);
    expect(body.device).toEqual({ id: deviceId, name: "edge-rtr-fc-1", role: "edge-router", site: "hq" });
    expect(body.metric).toEqual({ metric: "bandwidthInBps", label: "Bandwidth in", unit: "bps" });

    const f = body.forecast;
    expect(f.method).toBe("mstl");
    expect(f.level).toBe(0.95);
    expect(f.generatedAt).toBe(new Date(HISTORY_START + HISTORY_HOURS * HOUR).toISOString());
    expect(f.points).toHaveLength(HISTORY_HOURS + 168);
    expect(f.firstForecastIndex).toBe(HISTORY_HOURS);
    expect(f.points[0].ts).toBe(new Date(HISTORY_START).toISOString());
    expect(f.points[HISTORY_HOURS].ts).toBe(new Date(HISTORY_START + HISTORY_HOURS * HOUR).toISOString());
    for (const p of f.points) {
      expect(p.lower).toBeLessThanOrEqual(p.yhat);
      expect(p.upper).toBeGreaterThanOrEqual(p.yhat);
    }
    expect(f.points[100].yhat).toBeCloseTo(forecast.points[100]!.yhat, 6);
    expect(f.capacity).toBe(CAPACITY_BPS);
    expect(f.capacityEta).toBe(forecast.capacityEta?.toISOString() ?? null);

    // actual: one hourly mean per history hour (the future part of the span has no data yet)
    expect(body.actual).toHaveLength(HISTORY_HOURS);
    expect(body.actual[0].ts).toBe(new Date(HISTORY_START).toISOString());
    expect(body.actual[5].value).toBeCloseTo(100e6 + 60e6 * Math.sin((2 * Math.PI * 5) / 24) + 1.5e6 * 5, 0);

    // alerts: only this metric, only inside the span
    expect(body.alerts).toEqual([
      {
        id: inSpanAlert,
        ts: "2026-11-15T10:05:00.000Z",
        severity: "high",
        type: "metric_spike",
        title: "Metric spike",
        status: "open",
        value: 390e6,
      },
    ]);
  });

  it("answers forecast: null for a device-metric without a forecast, and 404 for an unknown device", async () => {
    session.userId = viewer;
    const none = await call(getForecasts as Route, `/api/forecasts?deviceId=${deviceId}&metric=cpuPct`);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ forecast: null, actual: [], alerts: [], metric: { metric: "cpuPct", label: "CPU", unit: "%" } });
    const missing = await call(getForecasts as Route, "/api/forecasts?deviceId=999999&metric=cpuPct");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });

  it.each([
    { name: "missing deviceId", query: "metric=cpuPct", field: "deviceId" },
    { name: "non-numeric deviceId", query: "deviceId=abc&metric=cpuPct", field: "deviceId" },
    { name: "zero deviceId", query: "deviceId=0&metric=cpuPct", field: "deviceId" },
    { name: "missing metric", query: "deviceId=1", field: "metric" },
    { name: "unknown metric", query: "deviceId=1&metric=bogus", field: "metric" },
  ])("answers 400 naming the field: $name", async ({ query, field }) => {
    session.userId = viewer;
    const { status, body } = await call(getForecasts as Route, `/api/forecasts?${query}`);
    expect(status).toBe(400);
    expect(body.error.field).toBe(field);
    expect(body.error.message).toMatch(new RegExp(`^${field}: `));
  });

  it("lists the devices and metrics that have forecasts", async () => {
    const other = await makeDevice(t.prisma, "access-sw-fc-2", { role: "access-switch" });
    await saveForecast(t.prisma, { deviceId: other.id, metric: "cpuPct", generatedAt: new Date(HISTORY_START), forecast });
    await saveForecast(t.prisma, { deviceId: other.id, metric: "bandwidthInBps", generatedAt: new Date(HISTORY_START), forecast });
    session.userId = viewer;
    const { status, body } = await call(getForecastOptions as Route, "/api/forecasts/options");
    expect(status).toBe(200);
    expect(body).toEqual({
      devices: [
        { id: other.id, name: "access-sw-fc-2", role: "access-switch", site: "hq", metrics: ["bandwidthInBps", "cpuPct"] },
        { id: deviceId, name: "edge-rtr-fc-1", role: "edge-router", site: "hq", metrics: ["bandwidthInBps"] },
      ],
      metrics: [
        { metric: "bandwidthInBps", label: "Bandwidth in", unit: "bps" },
        { metric: "cpuPct", label: "CPU", unit: "%" },
      ],
    });
  });
});

describe("GET /api/campaigns", () => {
  let older: { id: number; members: number[] };
  let newer: { id: number; members: number[]; deviceIds: number[] };

  /** Records each detection as an alert, feeds them to a correlator like the worker does, saves the campaign. */
  async function seedCampaign(items: { device: { id: number; name: string }; type: string; severity: "low" | "medium" | "high" | "critical"; ts: string }[]) {
    const correlator = new CampaignCorrelator();
    const alertIds: number[] = [];
    let last = null;
    for (const item of items) {
      const { alert } = await recordDetection(t.prisma, {
        deviceId: item.device.id,
        detection: makeDetection(item.device.id, {
          detector: item.type,
          anomalyType: item.type,
          severity: item.severity,
          metric: "bandwidthOutBps",
          observed: { value: 1, ts: item.ts },
          dedupKey: `${item.device.id}:${item.type}:${item.ts}`,
        }),
      });
      alertIds.push(alert.id);
      const update = correlator.add({
        alertId: alert.id,
        device: item.device.name,
        type: alert.type,
        severity: item.severity,
        confidence: 0.8,
        ts: new Date(item.ts),
      });
      if (update) last = update.campaign;
    }
    expect(last).not.toBeNull();
    const deviceIds = [...new Set(items.map((i) => i.device.id))];
    const view = await saveCampaign(t.prisma, last!, deviceIds);
    return { id: view.id, members: alertIds, deviceIds };
  }

  beforeAll(async () => {
    const fw = await makeDevice(t.prisma, "fw-campaign-1", { role: "firewall" });
    const srv = await makeDevice(t.prisma, "srv-campaign-2");
    older = await seedCampaign([
      { device: fw, type: "port_scan", severity: "medium", ts: "2026-11-16T08:00:00.000Z" },
      { device: fw, type: "ddos", severity: "medium", ts: "2026-11-16T08:04:00.000Z" },
    ]);
    newer = await seedCampaign([
      { device: srv, type: "ddos", severity: "high", ts: "2026-11-17T09:00:00.000Z" },
      { device: srv, type: "exfiltration", severity: "high", ts: "2026-11-17T09:06:00.000Z" },
      { device: srv, type: "port_scan", severity: "low", ts: "2026-11-17T09:10:00.000Z" },
    ]);
  });

  it("lists campaigns newest first with escalated severity, confidence and member alerts summarised in time order", async () => {
    session.userId = viewer;
    const { status, body } = await call(getCampaigns as Route, "/api/campaigns");
    expect(status).toBe(200);
    expect(body.campaigns.map((c: { id: number }) => c.id)).toEqual([newer.id, older.id]);
    const [first, second] = body.campaigns;
    expect(first).toMatchObject({
      key: `campaign-${newer.members[0]}`,
      // two high types → critical
      severity: "critical",
      types: ["ddos", "exfiltration", "port_scan"],
      typeTitles: ["Volumetric DDoS", "Data exfiltration", "Port scan"],
      deviceIds: newer.deviceIds,
      devices: [{ id: newer.deviceIds[0], name: "srv-campaign-2" }],
      alertIds: newer.members,
      firstSeenAt: "2026-11-17T09:00:00.000Z",
      lastSeenAt: "2026-11-17T09:10:00.000Z",
    });
    expect(first.confidence).toBeCloseTo(1 - 0.2 ** 3, 9);
    expect(first.members).toEqual([
      { id: newer.members[0], deviceId: newer.deviceIds[0], deviceName: "srv-campaign-2", type: "ddos", title: "Volumetric DDoS", severity: "high", status: "open", observedAt: "2026-11-17T09:00:00.000Z" },
      { id: newer.members[1], deviceId: newer.deviceIds[0], deviceName: "srv-campaign-2", type: "exfiltration", title: "Data exfiltration", severity: "high", status: "open", observedAt: "2026-11-17T09:06:00.000Z" },
      { id: newer.members[2], deviceId: newer.deviceIds[0], deviceName: "srv-campaign-2", type: "port_scan", title: "Port scan", severity: "low", status: "open", observedAt: "2026-11-17T09:10:00.000Z" },
    ]);
    // medium + medium of two types → high (one level up, capped at high)
    expect(second).toMatchObject({ severity: "high", types: ["port_scan", "ddos"] });
    expect(second.members.map((m: { id: number }) => m.id)).toEqual(older.members);
  });

  it("honours limit", async () => {
    session.userId = viewer;
    const { status, body } = await call(getCampaigns as Route, "/api/campaigns?limit=1");
    expect(status).toBe(200);
    expect(body.campaigns.map((c: { id: number }) => c.id)).toEqual([newer.id]);
  });

  it.each(["0", "201", "abc", "1.5"])("answers 400 naming limit for limit=%s", async (limit) => {
    session.userId = viewer;
    const { status, body } = await call(getCampaigns as Route, `/api/campaigns?limit=${limit}`);
    expect(status).toBe(400);
    expect(body.error.field).toBe("limit");
  });
});
