// The notification-channels API through its real route handlers: admins add, change, pause, test and
// delete channels (every change audited, the secret never returned nor audited); viewers see names
// and health only; bad input is a 400 naming the field.
process.env.TIDEWATCH_SECRET_KEY ??= "integration-tests-notification-key-0123456789";
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { makeUser } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { startHttpReceiver, type HttpReceiver } from "./receivers";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const listRoute = await import("../../../app/api/notification-channels/route");
const itemRoute = await import("../../../app/api/notification-channels/[id]/route");
const testRoute = await import("../../../app/api/notification-channels/[id]/test/route");
const deliveriesRoute = await import("../../../app/api/notification-deliveries/route");

let t: TestDatabase;
let rx: HttpReceiver;
let admin: number;
let viewer: number;
const SECRET = "whsec-do-not-leak-0123456789";

const ctx = (id: number | string = 0) => ({ params: Promise.resolve({ id: String(id) }) });
const req = (method: string, path: string, body?: unknown) =>
  new Request(`http://localhost:3000${path}`, {
    method,
    headers: { "content-type": "application/json", host: "localhost:3000" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  t = await createTestDatabase();
  rx = await startHttpReceiver();
  admin = (await makeUser(t.prisma, "admin")).id;
  viewer = (await makeUser(t.prisma, "viewer")).id;
});
afterAll(async () => {
  await rx?.close();
  await t?.drop();
});
beforeEach(() => {
  session.userId = admin;
  rx.requests.length = 0;
});

describe("notification channels API", () => {
  it("an admin adds a signed webhook, tests it, pauses and deletes it; every change audited without the secret", async () => {
    const created = await listRoute.POST(
      req("POST", "/api/notification-channels", { name: "SOC hook", kind: "webhook", config: { url: `${rx.url}/in` }, secret: SECRET, filter: { minSeverity: "high" } }),
      ctx(),
    );
    expect(created.status).toBe(201);
    const text = await created.text();
    expect(text).not.toContain(SECRET);
    const { channel } = JSON.parse(text);
    expect(channel).toMatchObject({ name: "SOC hook", kind: "webhook", hasSecret: true, config: { url: `${rx.url}/in`, format: "tidewatch" }, filter: { minSeverity: "high" }, enabled: true, health: { state: "new" } });

    const tested = await testRoute.POST(req("POST", `/api/notification-channels/${channel.id}/test`), ctx(channel.id));
    expect(tested.status).toBe(200);
    expect(await tested.json()).toMatchObject({ ok: true, status: 200, error: null });
    const [sent] = await rx.waitFor(1);
    const body = JSON.parse(sent!.body);
    expect(body).toMatchObject({ event: "test", alert: { id: 0, type: "test", url: "http://localhost:3000/integrations" } });
    expect(sent!.headers["x-tidewatch-signature"]).toBe(`sha256=${crypto.createHmac("sha256", SECRET).update(sent!.body).digest("hex")}`);

    const paused = await itemRoute.PATCH(req("PATCH", `/api/notification-channels/${channel.id}`, { enabled: false }), ctx(channel.id));
    expect(await paused.json()).toMatchObject({ channel: { enabled: false, health: { state: "paused", lastSuccessAt: expect.any(String) } } });

    const listed = await (await listRoute.GET(req("GET", "/api/notification-channels"), ctx())).text();
    expect(listed).not.toContain(SECRET);
    expect(JSON.parse(listed).kinds.map((k: { kind: string }) => k.kind)).toEqual(["webhook", "slack", "teams", "pagerduty", "email", "splunk_hec", "syslog_cef"]);

    const history = await (await deliveriesRoute.GET(req("GET", `/api/notification-deliveries?channelId=${channel.id}`), ctx())).json();
    expect(history.deliveries).toMatchObject([{ event: "test", status: "sent", responseStatus: 200, channelName: "SOC hook" }]);

    const deleted = await itemRoute.DELETE(req("DELETE", `/api/notification-channels/${channel.id}`), ctx(channel.id));
    expect(deleted.status).toBe(200);
    expect(await t.prisma.notificationChannel.count({ where: { id: channel.id } })).toBe(0);

    const audit = await t.prisma.auditLog.findMany({ where: { entityType: "notification_channel", entityId: String(channel.id) }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["notification_channel.create", "notification_channel.test", "notification_channel.pause", "notification_channel.delete"]);
    expect(audit.every((a) => a.actorId === admin)).toBe(true);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(SECRET);
  });

  it("a test against a failing receiver answers with the outcome and marks the channel failing", async () => {
    const { channel } = await (await listRoute.POST(req("POST", "/api/notification-channels", { name: "flaky", kind: "webhook", config: { url: rx.url } }), ctx())).json();
    rx.script.push({ status: 503 });
    const res = await (await testRoute.POST(req("POST", `/api/notification-channels/${channel.id}/test`), ctx(channel.id))).json();
    expect(res).toMatchObject({ ok: false, status: 503, error: expect.stringContaining("HTTP 503") });
    const [listed] = (await (await listRoute.GET(req("GET", "/api/notification-channels"), ctx())).json()).channels.filter((c: { id: number }) => c.id === channel.id);
    expect(listed).toMatchObject({ health: { state: "failing", consecutiveFailures: 1 }, lastError: expect.stringContaining("503") });
  });

  it("viewers see names and health only, and may change nothing", async () => {
    await listRoute.POST(req("POST", "/api/notification-channels", { name: "pager", kind: "pagerduty", secret: "routing-key-secret-000" }), ctx());
    session.userId = viewer;
    const body = await (await listRoute.GET(req("GET", "/api/notification-channels"), ctx())).json();
    const pager = body.channels.find((c: { name: string }) => c.name === "pager");
    expect(Object.keys(pager).sort()).toEqual(["enabled", "health", "id", "kind", "name"]);
    expect(body.kinds).toBeUndefined();
    expect((await listRoute.POST(req("POST", "/api/notification-channels", { name: "x", kind: "webhook", config: { url: rx.url } }), ctx())).status).toBe(403);
    expect((await itemRoute.PATCH(req("PATCH", `/api/notification-channels/${pager.id}`, { enabled: false }), ctx(pager.id))).status).toBe(403);
    expect((await itemRoute.DELETE(req("DELETE", `/api/notification-channels/${pager.id}`), ctx(pager.id))).status).toBe(403);
    expect((await testRoute.POST(req("POST", `/api/notification-channels/${pager.id}/test`), ctx(pager.id))).status).toBe(403);
    session.userId = null;
    expect((await listRoute.GET(req("GET", "/api/notification-channels"), ctx())).status).toBe(401);
  });

  it("refuses bad input with a 400 naming the field, a duplicate name with 409, an unknown id with 404", async () => {
    const post = async (body: unknown) => {
      const res = await listRoute.POST(req("POST", "/api/notification-channels", body), ctx());
      return { status: res.status, error: (await res.json()).error };
    };
    expect(await post({ name: "a", kind: "webhook", config: { url: "ftp://x" } })).toMatchObject({ status: 400, error: { field: "config.url" } });
    expect(await post({ name: "a", kind: "fax" })).toMatchObject({ status: 400, error: { field: "kind" } });
    expect(await post({ name: "a", kind: "slack" })).toMatchObject({ status: 400, error: { field: "secret" } });
    expect(await post({ name: "a", kind: "email", config: { host: "smtp", from: "not-an-address", to: ["soc@example.test"] } })).toMatchObject({ status: 400, error: { field: "config.from" } });
    expect(await post({ name: "a", kind: "webhook", config: { url: rx.url }, filter: { minSeverity: "urgent" } })).toMatchObject({ status: 400, error: { field: "filter.minSeverity" } });
    expect(await post({ name: "a", kind: "webhook", config: { url: rx.url }, escalateAfterMinutes: 0 })).toMatchObject({ status: 400, error: { field: "escalateAfterMinutes" } });
    expect(await post({ name: "dup", kind: "webhook", config: { url: rx.url } })).toMatchObject({ status: 201 });
    expect(await post({ name: "dup", kind: "webhook", config: { url: rx.url } })).toMatchObject({ status: 409, error: { field: "name" } });
    expect((await itemRoute.PATCH(req("PATCH", "/api/notification-channels/999999", { enabled: false }), ctx(999999))).status).toBe(404);
    expect((await testRoute.POST(req("POST", "/api/notification-channels/999999/test"), ctx(999999))).status).toBe(404);
    const { channels } = await (await listRoute.GET(req("GET", "/api/notification-channels"), ctx())).json();
    const slack = channels.find((c: { name: string }) => c.name === "pager");
    // removing the secret a kind needs is refused too
    expect((await itemRoute.PATCH(req("PATCH", `/api/notification-channels/${slack.id}`, { secret: null }), ctx(slack.id))).status).toBe(400);
  });
});
