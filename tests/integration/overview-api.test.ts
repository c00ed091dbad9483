// The Overview API: the numbers on the Overview page (open alerts by type, alerts per hour, the
// false-positive rate from verdicts, collectors and records/s, last data per device), for any role.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { OverviewView } from "../../lib/dashboards/overview-view";
import { makeDetection, makeDevice, makeUser } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { GET } = await import("../../app/api/overview/route");
const { recordDetection } = await import("../../lib/db/alert-recording-queries");
const { recordFeedback } = await import("../../lib/db/feedback-queries");
const { beat } = await import("../../lib/db/worker-heartbeat-queries");

const HOUR = 3_600_000;
const DAY = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const hourStart = (ms: number) => new Date(Math.floor(ms / HOUR) * HOUR).toISOString();

let t: TestDatabase;
let viewer: number;
const now = Date.now();
/** When each seeded alert was stored (wall clock), with what a user sees it as. */
const seeded: { createdAt: number; severity: "critical" | "high" | "medium" | "low"; status: string }[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  viewer = (await makeUser(t.prisma, "viewer")).id;
  const analysts = await Promise.all([makeUser(t.prisma, "analyst"), makeUser(t.prisma, "analyst"), makeUser(t.prisma, "analyst")]);
  const fw = await makeDevice(t.prisma, "fw-hq-1", { role: "firewall" });
  const web = await makeDevice(t.prisma, "web-dc1-1", { site: "dc1" });
  await makeDevice(t.prisma, "sw-new-1");
  await t.prisma.device.update({ where: { id: fw.id }, data: { lastSeenAt: new Date(now - 60_000) } });
  await t.prisma.device.update({ where: { id: web.id }, data: { lastSeenAt: new Date(now - 31 * 60_000) } });

  let n = 0;
  const alert = async (deviceId: number, type: string, severity: "critical" | "high" | "medium" | "low", status: "open" | "acknowledged" | "resolved" | "suppressed", ageMs: number) => {
    n += 1;
    const { alert } = await recordDetection(t.prisma, {
      deviceId,
      detection: makeDetection(deviceId, { anomalyType: type, severity, dedupKey: `${deviceId}:${type}:${n}` }),
    });
    const createdAt = now - ageMs;
    await t.prisma.alert.update({ where: { id: alert.id }, data: { alertType: type, status, createdAt: new Date(createdAt) } });
    seeded.push({ createdAt, severity, status });
    return alert.id;
  };
  const ddos1 = await alert(fw.id, "ddos", "critical", "open", 5 * 60_000);
  const ddos2 = await alert(fw.id, "ddos", "high", "acknowledged", 2 * HOUR);
  await alert(fw.id, "ddos", "high", "open", 2 * HOUR + 60_000);
  await alert(fw.id, "ddos", "medium", "resolved", 3 * HOUR);
  const scan = await alert(web.id, "port_scan", "medium", "open", 5 * HOUR);
  await alert(web.id, "port_scan", "low", "open", 30 * HOUR);
  await alert(web.id, "exfiltration", "high", "suppressed", HOUR);
  const oldScan = await alert(web.id, "port_scan", "low", "resolved", 12 * DAY);

  const [a1, a2, a3] = analysts.map((u) => u.id) as [number, number, number];
  const verdict = (alertId: number, userId: number, v: "true_positive" | "false_positive") =>
    recordFeedback(t.prisma, { alertId, userId, verdict: v });
  // ddos1: both say false positive → a false positive, judged today
  await verdict(ddos1, a1, "false_positive");
  await verdict(ddos1, a2, "false_positive");
  // ddos2: one each → a tie counts as true positive, judged today
  await verdict(ddos2, a1, "true_positive");
  await verdict(ddos2, a3, "false_positive");
  // scan: true positive, judged two days ago
  await verdict(scan, a1, "true_positive");
  await t.prisma.feedback.updateMany({ where: { alertId: scan }, data: { createdAt: new Date(now - 2 * DAY) } });
  // oldScan: judged ten days ago, outside the window
  await verdict(oldScan, a2, "false_positive");
  await t.prisma.feedback.updateMany({ where: { alertId: oldScan }, data: { createdAt: new Date(now - 10 * DAY) } });

  await beat(t.prisma, "worker-live", new Date(now - HOUR), {
    collectors: [
      { name: "netflow", ports: { udp: 2055 }, up: true, records: 120_000, recordsPerSec: 400 },
      { name: "syslog", ports: { udp: 5514 }, up: true, records: 900, recordsPerSec: 2.5 },
      { name: "snmp", up: false, error: "no SNMP targets answer" },
    ],
  });
  // a worker that died without clearing its heartbeat: nothing it reported counts
  await t.prisma.workerHeartbeat.create({
    data: { id: "worker-dead", startedAt: new Date(now - DAY), beatAt: new Date(now - 5 * 60_000), info: { collectors: [{ name: "netflow", up: true, recordsPerSec: 999 }] } },
  });
});

afterAll(async () => {
  await t?.drop();
});

const get = () => GET(new Request("http://localhost:3000/api/overview", { headers: { host: "localhost:3000" } }), { params: Promise.resolve({}) });

async function overview(): Promise<OverviewView> {
  session.userId = viewer;
  const res = await get();
  expect(res.status).toBe(200);
  return (await res.json()) as OverviewView;
}

describe("GET /api/overview", () => {
  it("needs a session", async () => {
    session.userId = null;
    expect((await get()).status).toBe(401);
  });

  it("counts open and acknowledged alerts by type, most first", async () => {
    const { openByType } = await overview();
    expect(openByType).toEqual([
      { type: "ddos", count: 3 },
      { type: "port_scan", count: 2 },
    ]);
  });

  it("counts raised alerts per hour of the last 24 by severity, by when they were stored", async () => {
    const { alertsPerHour, generatedAt } = await overview();
    expect(alertsPerHour).toHaveLength(24);
    const at = Date.parse(generatedAt);
    expect(alertsPerHour[23]!.hour).toBe(hourStart(at));
    expect(alertsPerHour[0]!.hour).toBe(hourStart(at - 23 * HOUR));

    const inWindow = seeded.filter((a) => a.status !== "suppressed" && a.createdAt >= Date.parse(alertsPerHour[0]!.hour));
    expect(alertsPerHour.reduce((n, b) => n + b.total, 0)).toBe(inWindow.length);
    expect(inWindow).toHaveLength(5); // the suppressed one, the 30 h old and the 12 days old are left out
    for (const a of inWindow) {
      const bucket = alertsPerHour.find((b) => b.hour === hourStart(a.createdAt))!;
      const same = inWindow.filter((o) => hourStart(o.createdAt) === bucket.hour);
      expect(bucket.total).toBe(same.length);
      expect(bucket[a.severity]).toBe(same.filter((o) => o.severity === a.severity).length);
    }
  });

  it("gives the false-positive rate of the alerts judged in the last 7 days, per day too", async () => {
    const { falsePositives } = await overview();
    expect(falsePositives).toMatchObject({ days: 7, judged: 3, falsePositives: 1 });
    expect(falsePositives.rate).toBeCloseTo(1 / 3);
    expect(falsePositives.perDay).toHaveLength(7);
    expect(falsePositives.perDay[6]).toEqual({ day: utcDay(now), judged: 2, falsePositives: 1, rate: 0.5 });
    expect(falsePositives.perDay[4]).toEqual({ day: utcDay(now - 2 * DAY), judged: 1, falsePositives: 0, rate: 0 });
    expect(falsePositives.perDay[0]).toEqual({ day: utcDay(now - 6 * DAY), judged: 0, falsePositives: 0, rate: null });
  });

  it("reports the live worker's collectors and records per second, and stale devices first", async () => {
    const { ingest } = await overview();
    expect(ingest.worker).toBe("up");
    expect(ingest.recordsPerSec).toBeCloseTo(402.5);
    expect(ingest.feeds).toEqual([
      { name: "netflow", up: true, error: null, records: 120_000, recordsPerSec: 400 },
      { name: "syslog", up: true, error: null, records: 900, recordsPerSec: 2.5 },
      { name: "snmp", up: false, error: "no SNMP targets answer", records: null, recordsPerSec: null },
    ]);
    expect(ingest.devices).toMatchObject({ total: 3, stale: 2, newestDataAt: new Date(now - 60_000).toISOString() });
    expect(ingest.devices.rows.map((d) => [d.name, d.stale, d.behindMs])).toEqual([
      ["sw-new-1", true, null],
      ["web-dc1-1", true, 30 * 60_000],
      ["fw-hq-1", false, 0],
    ]);
  });

  it("reports the worker down when no heartbeat is fresh", async () => {
    await t.prisma.workerHeartbeat.update({ where: { id: "worker-live" }, data: { beatAt: new Date(Date.now() - 60_000) } });
    const { ingest } = await overview();
    expect(ingest).toMatchObject({ worker: "down", feeds: [], recordsPerSec: null });
  });
});
