// The maintenance-window, suppression-rule, business-calendar and detector-settings APIs through their
// real route handlers and a real database. Only next-auth's cookie decoding (getServerSession) is replaced.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resolveDetectorConfig } from "../../lib/alerts/alert-thresholds";
import { listDetectorSettings } from "../../lib/db/detection-settings-queries";
import { makeDevice, makeUser } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

const windowsRoute = await import("../../app/api/maintenance-windows/route");
const windowRoute = await import("../../app/api/maintenance-windows/[id]/route");
const rulesRoute = await import("../../app/api/suppression-rules/route");
const ruleRoute = await import("../../app/api/suppression-rules/[id]/route");
const calendarRoute = await import("../../app/api/calendar/route");
const calendarEntryRoute = await import("../../app/api/calendar/[id]/route");
const settingsRoute = await import("../../app/api/detector-settings/route");
const settingRoute = await import("../../app/api/detector-settings/[id]/route");
const whatIfRoute = await import("../../app/api/detector-settings/what-if/route");
const curveRoute = await import("../../app/api/detector-settings/feedback-curve/route");
const devicesRoute = await import("../../app/api/devices/route");

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

let t: TestDatabase;
let users: { viewer: number; analyst: number; admin: number };
let fw: { id: number; name: string };
let srv: { id: number; name: string };

const DAY = 86_400_000;

async function call(handler: Handler, method: string, path: string, body?: unknown, id?: number | string) {
  const res = await handler(
    new Request(`http://localhost:3000${path}`, {
      method,
      // the API takes every state-changing request as JSON, with a body or not (415 otherwise)
      headers: { host: "localhost:3000", ...(method === "GET" ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    }),
    { params: Promise.resolve<Record<string, string>>(id === undefined ? {} : { id: String(id) }) },
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const as = (who: keyof typeof users) => {
  session.userId = users[who];
};

const oneOff = {
  scope: "all",
  startsAt: "2026-11-20T01:00:00Z",
  endsAt: "2026-11-20T03:00:00Z",
  reason: "core upgrade",
};

beforeAll(async () => {
  t = await createTestDatabase();
  users = {
    viewer: (await makeUser(t.prisma, "viewer")).id,
    analyst: (await makeUser(t.prisma, "analyst")).id,
    admin: (await makeUser(t.prisma, "admin")).id,
  };
  fw = await makeDevice(t.prisma, "fw-hq-1", { site: "hq", role: "firewall" });
  srv = await makeDevice(t.prisma, "srv-dc-1", { site: "dc", role: "server" });
});

afterAll(async () => {
  await t?.drop();
});

beforeEach(() => {
  session.userId = null;
});

describe("reads", () => {
  it("answers 401 without a session", async () => {
    expect((await call(windowsRoute.GET, "GET", "/api/maintenance-windows")).status).toBe(401);
    expect((await call(settingsRoute.GET, "GET", "/api/detector-settings")).status).toBe(401);
  });

  it("lets a viewer read everything", async () => {
    as("viewer");
    expect(await call(windowsRoute.GET, "GET", "/api/maintenance-windows")).toEqual({ status: 200, body: { windows: [] } });
    expect(await call(rulesRoute.GET, "GET", "/api/suppression-rules")).toEqual({ status: 200, body: { rules: [] } });
    expect(await call(calendarRoute.GET, "GET", "/api/calendar")).toEqual({ status: 200, body: { entries: [] } });
    const devices = await call(devicesRoute.GET, "GET", "/api/devices");
    expect(devices.body.devices.map((d: { name: string }) => d.name)).toEqual(["fw-hq-1", "srv-dc-1"]);
    const settings = await call(settingsRoute.GET, "GET", "/api/detector-settings");
    expect(settings.status).toBe(200);
    const z = settings.body.detectors.find((d: { id: string }) => d.id === "hour-of-week-zscore");
    expect(z).toMatchObject({ scoreField: "threshold", defaults: { threshold: 5 }, effective: { threshold: 5 }, overrides: [] });
    expect(z.fields.find((f: { name: string }) => f.name === "threshold")).toMatchObject({ type: "number", exclusiveMinimum: 0, default: 5 });
    const scoreFields = Object.fromEntries(settings.body.detectors.map((d: { id: string; scoreField: string }) => [d.id, d.scoreField]));
    expect(scoreFields).toMatchObject({ "iqr-fences": "k", "flow-ddos": "minZ", "isolation-forest": "threshold" });
  });
});

describe("viewer writes", () => {
  it("answers 403 to every write and changes nothing", async () => {
    as("viewer");
    const writes = [
      await call(windowsRoute.POST, "POST", "/api/maintenance-windows", oneOff),
      await call(windowRoute.PATCH, "PATCH", "/api/maintenance-windows/1", { reason: "x" }, 1),
      await call(windowRoute.DELETE, "DELETE", "/api/maintenance-windows/1", undefined, 1),
      await call(rulesRoute.POST, "POST", "/api/suppression-rules", { device: "scanner-*", reason: "scanner" }),
      await call(ruleRoute.PATCH, "PATCH", "/api/suppression-rules/1", { enabled: false }, 1),
      await call(ruleRoute.DELETE, "DELETE", "/api/suppression-rules/1", undefined, 1),
      await call(calendarRoute.POST, "POST", "/api/calendar", { name: "sale", startsAt: oneOff.startsAt, endsAt: oneOff.endsAt, expectedIncrease: 3 }),
      await call(calendarEntryRoute.DELETE, "DELETE", "/api/calendar/1", undefined, 1),
      await call(settingsRoute.PUT, "PUT", "/api/detector-settings", { detector: "hour-of-week-zscore", scope: "global", config: { threshold: 6 } }),
      await call(settingRoute.DELETE, "DELETE", "/api/detector-settings/1", undefined, 1),
    ];
    expect(writes.map((w) => w.status)).toEqual(Array(writes.length).fill(403));
    expect(writes.every((w) => w.body.error.code === "forbidden")).toBe(true);
    expect(await t.prisma.maintenanceWindow.count()).toBe(0);
    expect(await t.prisma.suppressionRule.count()).toBe(0);
    expect(await t.prisma.calendarEntry.count()).toBe(0);
    expect(await t.prisma.detectorSetting.count()).toBe(0);
    expect(await t.prisma.auditLog.count()).toBe(0);
  });
});

describe("maintenance windows", () => {
  it("lets an analyst create, change and delete a window, each audited", async () => {
    as("analyst");
    const created = await call(windowsRoute.POST, "POST", "/api/maintenance-windows", {
      scope: "device",
      deviceIds: [srv.id, fw.id, fw.id],
      startsAt: "2026-11-20T01:00:00Z",
      endsAt: "2026-11-20T02:00:00Z",
      recurrence: "weekly",
      timezone: "europe/berlin",
      reason: "patch Tuesday",
    });
    expect(created.status).toBe(201);
    const w = created.body.window;
    expect(w).toMatchObject({
      scope: "device",
      deviceIds: [fw.id, srv.id],
      devices: [
        { id: fw.id, name: "fw-hq-1" },
        { id: srv.id, name: "srv-dc-1" },
      ],
      recurrence: "weekly",
      timezone: "Europe/Berlin",
      createdBy: { id: users.analyst },
    });

    const changed = await call(windowRoute.PATCH, "PATCH", `/api/maintenance-windows/${w.id}`, { scope: "site", scopeValue: "hq", reason: "site work" }, w.id);
    expect(changed.status).toBe(200);
    expect(changed.body.window).toMatchObject({ scope: "site", scopeValue: "hq", deviceIds: [], reason: "site work", recurrence: "weekly" });

    const listed = await call(windowsRoute.GET, "GET", "/api/maintenance-windows");
    expect(listed.body.windows.map((x: { id: number }) => x.id)).toEqual([w.id]);

    const deleted = await call(windowRoute.DELETE, "DELETE", `/api/maintenance-windows/${w.id}`, undefined, w.id);
    expect(deleted).toEqual({ status: 200, body: { id: w.id, deleted: true } });
    expect(await t.prisma.maintenanceWindow.count()).toBe(0);

    const audit = await t.prisma.auditLog.findMany({ where: { entityType: "maintenance_window" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorId, a.entityId])).toEqual([
      ["maintenance_window.create", users.analyst, String(w.id)],
      ["maintenance_window.update", users.analyst, String(w.id)],
      ["maintenance_window.delete", users.analyst, String(w.id)],
    ]);
    expect(audit[1]!.before).toMatchObject({ scope: "device", reason: "patch Tuesday" });
    expect(audit[1]!.after).toMatchObject({ scope: "site", scopeValue: "hq" });

    // every open maintenance page hears of each change on the live stream
    const events = await t.prisma.event.findMany({ where: { type: "settings.changed" }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.payload)).toEqual([
      { entityType: "maintenance_window", entityId: String(w.id), action: "maintenance_window.create" },
      { entityType: "maintenance_window", entityId: String(w.id), action: "maintenance_window.update" },
      { entityType: "maintenance_window", entityId: String(w.id), action: "maintenance_window.delete" },
    ]);
  });

  it.each([
    { name: "end before start", body: { ...oneOff, endsAt: "2026-11-20T00:00:00Z" }, field: "endsAt" },
    { name: "end equal to start", body: { ...oneOff, endsAt: oneOff.startsAt }, field: "endsAt" },
    { name: "unknown time zone", body: { ...oneOff, timezone: "Mars/Olympus_Mons" }, field: "timezone" },
    { name: "daily window longer than a day", body: { ...oneOff, recurrence: "daily", endsAt: "2026-11-21T03:00:00Z" }, field: "endsAt" },
    { name: "site window without a site", body: { ...oneOff, scope: "site" }, field: "scopeValue" },
    { name: "device window without devices", body: { ...oneOff, scope: "device", deviceIds: [] }, field: "deviceIds" },
    { name: "unknown device", body: { ...oneOff, scope: "device", deviceIds: [987654] }, field: "deviceIds" },
    { name: "start without a time zone offset", body: { ...oneOff, startsAt: "2026-11-20T01:00" }, field: "startsAt" },
    { name: "unknown recurrence", body: { ...oneOff, recurrence: "monthly" }, field: "recurrence" },
    { name: "missing reason", body: { ...oneOff, reason: " " }, field: "reason" },
  ])("answers 400 naming the field: $name", async ({ body, field }) => {
    as("analyst");
    const res = await call(windowsRoute.POST, "POST", "/api/maintenance-windows", body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toMatch(new RegExp(`^${field}: `));
    expect(await t.prisma.maintenanceWindow.count()).toBe(0);
  });

  it("validates a change against the stored window, and answers 404 / 400 for unknown and malformed ids", async () => {
    as("analyst");
    const { body } = await call(windowsRoute.POST, "POST", "/api/maintenance-windows", oneOff);
    const id = body.window.id;
    const backwards = await call(windowRoute.PATCH, "PATCH", `/api/maintenance-windows/${id}`, { endsAt: "2026-11-19T00:00:00Z" }, id);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.field).toBe("endsAt");
    const badZone = await call(windowRoute.PATCH, "PATCH", `/api/maintenance-windows/${id}`, { timezone: "Nowhere/Town" }, id);
    expect(badZone.body.error.field).toBe("timezone");
    const unknownField = await call(windowRoute.PATCH, "PATCH", `/api/maintenance-windows/${id}`, { colour: "red" }, id);
    expect(unknownField.status).toBe(400);

    expect((await call(windowRoute.PATCH, "PATCH", "/api/maintenance-windows/999999", { reason: "x" }, 999999)).status).toBe(404);
    expect((await call(windowRoute.DELETE, "DELETE", "/api/maintenance-windows/999999", undefined, 999999)).status).toBe(404);
    const malformed = await call(windowRoute.DELETE, "DELETE", "/api/maintenance-windows/abc", undefined, "abc");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe("id");

    // nothing but the create was audited
    expect(await t.prisma.auditLog.count({ where: { entityType: "maintenance_window", entityId: String(id) } })).toBe(1);
    await call(windowRoute.DELETE, "DELETE", `/api/maintenance-windows/${id}`, undefined, id);
  });

  it("lists only the windows that can occur in a requested span", async () => {
    as("admin");
    const past = (await call(windowsRoute.POST, "POST", "/api/maintenance-windows", { ...oneOff, startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-01-01T01:00:00Z" })).body.window;
    const daily = (await call(windowsRoute.POST, "POST", "/api/maintenance-windows", { ...oneOff, recurrence: "daily", startsAt: "2026-01-01T02:00:00Z", endsAt: "2026-01-01T03:00:00Z" })).body.window;
    const res = await call(windowsRoute.GET, "GET", "/api/maintenance-windows?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z");
    expect(res.body.windows.map((w: { id: number }) => w.id)).toEqual([daily.id]);
    const bad = await call(windowsRoute.GET, "GET", "/api/maintenance-windows?from=yesterday");
    expect(bad.body.error.field).toBe("from");
    for (const w of [past, daily]) await call(windowRoute.DELETE, "DELETE", "/api/maintenance-windows/x", undefined, w.id);
  });
});

describe("suppression rules and the business calendar", () => {
  it("refuses an analyst (settings are for admins)", async () => {
    as("analyst");
    expect((await call(rulesRoute.POST, "POST", "/api/suppression-rules", { device: "scanner-*", reason: "scanner" })).status).toBe(403);
    expect(
      (await call(calendarRoute.POST, "POST", "/api/calendar", { name: "sale", startsAt: oneOff.startsAt, endsAt: oneOff.endsAt, expectedIncrease: 3 })).status,
    ).toBe(403);
    expect(
      (await call(settingsRoute.PUT, "PUT", "/api/detector-settings", { detector: "hour-of-week-zscore", scope: "global", config: { threshold: 6 } })).status,
    ).toBe(403);
    expect(await t.prisma.suppressionRule.count()).toBe(0);
    expect(await t.prisma.calendarEntry.count()).toBe(0);
    expect(await t.prisma.detectorSetting.count()).toBe(0);
  });

  it("lets an admin create, disable, change and delete a rule, each audited", async () => {
    as("admin");
    const created = await call(rulesRoute.POST, "POST", "/api/suppression-rules", { device: "scanner-*", type: "port_scan", reason: "vulnerability scanner" });
    expect(created.status).toBe(201);
    const id = created.body.rule.id;
    expect(created.body.rule).toMatchObject({ device: "scanner-*", type: "port_scan", site: null, enabled: true, createdBy: { id: users.admin } });

    const disabled = await call(ruleRoute.PATCH, "PATCH", `/api/suppression-rules/${id}`, { enabled: false }, id);
    expect(disabled.body.rule).toMatchObject({ enabled: false, device: "scanner-*" });
    const cleared = await call(ruleRoute.PATCH, "PATCH", `/api/suppression-rules/${id}`, { device: null }, id);
    expect(cleared.body.rule).toMatchObject({ device: null, type: "port_scan" });
    // clearing the last pattern would make the rule hide everything
    const empty = await call(ruleRoute.PATCH, "PATCH", `/api/suppression-rules/${id}`, { type: null }, id);
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe("device");

    expect((await call(ruleRoute.PATCH, "PATCH", "/api/suppression-rules/424242", { enabled: true }, 424242)).status).toBe(404);
    expect((await call(ruleRoute.DELETE, "DELETE", `/api/suppression-rules/${id}`, undefined, id)).status).toBe(200);
    expect((await call(ruleRoute.DELETE, "DELETE", `/api/suppression-rules/${id}`, undefined, id)).status).toBe(404);

    const audit = await t.prisma.auditLog.findMany({ where: { entityType: "suppression_rule" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["suppression_rule.create", users.admin],
      ["suppression_rule.update", users.admin],
      ["suppression_rule.update", users.admin],
      ["suppression_rule.delete", users.admin],
    ]);
  });

  it("answers 400 for a rule without patterns", async () => {
    as("admin");
    const res = await call(rulesRoute.POST, "POST", "/api/suppression-rules", { reason: "everything" });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("device");
  });

  it("lets an admin announce and delete a surge, audited; end before start is a 400", async () => {
    as("admin");
    const bad = await call(calendarRoute.POST, "POST", "/api/calendar", { name: "sale", startsAt: oneOff.endsAt, endsAt: oneOff.startsAt, expectedIncrease: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("endsAt");
    const low = await call(calendarRoute.POST, "POST", "/api/calendar", { name: "sale", startsAt: oneOff.startsAt, endsAt: oneOff.endsAt, expectedIncrease: 0.5 });
    expect(low.body.error.field).toBe("expectedIncrease");

    const created = await call(calendarRoute.POST, "POST", "/api/calendar", {
      name: "Black Friday",
      startsAt: "2026-11-27T00:00:00Z",
      endsAt: "2026-11-28T00:00:00Z",
      expectedIncrease: 4,
      sites: ["hq"],
    });
    expect(created.status).toBe(201);
    expect(created.body.entry).toMatchObject({ name: "Black Friday", expectedIncrease: 4, sites: ["hq"], devices: [], roles: [] });
    const id = created.body.entry.id;
    expect((await call(calendarRoute.GET, "GET", "/api/calendar")).body.entries).toHaveLength(1);
    expect((await call(calendarEntryRoute.DELETE, "DELETE", `/api/calendar/${id}`, undefined, id)).status).toBe(200);
    expect((await call(calendarEntryRoute.DELETE, "DELETE", `/api/calendar/${id}`, undefined, id)).status).toBe(404);
    const audit = await t.prisma.auditLog.findMany({ where: { entityType: "calendar_entry" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["calendar_entry.create", "calendar_entry.delete"]);
  });
});

describe("detector settings", () => {
  it.each([
    { name: "negative z threshold", body: { detector: "hour-of-week-zscore", scope: "global", config: { threshold: -2 } }, field: "config.threshold" },
    { name: "threshold that is not a number", body: { detector: "hour-of-week-zscore", scope: "global", config: { threshold: "high" } }, field: "config.threshold" },
    { name: "isolation score outside (0.5, 1)", body: { detector: "isolation-forest", scope: "global", config: { threshold: 1.2 } }, field: "config.threshold" },
    { name: "unknown setting", body: { detector: "iqr-fences", scope: "global", config: { threshold: 3 } }, field: "config.threshold" },
    { name: "empty config", body: { detector: "iqr-fences", scope: "global", config: {} }, field: "config" },
    { name: "unknown detector", body: { detector: "crystal-ball", scope: "global", config: { threshold: 3 } }, field: "detector" },
    { name: "unknown scope", body: { detector: "iqr-fences", scope: "site", target: "hq", config: { k: 3 } }, field: "scope" },
    { name: "global with a target", body: { detector: "iqr-fences", scope: "global", target: "x", config: { k: 3 } }, field: "target" },
    { name: "device without a target", body: { detector: "iqr-fences", scope: "device", config: { k: 3 } }, field: "target" },
    { name: "unknown device", body: { detector: "iqr-fences", scope: "device", target: "ghost-1", config: { k: 3 } }, field: "target" },
  ])("answers 400 naming the field: $name", async ({ body, field }) => {
    as("admin");
    const res = await call(settingsRoute.PUT, "PUT", "/api/detector-settings", body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(await t.prisma.detectorSetting.count()).toBe(0);
  });

  it("saves a device override that the worker's resolution then uses, audited; deleting it falls back", async () => {
    as("admin");
    const device = { name: fw.name, role: "firewall" };
    const other = { name: srv.name, role: "server" };
    expect(resolveDetectorConfig(await listDetectorSettings(t.prisma), "hour-of-week-zscore", device)).toBeUndefined();

    const global = await call(settingsRoute.PUT, "PUT", "/api/detector-settings", { detector: "hour-of-week-zscore", scope: "global", config: { threshold: 6 } });
    expect(global.status).toBe(200);
    const saved = await call(settingsRoute.PUT, "PUT", "/api/detector-settings", {
      detector: "hour-of-week-zscore",
      scope: "device",
      target: "FW-HQ-1",
      config: { threshold: 9.5 },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.setting).toMatchObject({ detector: "hour-of-week-zscore", scope: "device", target: "FW-HQ-1", config: { threshold: 9.5 }, updatedBy: { id: users.admin } });
    expect(saved.body.change).toMatchObject({ action: "detector_setting.save", actor: { id: users.admin }, after: { config: { threshold: 9.5 } } });

    const overrides = await listDetectorSettings(t.prisma);
    expect(resolveDetectorConfig(overrides, "hour-of-week-zscore", device)).toEqual({ threshold: 9.5 });
    expect(resolveDetectorConfig(overrides, "hour-of-week-zscore", other)).toEqual({ threshold: 6 });

    // changing it again records the value before
    const again = await call(settingsRoute.PUT, "PUT", "/api/detector-settings", { detector: "hour-of-week-zscore", scope: "device", target: "FW-HQ-1", config: { threshold: 8 } });
    expect(again.body.change.before).toMatchObject({ config: { threshold: 9.5 } });

    const read = await call(settingsRoute.GET, "GET", "/api/detector-settings");
    const z = read.body.detectors.find((d: { id: string }) => d.id === "hour-of-week-zscore");
    expect(z.effective).toMatchObject({ threshold: 6, minStd: 0.01 });
    expect(z.overrides.map((o: { scope: string; target: string | null }) => [o.scope, o.target])).toEqual([
      ["global", null],
      ["device", "FW-HQ-1"],
    ]);
    expect(read.body.changes[0]).toMatchObject({ action: "detector_setting.save", entityId: String(saved.body.setting.id) });

    const id = saved.body.setting.id;
    const removed = await call(settingRoute.DELETE, "DELETE", `/api/detector-settings/${id}`, undefined, id);
    expect(removed.status).toBe(200);
    expect(removed.body.change).toMatchObject({ action: "detector_setting.delete", before: { config: { threshold: 8 } } });
    expect(resolveDetectorConfig(await listDetectorSettings(t.prisma), "hour-of-week-zscore", device)).toEqual({ threshold: 6 });
    expect((await call(settingRoute.DELETE, "DELETE", `/api/detector-settings/${id}`, undefined, id)).status).toBe(404);

    const audit = await t.prisma.auditLog.findMany({ where: { entityType: "detector_setting" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["detector_setting.save", users.admin],
      ["detector_setting.save", users.admin],
      ["detector_setting.save", users.admin],
      ["detector_setting.delete", users.admin],
    ]);
  });
});

describe("what if and the feedback curve", () => {
  const now = Date.now();
  const daysAgo = (n: number) => new Date(now - n * DAY);

  async function seedAlert(deviceId: number, score: number, observedAt: Date, extra: { detector?: string; status?: "open" | "suppressed" } = {}) {
    const detector = extra.detector ?? "robust-zscore";
    return t.prisma.alert.create({
      data: {
        deviceId,
        detector,
        anomalyType: "metric_spike",
        severity: "high",
        score,
        status: extra.status ?? "open",
        metric: "cpuPct",
        observedAt,
        observed: { value: 97, ts: observedAt.toISOString() },
        expected: { low: 10, high: 50 },
        explanation: "test",
        dedupKey: `${deviceId}:${detector}:${score}:${observedAt.getTime()}`,
        lastSeenAt: observedAt,
      },
    });
  }

  let labelled: { id: number; positive: boolean }[] = [];

  beforeAll(async () => {
    // robust-zscore alerts: three today, two three days ago, one suppressed, one too old, one other detector
    const a = await seedAlert(fw.id, 6.5, daysAgo(0));
    const b = await seedAlert(fw.id, 8, daysAgo(0));
    const c = await seedAlert(srv.id, 12, daysAgo(0));
    const d = await seedAlert(srv.id, 7, daysAgo(3));
    const e = await seedAlert(fw.id, 9, daysAgo(3));
    await seedAlert(fw.id, 20, daysAgo(1), { status: "suppressed" });
    await seedAlert(fw.id, 15, daysAgo(10));
    await seedAlert(fw.id, 30, daysAgo(0), { detector: "iqr-fences" });
    labelled = [
      { id: a.id, positive: false },
      { id: b.id, positive: false },
      { id: c.id, positive: true },
      { id: d.id, positive: false },
      { id: e.id, positive: true },
    ];
    for (const l of labelled) {
      await t.prisma.feedback.create({ data: { alertId: l.id, userId: users.analyst, verdict: l.positive ? "true_positive" : "false_positive" } });
    }
    // a disputed alert counts as a positive (a tie keeps it)
    await t.prisma.feedback.create({ data: { alertId: b.id, userId: users.admin, verdict: "true_positive" } });
  });

  const whatIf = (query: string) => call(whatIfRoute.GET, "GET", `/api/detector-settings/what-if?${query}`);

  it("counts stored alerts at or above the threshold per day over the last 7 days", async () => {
    as("viewer");
    const at7 = await whatIf("detector=robust-zscore&threshold=7");
    expect(at7.status).toBe(200);
    expect(at7.body.days).toHaveLength(7);
    const today = new Date(now).toISOString().slice(0, 10);
    const threeDaysAgo = daysAgo(3).toISOString().slice(0, 10);
    const counts = Object.fromEntries(at7.body.days.map((d: { day: string; alerts: number }) => [d.day, d.alerts]));
    expect(counts[today]).toBe(2); // 8 and 12
    expect(counts[threeDaysAgo]).toBe(2); // 7 and 9
    expect(at7.body).toMatchObject({ total: 4, field: "threshold", currentThreshold: 6 });
    expect(at7.body.perDay).toBeCloseTo(4 / 7);

    expect((await whatIf("detector=robust-zscore&threshold=6")).body.total).toBe(5);
    expect((await whatIf("detector=robust-zscore&threshold=10")).body.total).toBe(1);
    expect((await whatIf("detector=robust-zscore&threshold=10&scope=device&target=srv-dc-1")).body.total).toBe(1);
    expect((await whatIf("detector=robust-zscore&threshold=6&scope=device&target=fw-hq-1")).body.total).toBe(3);
    expect((await whatIf("detector=robust-zscore&threshold=6&scope=role&target=server")).body.total).toBe(2);
    expect((await whatIf("detector=iqr-fences&threshold=5")).body).toMatchObject({ field: "k", total: 1 });
  });

  it("answers 400 for a threshold the detector would refuse", async () => {
    as("viewer");
    const neg = await whatIf("detector=robust-zscore&threshold=-1");
    expect(neg.status).toBe(400);
    expect(neg.body.error.field).toBe("threshold");
    expect((await whatIf("detector=robust-zscore&threshold=abc")).body.error.field).toBe("threshold");
    expect((await whatIf("detector=nope&threshold=3")).body.error.field).toBe("detector");
    expect((await whatIf("detector=robust-zscore&threshold=3&scope=device")).body.error.field).toBe("target");
  });

  it("gives precision, recall and F1 at the threshold and the optimal thresholds from verdicts", async () => {
    as("viewer");
    // labels by score: 6.5 FP, 7 FP, 8 TP (disputed), 9 TP, 12 TP
    const at8 = await whatIf("detector=robust-zscore&threshold=8");
    expect(at8.body.feedback).toMatchObject({ labelled: 5, positives: 3, atThreshold: { raised: 3, truePositives: 3, precision: 1, recall: 1, f1: 1 } });
    const at7 = await whatIf("detector=robust-zscore&threshold=7");
    expect(at7.body.feedback.atThreshold).toMatchObject({ raised: 4, truePositives: 3, precision: 0.75, recall: 1 });

    const curve = await call(curveRoute.GET, "GET", "/api/detector-settings/feedback-curve?detector=robust-zscore");
    expect(curve.status).toBe(200);
    expect(curve.body).toMatchObject({ detector: "robust-zscore", field: "threshold", labelled: 5, positives: 3, currentThreshold: 6 });
    expect(curve.body.points.map((p: { threshold: number }) => p.threshold)).toEqual([6, 6.5, 7, 8, 9, 12]);
    expect(curve.body.optimal).toEqual({ f1: 8, precision: 8, recall: 8 });
    expect(curve.body.sources).toEqual({ verdicts: 5, scenarios: 0 });
  });

  it("adds the demo's ground-truth labels to the curve, an analyst's verdict winning on the same alert", async () => {
    const { startDemoLabelling } = await import("../../workers/demo/labelling");
    const hit = await seedAlert(fw.id, 10, new Date(now - 2 * 3_600_000));
    await seedAlert(srv.id, 6.2, new Date(now - 3 * 3_600_000));
    const labelling = startDemoLabelling({
      prisma: t.prisma,
      deviceNames: () => ["fw-hq-1", "srv-dc-1"],
      now: () => new Date(now + 60_000),
      log: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } } as never,
      intervalMs: 3_600_000,
    });
    try {
      labelling.setScoredFrom(daysAgo(4));
      // the incident the demo injected: fw-hq-1, around the score-10 alert
      labelling.setLabels([{ start: new Date(now - 2 * 3_600_000 - 60_000), end: new Date(now - 2 * 3_600_000 + 300_000), device: "fw-hq-1", type: "metric_spike" }]);
      expect(await labelling.runOnce()).toBeGreaterThanOrEqual(2);
    } finally {
      labelling.stop();
    }
    const stored = await t.prisma.scenarioLabel.findMany({ where: { scenario: "demo", detector: "robust-zscore" } });
    expect(stored.find((r) => r.alertId === hit.id)).toMatchObject({ positive: true, deviceName: "fw-hq-1", deviceRole: "firewall" });
    // suppressed alerts are never labelled
    expect(stored.some((r) => r.score === 20)).toBe(false);

    as("viewer");
    const curve = await call(curveRoute.GET, "GET", "/api/detector-settings/feedback-curve?detector=robust-zscore");
    // five verdicts, plus the two unjudged alerts labelled by the ground truth (10: hit, 6.2: false alarm)
    expect(curve.body.sources).toEqual({ verdicts: 5, scenarios: 2 });
    expect(curve.body).toMatchObject({ labelled: 7, positives: 4 });
    const roleCurve = await call(curveRoute.GET, "GET", "/api/detector-settings/feedback-curve?detector=robust-zscore&scope=role&target=server");
    expect(roleCurve.body.sources.scenarios).toBe(1);
  });
});
