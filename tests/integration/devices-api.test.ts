// The device inventory API: newest telemetry, open alerts and maintenance right now, for any role.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeDetection, makeDevice, makeUser } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { GET } = await import("../../app/api/devices/route");
const { recordDetection } = await import("../../lib/db/alert-recording-queries");

let t: TestDatabase;
let viewer: number;

beforeAll(async () => {
  t = await createTestDatabase();
  viewer = (await makeUser(t.prisma, "viewer")).id;
  const fw = await makeDevice(t.prisma, "fw-hq-1", { role: "firewall" });
  const web = await makeDevice(t.prisma, "web-dc1-1", { site: "dc1" });
  await t.prisma.device.update({ where: { id: web.id }, data: { lastSeenAt: new Date("2026-11-21T03:00:00Z") } });
  await recordDetection(t.prisma, { deviceId: fw.id, detection: makeDetection(fw.id) });
  await recordDetection(t.prisma, { deviceId: fw.id, detection: makeDetection(fw.id, { anomalyType: "ddos", dedupKey: `${fw.id}:ddos` }) });
  const resolved = await recordDetection(t.prisma, { deviceId: web.id, detection: makeDetection(web.id) });
  await t.prisma.alert.update({ where: { id: resolved.alert.id }, data: { status: "resolved" } });
  const now = Date.now();
  await t.prisma.maintenanceWindow.create({
    data: { scope: "site", scopeValue: "dc1", startsAt: new Date(now - 3_600_000), endsAt: new Date(now + 3_600_000), reason: "dc1 upgrade" },
  });
});

afterAll(async () => {
  await t?.drop();
});

const get = () => GET(new Request("http://localhost:3000/api/devices", { headers: { host: "localhost:3000" } }), { params: Promise.resolve({}) });

describe("GET /api/devices", () => {
  it("needs a session", async () => {
    session.userId = null;
    expect((await get()).status).toBe(401);
  });

  it("lists devices with open alerts, newest telemetry and whether a window covers them now", async () => {
    session.userId = viewer;
    const res = await get();
    expect(res.status).toBe(200);
    const { devices } = (await res.json()) as { devices: { name: string; openAlerts: number; lastSeenAt: string | null; inMaintenance: boolean }[] };
    expect(devices).toEqual([
      expect.objectContaining({ name: "fw-hq-1", openAlerts: 2, lastSeenAt: null, inMaintenance: false }),
      expect.objectContaining({ name: "web-dc1-1", openAlerts: 0, lastSeenAt: "2026-11-21T03:00:00.000Z", inMaintenance: true }),
    ]);
  });
});
