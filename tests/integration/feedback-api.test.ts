// The feedback and alert APIs through their real route handlers and a real database. Only the
// session cookie decoding (next-auth's getServerSession) is replaced: it needs a browser cookie.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { makeDetection, makeDevice, makeUser } from "./fixtures";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { POST: postFeedback } = await import("../../app/api/alerts/[id]/feedback/route");
const { GET: getAlert } = await import("../../app/api/alerts/[id]/route");
const { GET: listAlertsRoute } = await import("../../app/api/alerts/route");
const { recordDetection } = await import("../../lib/db/alert-recording-queries");

let t: TestDatabase;
let alertId: number;
let users: { viewer: number; analyst: number; admin: number };

function ctx(id: string) {
  return { params: Promise.resolve({ id }) };
}

function feedbackRequest(id: number | string, body: unknown, headers: Record<string, string> = {}) {
  return postFeedback(
    new Request(`http://localhost:3000/api/alerts/${id}/feedback`, {
      method: "POST",
      headers: { "content-type": "application/json", host: "localhost:3000", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    ctx(String(id)),
  );
}

beforeAll(async () => {
  t = await createTestDatabase();
  const device = await makeDevice(t.prisma, "fw-hq-1");
  const { alert } = await recordDetection(t.prisma, { deviceId: device.id, detection: makeDetection(device.id) });
  alertId = alert.id;
  users = {
    viewer: (await makeUser(t.prisma, "viewer")).id,
    analyst: (await makeUser(t.prisma, "analyst")).id,
    admin: (await makeUser(t.prisma, "admin")).id,
  };
});

afterAll(async () => {
  await t?.drop();
});

beforeEach(() => {
  session.userId = null;
});

describe("POST /api/alerts/:id/feedback", () => {
  it("answers 401 JSON without a session and writes nothing", async () => {
    const res = await feedbackRequest(alertId, { verdict: "true_positive" });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect((await res.json()).error.code).toBe("unauthorized");
    expect(await t.prisma.feedback.count()).toBe(0);
  });

  it("answers 403 to a viewer and writes nothing", async () => {
    session.userId = users.viewer;
    const res = await feedbackRequest(alertId, { verdict: "true_positive" });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    expect(await t.prisma.feedback.count()).toBe(0);
  });

  it.each([
    { name: "unknown verdict", body: { verdict: "maybe" }, field: "verdict" },
    { name: "missing verdict", body: { note: "hm" }, field: "verdict" },
    { name: "note too long", body: { verdict: "true_positive", note: "x".repeat(2001) }, field: "note" },
    { name: "unexpected field", body: { verdict: "true_positive", admin: true }, field: undefined },
  ])("answers 400 for a malformed body: $name", async ({ body, field }) => {
    session.userId = users.analyst;
    const res = await feedbackRequest(alertId, body);
    expect(res.status).toBe(400);
    const json = await res.json();
    if (field) expect(json.error.field).toBe(field);
    expect(json.error.message.length).toBeGreaterThan(0);
    expect(await t.prisma.feedback.count()).toBe(0);
  });

  it("answers 400 for a body that is not JSON", async () => {
    session.userId = users.analyst;
    const res = await feedbackRequest(alertId, "{verdict:");
    expect(res.status).toBe(400);
  });

  it("answers 400 naming id for a malformed id and 404 for an unknown alert, writing nothing", async () => {
    session.userId = users.analyst;
    const bad = await feedbackRequest("12abc", { verdict: "true_positive" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("id");
    const missing = await feedbackRequest(999_999, { verdict: "true_positive" });
    expect(missing.status).toBe(404);
    expect(await t.prisma.feedback.count()).toBe(0);
    expect(await t.prisma.auditLog.count()).toBe(0);
  });

  it("refuses a mutating request from another origin", async () => {
    session.userId = users.analyst;
    const res = await feedbackRequest(alertId, { verdict: "true_positive" }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await t.prisma.feedback.count()).toBe(0);
  });

  it("records one current verdict per user, audits every change and announces it on the stream", async () => {
    const eventsBefore = await t.prisma.event.count();
    session.userId = users.analyst;
    let res = await feedbackRequest(alertId, { verdict: "true_positive", note: "confirmed with the owner" });
    expect(res.status).toBe(200);
    let view = await res.json();
    expect(view.feedback).toEqual({ truePositive: 1, falsePositive: 0, mine: "true_positive" });

    // changing one's mind replaces the verdict rather than adding a second one
    res = await feedbackRequest(alertId, { verdict: "false_positive" });
    view = await res.json();
    expect(view.feedback).toEqual({ truePositive: 0, falsePositive: 1, mine: "false_positive" });

    session.userId = users.admin;
    res = await feedbackRequest(alertId, { verdict: "false_positive" });
    view = await res.json();
    expect(view.feedback).toEqual({ truePositive: 0, falsePositive: 2, mine: "false_positive" });

    expect(await t.prisma.feedback.count({ where: { alertId } })).toBe(2);
    const audit = await t.prisma.auditLog.findMany({ where: { entityId: String(alertId) }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actorId, (a.after as { verdict: string }).verdict])).toEqual([
      [users.analyst, "true_positive"],
      [users.analyst, "false_positive"],
      [users.admin, "false_positive"],
    ]);
    expect(audit[1]!.before).toMatchObject({ verdict: "true_positive" });

    const events = await t.prisma.event.findMany({ where: { id: { gt: BigInt(eventsBefore) } }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["alert.updated", "alert.updated", "alert.updated"]);
    expect((events[2]!.payload as { feedback: unknown }).feedback).toEqual({ truePositive: 0, falsePositive: 2, mine: null });

    // each user sees their own verdict when reading the alert
    session.userId = users.viewer;
    const asViewer = await (await getAlert(new Request("http://localhost/api/alerts/x"), ctx(String(alertId)))).json();
    expect(asViewer.feedback.mine).toBeNull();
    session.userId = users.analyst;
    const asAnalyst = await (await getAlert(new Request("http://localhost/api/alerts/x"), ctx(String(alertId)))).json();
    expect(asAnalyst.feedback.mine).toBe("false_positive");
  });
});

describe("GET /api/alerts", () => {
  it("pages newest first with a cursor, without repeats or gaps", async () => {
    const device = await makeDevice(t.prisma, "core-rtr-dc1-1");
    for (let i = 0; i < 5; i++) {
      await recordDetection(t.prisma, {
        deviceId: device.id,
        detection: makeDetection(device.id, { metric: "latencyMs", dedupKey: `${device.id}:x:latency:${i}` }),
      });
    }
    session.userId = users.viewer;
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `http://localhost/api/alerts?deviceId=${device.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await (await listAlertsRoute(new Request(url), ctx(""))).json()) as { alerts: { id: number }[]; nextCursor: string | null };
      seen.push(...page.alerts.map((a: { id: number }) => a.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it("filters by status and severity and rejects unknown values naming the field", async () => {
    session.userId = users.viewer;
    const ok = await (await listAlertsRoute(new Request("http://localhost/api/alerts?status=open&severity=high"), ctx(""))).json();
    expect(ok.alerts.length).toBeGreaterThan(0);
    expect(ok.alerts.every((a: { status: string; severity: string }) => a.status === "open" && a.severity === "high")).toBe(true);
    const none = await (await listAlertsRoute(new Request("http://localhost/api/alerts?severity=low"), ctx(""))).json();
    expect(none.alerts).toEqual([]);
    const bad = await listAlertsRoute(new Request("http://localhost/api/alerts?severity=urgent"), ctx(""));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("severity");
  });
});
