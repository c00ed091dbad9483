// The Anomalies page's APIs through their real route handlers and a real database: filters, keyset
// pages, triage (status, assign to me), bulk acknowledge, notes, CSV export and the detail chart's
// context. Only next-auth's cookie decoding is replaced.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { makeDetection, makeDevice, makeUser } from "./fixtures";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const { GET: listRoute } = await import("../../app/api/alerts/route");
const { PATCH: patchRoute, GET: getRoute } = await import("../../app/api/alerts/[id]/route");
const { POST: bulkRoute } = await import("../../app/api/alerts/bulk/route");
const { GET: notesGet, POST: notesPost } = await import("../../app/api/alerts/[id]/notes/route");
const { GET: exportRoute } = await import("../../app/api/alerts/export/route");
const { GET: contextRoute } = await import("../../app/api/alerts/[id]/context/route");
const { GET: optionsRoute } = await import("../../app/api/alerts/filter-options/route");
const { recordDetection } = await import("../../lib/db/alert-recording-queries");
const { insertSamples } = await import("../../lib/db/sample-queries");
const { saveBaselines } = await import("../../lib/db/baseline-queries");
const { pool } = await import("../../lib/db/pool");
const { emptyMetricValues } = await import("../../lib/telemetry/metrics");
const { hourOfWeek } = await import("../../lib/detect/baseline/hour-of-week");

let t: TestDatabase;
let users: { viewer: number; analyst: number; admin: number };
let devices: { hq: number; branch: number };
const ids: { cpu: number; ddos: number; mem: number; suppressed: number } = { cpu: 0, ddos: 0, mem: 0, suppressed: 0 };

const ctx = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
const get = (path: string) => new Request(`http://localhost:3000${path}`, { headers: { host: "localhost:3000" } });
const send = (method: string, path: string, body: unknown) =>
  new Request(`http://localhost:3000${path}`, {
    method,
    headers: { "content-type": "application/json", host: "localhost:3000" },
    body: JSON.stringify(body),
  });

async function list(query: string) {
  const res = await listRoute(get(`/api/alerts?${query}`), ctx(0));
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  t = await createTestDatabase();
  devices = {
    hq: (await makeDevice(t.prisma, "fw-hq-1", { site: "hq", role: "firewall" })).id,
    branch: (await makeDevice(t.prisma, "sw-branch-1", { site: "branch", role: "access-switch" })).id,
  };
  users = {
    viewer: (await makeUser(t.prisma, "viewer")).id,
    analyst: (await makeUser(t.prisma, "analyst")).id,
    admin: (await makeUser(t.prisma, "admin")).id,
  };
  ids.cpu = (await recordDetection(t.prisma, { deviceId: devices.hq, detection: makeDetection(devices.hq) })).alert.id;
  ids.ddos = (
    await recordDetection(t.prisma, {
      deviceId: devices.hq,
      detection: makeDetection(devices.hq, {
        detector: "ddos",
        anomalyType: "ddos",
        metric: undefined,
        severity: "critical",
        explanation: '=HYPERLINK("http://evil") flood, "quoted"',
        dedupKey: `${devices.hq}:ddos`,
      }),
    })
  ).alert.id;
  ids.mem = (
    await recordDetection(t.prisma, {
      deviceId: devices.branch,
      detection: makeDetection(devices.branch, { detector: "iqr-fences", metric: "memoryPct", severity: "medium", dedupKey: `${devices.branch}:mem` }),
    })
  ).alert.id;
  ids.suppressed = (
    await recordDetection(t.prisma, {
      deviceId: devices.branch,
      detection: makeDetection(devices.branch, { severity: "low", dedupKey: `${devices.branch}:cpu` }),
      suppressedBy: { kind: "rule", ruleId: 1, reason: "test rule" },
    })
  ).alert.id;
});

afterAll(async () => {
  await t?.drop();
});

beforeEach(() => {
  session.userId = users.analyst;
});

describe("GET /api/alerts filters", () => {
  it("filters by type, detector, site, device and severity, newest first", async () => {
    expect((await list("type=ddos")).body.alerts.map((a: { id: number }) => a.id)).toEqual([ids.ddos]);
    expect((await list("detector=iqr-fences")).body.alerts.map((a: { id: number }) => a.id)).toEqual([ids.mem]);
    expect((await list("site=branch")).body.alerts.map((a: { id: number }) => a.id)).toEqual([ids.suppressed, ids.mem]);
    expect((await list(`deviceId=${devices.hq}`)).body.alerts.map((a: { id: number }) => a.id)).toEqual([ids.ddos, ids.cpu]);
    expect((await list("severity=critical,medium")).body.alerts.map((a: { id: number }) => a.id)).toEqual([ids.mem, ids.ddos]);
    expect((await list("status=suppressed")).body.alerts.map((a: { id: number }) => a.id)).toEqual([ids.suppressed]);
  });

  it("walks keyset pages without repeats or gaps", async () => {
    const first = await list("limit=2");
    expect(first.body.alerts).toHaveLength(2);
    const second = await list(`limit=2&cursor=${first.body.nextCursor}`);
    const seen = [...first.body.alerts, ...second.body.alerts].map((a: { id: number }) => a.id);
    expect(seen).toEqual([ids.suppressed, ids.mem, ids.ddos, ids.cpu]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("answers 400 naming the field for a bad filter", async () => {
    const bad = await list("severity=urgent");
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("severity");
    const badDevice = await list("deviceId=abc");
    expect(badDevice.status).toBe(400);
    expect(badDevice.body.error.field).toBe("deviceId");
  });

  it("offers the types, detectors and sites present", async () => {
    const res = await optionsRoute(get("/api/alerts/filter-options"), ctx(0));
    const body = await res.json();
    expect(body.types).toEqual(expect.arrayContaining(["ddos"]));
    expect(body.detectors).toEqual(["ddos", "hour-of-week-zscore", "iqr-fences"]);
    expect(body.sites).toEqual(["branch", "hq"]);
  });
});

describe("PATCH /api/alerts/:id (triage)", () => {
  it("acknowledges and assigns to the caller, audits it and announces it on the stream", async () => {
    const res = await patchRoute(send("PATCH", `/api/alerts/${ids.cpu}`, { status: "acknowledged", assignee: "me" }), ctx(ids.cpu));
    expect(res.status).toBe(200);
    const alert = await res.json();
    expect(alert.status).toBe("acknowledged");
    expect(alert.assignee).toEqual({ id: users.analyst, name: "analyst user" });
    expect(alert.acknowledgedAt).not.toBeNull();
    const audit = await t.prisma.auditLog.findFirst({ where: { action: "alert.triage", entityId: String(ids.cpu) } });
    expect(audit?.actorId).toBe(users.analyst);
    const event = await t.prisma.event.findFirst({ where: { type: "alert.updated" }, orderBy: { id: "desc" } });
    expect((event?.payload as { id: number; status: string }).status).toBe("acknowledged");
    expect((await list("assignee=me")).body.alerts.map((a: { id: number }) => a.id)).toEqual([ids.cpu]);
  });

  it("resolves, then reopens clearing the times", async () => {
    let res = await patchRoute(send("PATCH", `/api/alerts/${ids.cpu}`, { status: "resolved" }), ctx(ids.cpu));
    expect((await res.json()).resolvedAt).not.toBeNull();
    res = await patchRoute(send("PATCH", `/api/alerts/${ids.cpu}`, { status: "open", assignee: null }), ctx(ids.cpu));
    const alert = await res.json();
    expect(alert).toMatchObject({ status: "open", resolvedAt: null, acknowledgedAt: null, assignee: null });
  });

  it("refuses a viewer (403), a suppressed alert (409) and a bad body (400) without changing anything", async () => {
    session.userId = users.viewer;
    expect((await patchRoute(send("PATCH", `/api/alerts/${ids.mem}`, { status: "resolved" }), ctx(ids.mem))).status).toBe(403);
    session.userId = users.analyst;
    const sup = await patchRoute(send("PATCH", `/api/alerts/${ids.suppressed}`, { status: "acknowledged" }), ctx(ids.suppressed));
    expect(sup.status).toBe(409);
    const bad = await patchRoute(send("PATCH", `/api/alerts/${ids.mem}`, { status: "suppressed" }), ctx(ids.mem));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("status");
    expect((await t.prisma.alert.findUnique({ where: { id: ids.mem } }))?.status).toBe("open");
    expect((await t.prisma.alert.findUnique({ where: { id: ids.suppressed } }))?.status).toBe("suppressed");
  });

  it("answers 404 for an unknown alert", async () => {
    expect((await patchRoute(send("PATCH", "/api/alerts/999999", { status: "resolved" }), ctx(999999))).status).toBe(404);
  });
});

describe("POST /api/alerts/bulk", () => {
  it("acknowledges the selection and reports what it skipped", async () => {
    const eventsBefore = await t.prisma.event.count({ where: { type: "alert.updated" } });
    const res = await bulkRoute(send("POST", "/api/alerts/bulk", { ids: [ids.mem, ids.ddos, ids.suppressed, 999999], status: "acknowledged" }), ctx(0));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.changed.sort()).toEqual([ids.mem, ids.ddos].sort());
    expect(body.skipped).toEqual([
      { id: ids.suppressed, reason: "suppressed" },
      { id: 999999, reason: "not found" },
    ]);
    expect((await list("status=acknowledged")).body.alerts.map((a: { id: number }) => a.id)).toEqual([ids.mem, ids.ddos]);
    // each changed alert is audited and announced once, carrying its new status
    const events = await t.prisma.event.findMany({ where: { type: "alert.updated" }, orderBy: { id: "asc" }, skip: eventsBefore });
    expect(events.map((e) => (e.payload as { id: number; status: string }).status)).toEqual(["acknowledged", "acknowledged"]);
    expect(new Set(events.map((e) => (e.payload as { id: number }).id))).toEqual(new Set([ids.mem, ids.ddos]));
    const audits = await t.prisma.auditLog.findMany({ where: { action: "alert.triage", entityId: { in: [String(ids.mem), String(ids.ddos)] } } });
    expect(audits).toHaveLength(2);
  });

  it("refuses a viewer and more than 500 ids", async () => {
    session.userId = users.viewer;
    expect((await bulkRoute(send("POST", "/api/alerts/bulk", { ids: [ids.cpu], status: "acknowledged" }), ctx(0))).status).toBe(403);
    session.userId = users.analyst;
    const many = await bulkRoute(send("POST", "/api/alerts/bulk", { ids: Array.from({ length: 501 }, (_, i) => i + 1), status: "acknowledged" }), ctx(0));
    expect(many.status).toBe(400);
    expect((await many.json()).error.field).toBe("ids");
  });
});

describe("notes", () => {
  it("keeps notes in order with their authors; viewers read but cannot write", async () => {
    await notesPost(send("POST", `/api/alerts/${ids.ddos}/notes`, { body: "Checked upstream, scrubbing engaged." }), ctx(ids.ddos));
    session.userId = users.admin;
    const res = await notesPost(send("POST", `/api/alerts/${ids.ddos}/notes`, { body: "Escalated to ISP." }), ctx(ids.ddos));
    expect(res.status).toBe(201);
    session.userId = users.viewer;
    expect((await notesPost(send("POST", `/api/alerts/${ids.ddos}/notes`, { body: "x" }), ctx(ids.ddos))).status).toBe(403);
    const notes = (await (await notesGet(get(`/api/alerts/${ids.ddos}/notes`), ctx(ids.ddos))).json()).notes;
    expect(notes.map((n: { body: string; author: { name: string } }) => [n.author.name, n.body])).toEqual([
      ["analyst user", "Checked upstream, scrubbing engaged."],
      ["admin user", "Escalated to ISP."],
    ]);
    // the alert (and its live event) carries the count, so other open pages know to fetch the notes
    expect((await (await getRoute(get(`/api/alerts/${ids.ddos}`), ctx(ids.ddos))).json()).noteCount).toBe(2);
    const event = await t.prisma.event.findFirst({ where: { type: "alert.updated" }, orderBy: { id: "desc" } });
    expect(event?.payload).toMatchObject({ id: ids.ddos, noteCount: 2 });
  });

  it("answers 400 for an empty note and 404 for an unknown alert", async () => {
    const empty = await notesPost(send("POST", `/api/alerts/${ids.ddos}/notes`, { body: "   " }), ctx(ids.ddos));
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.field).toBe("body");
    expect((await notesGet(get("/api/alerts/999999/notes"), ctx(999999))).status).toBe(404);
  });
});

describe("GET /api/alerts/export", () => {
  it("streams the filtered table as CSV with formula cells defused", async () => {
    session.userId = users.viewer;
    const res = await exportRoute(get("/api/alerts/export?site=hq"), ctx(0));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="tidewatch-alerts-.*\.csv"/);
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^id,created_at,observed_at,severity,status,type/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${ids.ddos},`));
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"") flood, ""quoted"""`);
    expect(lines[2]).toMatch(new RegExp(`^${ids.cpu},`));
  });

  it("answers 401 without a session", async () => {
    session.userId = null;
    expect((await exportRoute(get("/api/alerts/export"), ctx(0))).status).toBe(401);
  });
});

describe("GET /api/alerts/:id/context", () => {
  it("lines up the observed minutes with the hour-of-week band around the alert", async () => {
    const alert = await t.prisma.alert.findUniqueOrThrow({ where: { id: ids.cpu } });
    const at = alert.observedAt.getTime();
    const samples = Array.from({ length: 320 }, (_, i) => {
      const ts = new Date(at - 240 * 60_000 + i * 60_000);
      const values = emptyMetricValues();
      values.cpuPct = ts.getTime() === at ? 97 : 30;
      return { deviceId: devices.hq, ts, values };
    });
    await insertSamples(pool(), samples);
    const how = hourOfWeek(alert.observedAt);
    await saveBaselines(t.prisma, devices.hq, [
      { metric: "cpuPct", hourOfWeek: how, mean: 30, std: 5, median: 30, p05: 22, p25: 27, p75: 33, p95: 38, p99: 42, mad: 3, sampleCount: 120 },
    ], new Date());
    const res = await contextRoute(get(`/api/alerts/${ids.cpu}/context`), ctx(ids.cpu));
    const body = await res.json();
    expect(body.metric).toBe("cpuPct");
    expect(body.alertAt).toBe(at);
    // 3 h before to 1 h after, one point per stored minute
    expect(body.points).toHaveLength(241);
    expect(body.points[0].t).toBe(at - 3 * 3_600_000);
    const marked = body.points.find((p: { t: number }) => p.t === at);
    expect(marked).toMatchObject({ observed: 97, bandLow: 22, bandHigh: 38 });
    expect(body.hasBand).toBe(true);
    expect(body.hasForecast).toBe(false);
  });

  it("has no points for a flow threat (no single metric)", async () => {
    const body = await (await contextRoute(get(`/api/alerts/${ids.ddos}/context`), ctx(ids.ddos))).json();
    expect(body.points).toEqual([]);
  });

  it("keeps the single-alert GET working with the triage fields", async () => {
    const body = await (await getRoute(get(`/api/alerts/${ids.mem}`), ctx(ids.mem))).json();
    expect(body).toMatchObject({ id: ids.mem, status: "acknowledged", assignee: null });
  });
});
