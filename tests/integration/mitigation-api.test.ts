// Mitigations through their real route handlers, a real database and the worker's controller (with an
// in-memory BGP speaker): a critical DDoS alert gets a proposal, roles are enforced (viewers read,
// analysts decide, admins switch a playbook to automatic), a /8 or a protected prefix is refused with
// its reason, approve → announced → extend → withdraw → route gone, and every step leaves an audit row.
// Only next-auth's cookie decoding is replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { makeDetection, makeDevice, makeUser } from "./fixtures";

process.env.MITIGATION_PROTECTED_PREFIXES = "10.0.0.0/30";
process.env.INTERNAL_SUBNETS = "10.0.0.0/8";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { GET: listRoute } = await import("../../app/api/mitigations/route");
const { POST: actionRoute } = await import("../../app/api/mitigations/[id]/[action]/route");
const { GET: playbooksRoute } = await import("../../app/api/mitigation-playbooks/route");
const { PATCH: playbookRoute } = await import("../../app/api/mitigation-playbooks/[id]/route");
const { recordDetection } = await import("../../lib/db/alert-recording-queries");
const { createMitigation } = await import("../../lib/db/mitigation-queries");
const { env } = await import("../../lib/env");
const { triageSettingsFromEnv } = await import("../../lib/ai/triage-service");
const { mitigationSafety } = await import("../../lib/mitigation/mitigation-service");
const { routeKey } = await import("../../lib/mitigation/route-text");
const { MitigationController, postgresMitigationStore } = await import("../../workers/mitigation-controller");
type MitigationRoute = import("../../lib/mitigation/bgp-speaker").MitigationRoute;

const HOST = "http://localhost:3000";
const get = (path: string) => new Request(`${HOST}${path}`, { headers: { host: "localhost:3000" } });
const post = (path: string, body: unknown, contentType = "application/json") =>
  new Request(`${HOST}${path}`, { method: "POST", headers: { "content-type": contentType, host: "localhost:3000" }, body: JSON.stringify(body) });
const patch = (path: string, body: unknown) =>
  new Request(`${HOST}${path}`, { method: "PATCH", headers: { "content-type": "application/json", host: "localhost:3000" }, body: JSON.stringify(body) });

async function act(user: number, id: number | string, action: string, body: unknown = {}, contentType?: string) {
  session.userId = user;
  const res = await actionRoute(post(`/api/mitigations/${id}/${action}`, body, contentType), { params: Promise.resolve({ id: String(id), action }) });
  return { status: res.status, body: await res.json() };
}

async function list(user: number, query: string) {
  session.userId = user;
  const res = await listRoute(get(`/api/mitigations?${query}`), { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}

/** The daemon's side: what is announced. */
const rib = new Map<string, MitigationRoute>();
const speaker = {
  async announce(route: MitigationRoute) {
    rib.set(routeKey(route), route);
  },
  async withdraw(route: MitigationRoute) {
    rib.delete(routeKey(route));
  },
  async listAnnounced() {
    return [...rib].map(([key, route]) => ({ key, route }));
  },
  async close() {},
};

let t: TestDatabase;
let users: { viewer: number; analyst: number; admin: number };
let alerts: { web: number; router: number; wide: number };
let controller: InstanceType<typeof MitigationController>;
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

async function ddosAlert(name: string, ip: string): Promise<number> {
  const device = await makeDevice(t.prisma, name);
  await t.prisma.device.update({ where: { id: device.id }, data: { managementIp: ip } });
  const detection = makeDetection(device.id, {
    detector: "ddos",
    anomalyType: "ddos",
    metric: undefined,
    severity: "critical",
    observed: { value: 1, ts: new Date(Date.now() - 60_000).toISOString() },
    explanation: `flood toward ${name}`,
    dedupKey: `${device.id}:ddos`,
  });
  return (await recordDetection(t.prisma, { deviceId: device.id, detection })).alert.id;
}

const mitigationOf = async (alertId: number) => (await t.prisma.mitigation.findFirstOrThrow({ where: { alertId } }));

beforeAll(async () => {
  t = await createTestDatabase();
  users = {
    viewer: (await makeUser(t.prisma, "viewer")).id,
    analyst: (await makeUser(t.prisma, "analyst")).id,
    admin: (await makeUser(t.prisma, "admin")).id,
  };
  alerts = { web: await ddosAlert("web-1", "10.2.0.7"), router: await ddosAlert("edge-1", "10.0.0.1"), wide: await ddosAlert("lb-1", "10.3.0.9") };
  const e = env();
  controller = new MitigationController({
    store: postgresMitigationStore(t.prisma, triageSettingsFromEnv({ ...e, ANTHROPIC_API_KEY: undefined })),
    speaker,
    safety: mitigationSafety(e),
    clock: { now: () => Date.now(), sleep: async () => undefined },
    log: quiet,
    dryRun: true,
    maxActive: 10,
    pollMs: 3_600_000,
  });
  await controller.start();
  await controller.idle();
});

afterAll(async () => {
  await controller?.stop();
  await t?.drop();
});

describe("mitigations API", () => {
  it("proposes for a critical DDoS alert (AI off: an analyst decides); viewers can read it", async () => {
    const { status, body } = await list(users.viewer, `alertId=${alerts.web}`);
    expect(status).toBe(200);
    expect(body.mode).toBe("dry-run");
    // the three critical DDoS alerts each got one
    expect(body.open).toEqual({ proposed: 3, approved: 0, active: 0 });
    expect(body.mitigations).toHaveLength(1);
    expect(body.mitigations[0]).toMatchObject({
      status: "proposed",
      routeText: "blackhole 10.2.0.7/32 (65535:666)",
      dryRun: true,
      gates: { detector: { passed: true }, ai: { outcome: "ask_human", reason: expect.stringMatching(/no ANTHROPIC_API_KEY/) }, human: { required: true } },
    });
    expect(rib.size).toBe(0);
  });

  it("refuses decisions from viewers, non-JSON writes, unknown actions and ids", async () => {
    const m = await mitigationOf(alerts.web);
    expect((await act(users.viewer, m.id, "approve")).status).toBe(403);
    expect((await act(users.analyst, m.id, "approve", {}, "text/plain")).status).toBe(415);
    expect(await act(users.analyst, m.id, "launch")).toMatchObject({ status: 400, body: { error: { field: "action" } } });
    expect(await act(users.analyst, "x1", "approve")).toMatchObject({ status: 400, body: { error: { field: "id" } } });
    expect(await act(users.analyst, m.id, "approve", { now: true })).toMatchObject({ status: 400 });
    expect((await mitigationOf(alerts.web)).status).toBe("proposed");
  });

  it("refuses to approve a protected prefix or a /8, with the reason, and records the refusal", async () => {
    const router = await mitigationOf(alerts.router);
    const refused = await act(users.analyst, router.id, "approve");
    expect(refused).toMatchObject({ status: 422, body: { error: { code: "refused", field: "route", message: expect.stringMatching(/10\.0\.0\.1\/32 overlaps the protected prefix 10\.0\.0\.0\/30/) } } });
    expect(await mitigationOf(alerts.router)).toMatchObject({ status: "refused", decidedById: users.analyst, reason: expect.stringMatching(/protected/) });

    // a route as wide as a /8 (whatever proposed it) never goes out either
    await t.prisma.mitigation.deleteMany({ where: { alertId: alerts.wide } });
    const wideRoute: MitigationRoute = { kind: "blackhole", prefix: "10.0.0.0/8", communities: ["65535:666"] };
    const proposed = (await mitigationOf(alerts.web)).gates as never;
    const wide = await createMitigation(t.prisma, {
      alertId: alerts.wide,
      campaignId: null,
      playbookId: "ddos",
      route: wideRoute,
      routeKey: routeKey(wideRoute),
      status: "proposed",
      reason: "test",
      gates: proposed,
      automatic: false,
      dryRun: true,
      ttlMinutes: 60,
      expiresAt: new Date(Date.now() + 3_600_000),
      now: new Date(),
    });
    expect(await act(users.analyst, wide!.id, "approve")).toMatchObject({ status: 422, body: { error: { message: expect.stringMatching(/10\.0\.0\.0\/8 is shorter than \/24/) } } });
    const audits = await t.prisma.auditLog.findMany({ where: { action: "mitigation.refuse", entityType: "mitigation" }, orderBy: { id: "asc" } });
    expect(audits.map((a) => [a.entityId, a.actorId])).toEqual([
      [String(router.id), users.analyst],
      [String(wide!.id), users.analyst],
    ]);
    await controller.pass();
    expect(rib.size).toBe(0);
  });

  it("approve → the controller announces it → extend → withdraw → the route is gone, each step audited", async () => {
    const m = await mitigationOf(alerts.web);
    // its TTL starts when it is announced: a proposal cannot be extended
    expect(await act(users.analyst, m.id, "extend", { minutes: 30 })).toMatchObject({ status: 409 });
    const approved = await act(users.analyst, m.id, "approve");
    expect(approved).toMatchObject({ status: 200, body: { status: "approved", decidedBy: { id: users.analyst } } });
    expect((await act(users.analyst, m.id, "approve")).status).toBe(409);

    await controller.pass();
    const active = await list(users.viewer, "status=active");
    expect(active.body.mitigations.map((x: { id: number }) => x.id)).toEqual([m.id]);
    expect(active.body.open).toEqual({ proposed: 0, approved: 0, active: 1 });
    expect([...rib.keys()]).toEqual(["blackhole|10.2.0.7/32"]);

    expect(await act(users.analyst, m.id, "extend", { minutes: 100_000 })).toMatchObject({ status: 400, body: { error: { field: "minutes" } } });
    const extended = await act(users.analyst, m.id, "extend", { minutes: 120 });
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.body.expiresAt) - Date.now()).toBeGreaterThan(119 * 60_000);

    const withdrawn = await act(users.analyst, m.id, "withdraw", { reason: "attack over" });
    expect(withdrawn).toMatchObject({ status: 200, body: { status: "withdrawn", reason: "withdrawn: attack over", endedBy: { id: users.analyst } } });
    await controller.pass();
    expect(rib.size).toBe(0);

    const trail = await t.prisma.auditLog.findMany({ where: { OR: [{ entityType: "mitigation", entityId: String(m.id) }, { entityType: "mitigation_route" }] }, orderBy: { id: "asc" } });
    expect(trail.map((a) => [a.action, a.actorId])).toEqual([
      ["mitigation.propose", null],
      ["mitigation.ai_gate", null],
      ["mitigation.approve", users.analyst],
      ["mitigation.announce", null],
      ["mitigation.extend", users.analyst],
      ["mitigation.withdraw", users.analyst],
      ["mitigation_route.withdraw", null],
    ]);
    // a withdrawn mitigation cannot be denied
    expect((await act(users.analyst, m.id, "deny")).status).toBe(409);
  });

  it("admins alone switch a playbook to automatic (audited); viewers read the playbooks", async () => {
    session.userId = users.analyst;
    const ctx = { params: Promise.resolve({ id: "ddos" }) };
    expect((await playbookRoute(patch("/api/mitigation-playbooks/ddos", { automatic: true }), ctx)).status).toBe(403);
    session.userId = users.admin;
    const bad = await playbookRoute(patch("/api/mitigation-playbooks/ddos", { automatic: "yes" }), ctx);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("automatic");
    const ok = await playbookRoute(patch("/api/mitigation-playbooks/ddos", { automatic: true }), ctx);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: "ddos", automatic: true, enabled: true });
    session.userId = users.viewer;
    const read = await (await playbooksRoute(get("/api/mitigation-playbooks"), { params: Promise.resolve({}) })).json();
    expect(read.playbooks.find((p: { id: string }) => p.id === "ddos")).toMatchObject({ automatic: true });
    const audit = await t.prisma.auditLog.findFirst({ where: { action: "mitigation_playbook.update", entityId: "ddos" } });
    expect(audit).toMatchObject({ actorId: users.admin, before: { automatic: false }, after: { automatic: true } });
  });
});
