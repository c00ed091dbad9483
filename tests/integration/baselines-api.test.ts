// Held baseline buckets through the API: everyone may see them, only an admin decides, every decision
// is audited, and a bucket can be decided once.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeDevice, makeUser } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { GET: listPending } = await import("../../app/api/baselines/pending/route");
const { POST: decide } = await import("../../app/api/baselines/pending/[id]/route");
const { saveBaselines } = await import("../../lib/db/baseline-queries");

let t: TestDatabase;
let users: { viewer: number; admin: number };
let deviceId: number;

const bucket = (median: number) => ({ metric: "cpuPct", hourOfWeek: 14, mean: median, std: 5, median, p05: median - 8, p25: median - 3, p75: median + 3, p95: median + 8, p99: median + 10, mad: 3, sampleCount: 120 });

beforeAll(async () => {
  t = await createTestDatabase();
  deviceId = (await makeDevice(t.prisma, "db-dc1-1")).id;
  users = { viewer: (await makeUser(t.prisma, "viewer")).id, admin: (await makeUser(t.prisma, "admin")).id };
  // the retrain proposed CPU 60 % where 30 % was normal: held, the old bucket stays active
  await saveBaselines(t.prisma, deviceId, [bucket(30)], new Date("2026-03-09T00:00:00Z"), [bucket(60)]);
});

afterAll(async () => {
  await t?.drop();
});

const get = (query = "") => listPending(new Request(`http://localhost:3000/api/baselines/pending${query}`, { headers: { host: "localhost:3000" } }), { params: Promise.resolve({}) });
const post = (id: number | string, body: unknown) =>
  decide(
    new Request(`http://localhost:3000/api/baselines/pending/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json", host: "localhost:3000" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id: String(id) }) },
  );

describe("held baselines API", () => {
  it("lists held buckets with the proposal and the bucket in use, for any role", async () => {
    session.userId = null;
    expect((await get()).status).toBe(401);
    session.userId = users.viewer;
    const res = await get(`?deviceId=${deviceId}`);
    expect(res.status).toBe(200);
    const { pending } = (await res.json()) as { pending: { id: number; proposed: { median: number }; current: { median: number } }[] };
    expect(pending).toHaveLength(1);
    expect(pending[0]!.proposed.median).toBe(60);
    expect(pending[0]!.current.median).toBe(30);
    expect((await get("?deviceId=abc")).status).toBe(400);
  });

  it("lets only an admin approve, once, and audits it", async () => {
    session.userId = users.viewer;
    const [held] = (await (await get()).json()).pending as { id: number }[];
    expect((await post(held!.id, { decision: "approve" })).status).toBe(403);

    session.userId = users.admin;
    const bad = await post(held!.id, { decision: "maybe" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field?: string } }).error.field).toBe("decision");
    expect((await post(held!.id, { decision: "approve" })).status).toBe(200);
    expect((await post(held!.id, { decision: "approve" })).status).toBe(404);

    const active = await t.prisma.baseline.findMany({ where: { deviceId, status: "active" } });
    expect(active.map((b) => b.median)).toEqual([60]);
    expect(await t.prisma.auditLog.count({ where: { action: "baseline.approve", actorId: users.admin } })).toBe(1);
    expect((await (await get()).json()).pending).toEqual([]);
  });
});
