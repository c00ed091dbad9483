// The device inventory API: newest telemetry, open alerts and maintenance right now, for any role;
// paged by name (limit/cursor, at most 1,000 a page), with the discovery report for admins.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeDetection, makeDevice, makeUser } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { GET } = await import("../../app/api/devices/route");
const discoveryRoute = await import("../../app/api/devices/discovery/route");
const { beat } = await import("../../lib/db/worker-heartbeat-queries");
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

const get = (query = "") =>
  GET(new Request(`http://localhost:3000/api/devices${query}`, { headers: { host: "localhost:3000" } }), { params: Promise.resolve({}) });

interface Page {
  devices: { name: string; openAlerts: number }[];
  nextCursor: string | null;
}

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

describe("GET /api/devices paging", () => {
  beforeAll(async () => {
    // 2,500 devices in all: more than the largest page
    await t.prisma.device.createMany({
      data: Array.from({ length: 2498 }, (_, i) => ({ name: `host-${String(i).padStart(4, "0")}`, role: "server", site: "dc2" })),
    });
  });

  it("pages through every device once, in name order, following nextCursor", async () => {
    session.userId = viewer;
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`?limit=1000${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.devices.length).toBeLessThanOrEqual(1000);
      names.push(...page.devices.map((d) => d.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names).toHaveLength(2500);
    expect(new Set(names).size).toBe(2500);
    expect(names).toEqual([...names].sort());
    // alert counts still come with the page that holds the device
    const fw = names.indexOf("fw-hq-1");
    expect(fw).toBeGreaterThanOrEqual(0);
  });

  it("answers 500 devices without a limit, and a last page without a cursor", async () => {
    session.userId = viewer;
    const first = (await (await get()).json()) as Page;
    expect(first.devices).toHaveLength(500);
    expect(first.nextCursor).not.toBeNull();
    const last = (await (await get("?limit=10&cursor=" + Buffer.from("host-2495").toString("base64url"))).json()) as Page;
    expect(last.devices.map((d) => d.name)).toEqual(["host-2496", "host-2497", "web-dc1-1"]);
    expect(last.nextCursor).toBeNull();
  });

  it.each([
    ["?limit=0", "limit"],
    ["?limit=1001", "limit"],
    ["?limit=ten", "limit"],
    ["?limit=2.5", "limit"],
    ["?cursor=%1B%5B2J", "cursor"],
    ["?cursor=" + "A".repeat(3000), "cursor"],
    ["?offset=5", "offset"],
  ])("%s is refused with 400 naming %s", async (query, field) => {
    session.userId = viewer;
    const res = await get(query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field?: string; message: string } };
    expect(body.error.field ?? body.error.message).toContain(field);
  });
});

describe("GET /api/devices/discovery", () => {
  const getDiscovery = () =>
    discoveryRoute.GET(new Request("http://localhost:3000/api/devices/discovery", { headers: { host: "localhost:3000" } }), { params: Promise.resolve({}) });

  it("shows admins the discovery cap and the sources seen but not added, as the running worker reports them", async () => {
    const admin = (await makeUser(t.prisma, "admin")).id;
    const notAdded = { name: "127.1.0.9", address: "127.1.0.9", via: "syslog", firstSeen: "2026-12-07T04:00:00.000Z", lastSeen: "2026-12-07T04:01:00.000Z", sightings: 2 };
    await beat(t.prisma, "worker-live", new Date(), {
      pid: 1,
      allowedSources: [],
      discovery: { maxNewPerHour: 1000, addedLastHour: 1000, notAddedTotal: 1000, untrustedHostnames: 1, notAdded: [notAdded] },
    });
    session.userId = viewer;
    expect((await getDiscovery()).status).toBe(403);
    session.userId = admin;
    const res = await getDiscovery();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      workers: [{ workerId: "worker-live", maxNewPerHour: 1000, addedLastHour: 1000, notAddedTotal: 1000, untrustedHostnames: 1, notAdded: [notAdded] }],
    });
  });
});
