// The notification outbox and its sender against a real Postgres and local HTTP receivers: state
// changes (raised, acknowledged, resolved) go out once per channel however often the alert repeats;
// suppressed alerts never; one message per campaign; escalation after N unacknowledged minutes; a
// webhook signed with HMAC-SHA256; a receiver failing twice with 503 gets the message on the third
// try; Retry-After is honoured; the last failed try is a dead letter; a sender that died mid-send is
// replaced and the message delivered once.
process.env.TIDEWATCH_SECRET_KEY ??= "integration-tests-notification-key-0123456789";
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alertTypeOf } from "../../../lib/alerts/alert-type";
import { recordDetection } from "../../../lib/db/alert-recording-queries";
import { triageAlert } from "../../../lib/db/alert-triage-queries";
import { saveCampaign } from "../../../lib/db/campaign-queries";
import { appendEvent } from "../../../lib/db/event-queries";
import { createChannel } from "../../../lib/db/notification-channel-queries";
import { claimDeliveries, enqueueEscalations } from "../../../lib/db/notification-outbox-queries";
import { createLogger } from "../../../lib/log";
import { newChannelSchema } from "../../../lib/notify/channel-input";
import { NotificationSender } from "../../../workers/notification-sender";
import { makeDetection, makeDevice, makeUser } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { manualClock, startHttpReceiver, type HttpReceiver } from "./receivers";

let t: TestDatabase;
let rx: HttpReceiver;
let admin: number;
const log = createLogger("test:notify", { level: "error" });
const BASE = "https://tidewatch.example.test";

beforeAll(async () => {
  t = await createTestDatabase();
  rx = await startHttpReceiver();
  admin = (await makeUser(t.prisma, "admin")).id;
});
afterAll(async () => {
  await rx?.close();
  await t?.drop();
});
beforeEach(async () => {
  await t.prisma.notificationChannel.deleteMany();
  rx.requests.length = 0;
  rx.script.length = 0;
});

const channel = (input: Record<string, unknown>) => createChannel(t.prisma, newChannelSchema.parse(input), admin);
const outbox = (channelId?: number) =>
  t.prisma.notificationDelivery.findMany({ where: channelId ? { channelId } : {}, orderBy: { id: "asc" }, select: { event: true, subjectKey: true, status: true, channelId: true, attempts: true, nextAttemptAt: true, lastError: true } });
const sender = (clock = manualClock(), extra: Partial<ConstructorParameters<typeof NotificationSender>[0]> = {}) =>
  new NotificationSender({ prisma: t.prisma, clock, log, baseUrl: BASE, backoffBaseMs: 1_000, maxAttempts: 4, ...extra });
let minute = 0;
const observed = () => ({ value: 97, ts: new Date(Date.parse("2026-12-01T10:00:00Z") + minute++ * 60_000).toISOString() });

describe("outbox routing", () => {
  it("raises once per channel in the alert's transaction, never for repeats, then acknowledged and resolved once each", async () => {
    const hook = await channel({ name: "soc-hook", kind: "webhook", config: { url: rx.url } });
    const criticalOnly = await channel({ name: "critical", kind: "webhook", config: { url: rx.url }, filter: { minSeverity: "critical" } });
    const d = await makeDevice(t.prisma);
    const first = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), severity: "high" }) });
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), severity: "high", score: 9 }) });
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), severity: "high", score: 9.5 }) });
    expect(await outbox(hook.id)).toMatchObject([{ event: "alert.raised", subjectKey: `alert:${first.alert.id}`, status: "pending" }]);
    expect(await outbox(criticalOnly.id)).toEqual([]);

    await triageAlert(t.prisma, { alertId: first.alert.id, actorId: admin, patch: { status: "acknowledged" } });
    await triageAlert(t.prisma, { alertId: first.alert.id, actorId: admin, patch: { assignee: "me" } });
    await triageAlert(t.prisma, { alertId: first.alert.id, actorId: admin, patch: { status: "resolved" } });
    expect((await outbox(hook.id)).map((r) => r.event)).toEqual(["alert.raised", "alert.acknowledged", "alert.resolved"]);
    // the channel that never heard of the alert is not told it was resolved
    expect(await outbox(criticalOnly.id)).toEqual([]);
  });

  it("a rolled-back alert change leaves no notification behind; a committed one leaves exactly one", async () => {
    const hook = await channel({ name: "hook", kind: "webhook", config: { url: rx.url } });
    const d = await makeDevice(t.prisma);
    const { alert } = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }) });
    await t.prisma.notificationDelivery.deleteMany();
    const announce = (fail: boolean) =>
      t.prisma.$transaction(async (tx) => {
        await appendEvent(tx, "alert.created", alert);
        if (fail) throw new Error("the change failed after its event was appended");
      });
    await expect(announce(true)).rejects.toThrow("failed after");
    expect(await outbox(hook.id)).toEqual([]);
    await announce(false);
    expect(await outbox(hook.id)).toMatchObject([{ event: "alert.raised", subjectKey: `alert:${alert.id}` }]);
  });

  it("never announces a maintenance-suppressed alert, and filters by type, site and role", async () => {
    const hook = await channel({ name: "hq-servers", kind: "webhook", config: { url: rx.url }, filter: { sites: ["hq"], roles: ["server"], types: [alertTypeOf(makeDetection(0))] } });
    const d = await makeDevice(t.prisma, undefined, { site: "hq", role: "server" });
    const other = await makeDevice(t.prisma, undefined, { site: "branch", role: "server" });
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }), suppressedBy: { kind: "maintenance", windowId: 1 } });
    await recordDetection(t.prisma, { deviceId: other.id, detection: makeDetection(other.id, { observed: observed() }) });
    expect(await outbox(hook.id)).toEqual([]);
    const raised = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), dedupKey: `${d.id}:other` }) });
    expect(raised.alert.status).toBe("open");
    expect(await outbox(hook.id)).toMatchObject([{ event: "alert.raised", subjectKey: `alert:${raised.alert.id}` }]);
  });

  it("a site-filtered channel gets the campaigns of its site's devices only, and its alerts are grouped only into a campaign it got", async () => {
    const hq = await channel({ name: "hq-only", kind: "webhook", config: { url: rx.url }, filter: { sites: ["hq"] } });
    const everyone = await channel({ name: "alerts-only", kind: "webhook", config: { url: rx.url }, filter: { subjects: "alerts" } });
    const member = (id: number, name: string, type: string) => ({ alertId: id, device: name, type, severity: "high" as const, confidence: 0.8, ts: new Date() });
    for (const site of ["hq", "branch"]) {
      const d = await makeDevice(t.prisma, undefined, { site });
      const x = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), dedupKey: `${d.id}:x` }) });
      const y = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), dedupKey: `${d.id}:y` }) });
      await saveCampaign(t.prisma, { id: `campaign-${x.alert.id}`, members: [member(x.alert.id, d.name, "ddos"), member(y.alert.id, d.name, "port_scan")], types: ["ddos", "port_scan"], devices: [d.name], firstTs: new Date(), lastTs: new Date(), severity: "high", confidence: 0.8 }, [d.id]);
    }
    expect((await outbox(hq.id)).map((r) => r.event)).toEqual(["alert.raised", "alert.raised", "campaign.raised"]);
    await sender().runOnce();
    expect((await outbox(hq.id)).map((r) => r.status)).toEqual(["skipped", "skipped", "sent"]);
    // a channel without campaigns gets every alert on its own, campaign or not
    expect((await outbox(everyone.id)).map((r) => r.status)).toEqual(["sent", "sent", "sent", "sent"]);
  });

  it("escalates a campaign none of whose alerts was acknowledged, once; not one whose alert was", async () => {
    const pager = await channel({ name: "campaign-pager", kind: "webhook", config: { url: rx.url }, filter: { subjects: "campaigns" }, escalateAfterMinutes: 10 });
    const d = await makeDevice(t.prisma);
    const rec = (k: string) => recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), dedupKey: `${d.id}:${k}` }) });
    const [a1, a2, b1, b2] = [await rec("a1"), await rec("a2"), await rec("b1"), await rec("b2")];
    const member = (id: number, type: string) => ({ alertId: id, device: d.name, type, severity: "high" as const, confidence: 0.8, ts: new Date() });
    const campaignOf = (x: typeof a1, y: typeof a1) => ({ id: `campaign-${x.alert.id}`, members: [member(x.alert.id, "ddos"), member(y.alert.id, "port_scan")], types: ["ddos", "port_scan"], devices: [d.name], firstTs: new Date(), lastTs: new Date(), severity: "high" as const, confidence: 0.8 });
    await saveCampaign(t.prisma, campaignOf(a1, a2), [d.id]);
    await saveCampaign(t.prisma, campaignOf(b1, b2), [d.id]);
    await triageAlert(t.prisma, { alertId: b2.alert.id, actorId: admin, patch: { status: "acknowledged" } });
    expect(await outbox(pager.id)).toEqual([]);
    expect(await enqueueEscalations(t.prisma, new Date(Date.now() + 11 * 60_000))).toBe(1);
    expect(await enqueueEscalations(t.prisma, new Date(Date.now() + 12 * 60_000))).toBe(0);
    expect(await outbox(pager.id)).toMatchObject([{ event: "campaign.escalated", subjectKey: `campaign:campaign-${a1.alert.id}` }]);
    await sender().runOnce();
    const body = JSON.parse(rx.requests[0]!.body);
    expect(body).toMatchObject({ event: "campaign.escalated", campaign: { key: `campaign-${a1.alert.id}`, alertIds: [a1.alert.id, a2.alert.id] } });
  });

  it("filters by device tag, on raising and on escalation", async () => {
    const pci = await channel({ name: "pci", kind: "webhook", config: { url: rx.url }, filter: { tags: ["pci"] } });
    const pciPager = await channel({ name: "pci-pager", kind: "webhook", config: { url: rx.url }, filter: { tags: ["pci"] }, escalateAfterMinutes: 5 });
    const tagged = await t.prisma.device.update({ where: { id: (await makeDevice(t.prisma)).id }, data: { tags: ["prod", "pci"] } });
    const plain = await makeDevice(t.prisma);
    const a = await recordDetection(t.prisma, { deviceId: tagged.id, detection: makeDetection(tagged.id, { observed: observed() }) });
    await recordDetection(t.prisma, { deviceId: plain.id, detection: makeDetection(plain.id, { observed: observed() }) });
    expect(await outbox(pci.id)).toMatchObject([{ event: "alert.raised", subjectKey: `alert:${a.alert.id}` }]);
    await enqueueEscalations(t.prisma, new Date(Date.now() + 6 * 60_000));
    expect(await outbox(pciPager.id)).toMatchObject([{ event: "alert.escalated", subjectKey: `alert:${a.alert.id}` }]);
  });

  it("sends one message per campaign, and a raised member that joined it since is not sent on its own", async () => {
    const hook = await channel({ name: "campaigns", kind: "webhook", config: { url: rx.url } });
    const d = await makeDevice(t.prisma);
    const a1 = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), dedupKey: `${d.id}:ddos` }) });
    const a2 = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), dedupKey: `${d.id}:scan` }) });
    const member = (id: number, type: string) => ({ alertId: id, device: d.name, type, severity: "high" as const, confidence: 0.8, ts: new Date() });
    const campaign = { id: `campaign-${a1.alert.id}`, members: [member(a1.alert.id, "ddos"), member(a2.alert.id, "port_scan")], types: ["ddos", "port_scan"], devices: [d.name], firstTs: new Date(), lastTs: new Date(), severity: "high" as const, confidence: 0.8 };
    await saveCampaign(t.prisma, campaign, [d.id]);
    await saveCampaign(t.prisma, { ...campaign, lastTs: new Date(Date.now() + 60_000) }, [d.id]);
    expect((await outbox(hook.id)).map((r) => r.event)).toEqual(["alert.raised", "alert.raised", "campaign.raised"]);
    await sender().runOnce();
    const sent = rx.requests.map((r) => JSON.parse(r.body));
    expect(sent.map((b) => b.event)).toEqual(["campaign.raised"]);
    expect(sent[0].campaign).toMatchObject({ key: campaign.id, alertIds: [a1.alert.id, a2.alert.id], url: expect.stringContaining(BASE) });
    expect((await outbox(hook.id)).map((r) => r.status)).toEqual(["skipped", "skipped", "sent"]);
    // the channel never saw the member alerts on their own: their acknowledgement is not sent either
    await triageAlert(t.prisma, { alertId: a1.alert.id, actorId: admin, patch: { status: "acknowledged" } });
    expect((await outbox(hook.id)).map((r) => r.event)).toEqual(["alert.raised", "alert.raised", "campaign.raised"]);
  });

  it("escalates an alert left unacknowledged for N minutes to the next channel, once, then tells it of the acknowledgement", async () => {
    const slack = await channel({ name: "first", kind: "webhook", config: { url: rx.url } });
    const pager = await channel({ name: "pager", kind: "webhook", config: { url: rx.url }, escalateAfterMinutes: 15 });
    const d = await makeDevice(t.prisma);
    const a = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }) });
    const acked = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), dedupKey: `${d.id}:b` }) });
    await triageAlert(t.prisma, { alertId: acked.alert.id, actorId: admin, patch: { status: "acknowledged" } });
    expect(await outbox(pager.id)).toEqual([]);
    expect(await enqueueEscalations(t.prisma, new Date(Date.now() + 14 * 60_000))).toBe(0);
    expect(await enqueueEscalations(t.prisma, new Date(Date.now() + 16 * 60_000))).toBe(1);
    expect(await enqueueEscalations(t.prisma, new Date(Date.now() + 17 * 60_000))).toBe(0);
    expect(await outbox(pager.id)).toMatchObject([{ event: "alert.escalated", subjectKey: `alert:${a.alert.id}` }]);
    await triageAlert(t.prisma, { alertId: a.alert.id, actorId: admin, patch: { status: "acknowledged" } });
    expect((await outbox(pager.id)).map((r) => r.event)).toEqual(["alert.escalated", "alert.acknowledged"]);
    expect((await outbox(slack.id)).map((r) => r.event)).toEqual(["alert.raised", "alert.raised", "alert.acknowledged", "alert.acknowledged"]);
  });
});

describe("sender", () => {
  it("posts the webhook JSON signed with X-Tidewatch-Signature (HMAC-SHA256 of the raw body)", async () => {
    const secret = "hmac-secret-for-the-test";
    await channel({ name: "signed", kind: "webhook", config: { url: `${rx.url}/hook` }, secret });
    const d = await makeDevice(t.prisma, "edge-7", { site: "hq" });
    const a = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }) });
    await sender().runOnce();
    const [req] = await rx.waitFor(1);
    expect(req!.path).toBe("/hook");
    expect(req!.headers["content-type"]).toBe("application/json");
    const expected = `sha256=${crypto.createHmac("sha256", secret).update(req!.body).digest("hex")}`;
    expect(req!.headers["x-tidewatch-signature"]).toBe(expected);
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({
      event: "alert.raised",
      alert: { id: a.alert.id, severity: "high", type: a.alert.type, title: a.alert.title, device: "edge-7", site: "hq", score: 7.5, explanation: a.alert.explanation, url: `${BASE}/alerts/${a.alert.id}` },
    });
    expect(body.alert.expected).toMatchObject({ low: 10, high: 50 });
    expect(Date.parse(body.sentAt)).not.toBeNaN();
    const ch = await t.prisma.notificationChannel.findFirstOrThrow({ where: { name: "signed" } });
    expect(ch).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: expect.any(Date) });
    // the secret is stored sealed, not in clear
    expect(ch.secretEnc).not.toContain(secret);
  });

  it("retries a receiver that fails twice with 503 and delivers on the third try, exactly once", async () => {
    const ch = await channel({ name: "flaky", kind: "webhook", config: { url: rx.url } });
    rx.script.push({ status: 503 }, { status: 503 });
    const d = await makeDevice(t.prisma);
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }) });
    const clock = manualClock();
    const s = sender(clock);
    await s.runOnce();
    let [row] = await outbox(ch.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("503") });
    expect((await t.prisma.notificationChannel.findUniqueOrThrow({ where: { id: ch.id } })).consecutiveFailures).toBe(1);
    expect(await s.runOnce()).toBe(0); // not due before its backoff
    clock.advance(row!.nextAttemptAt.getTime() - clock.now() + 1);
    await s.runOnce();
    [row] = await outbox(ch.id);
    expect(row).toMatchObject({ status: "pending", attempts: 2 });
    clock.advance(row!.nextAttemptAt.getTime() - clock.now() + 1);
    await s.runOnce();
    [row] = await outbox(ch.id);
    expect(row).toMatchObject({ status: "sent", attempts: 3 });
    expect(rx.requests.map((r) => JSON.parse(r.body).id)).toEqual(Array(3).fill(JSON.parse(rx.requests[0]!.body).id));
    clock.advance(3_600_000);
    expect(await s.runOnce()).toBe(0);
    expect(rx.requests).toHaveLength(3);
    expect((await t.prisma.notificationChannel.findUniqueOrThrow({ where: { id: ch.id } })).consecutiveFailures).toBe(0);
  });

  it("keeps one alert's messages in order: its acknowledgement waits while its raised message is retried", async () => {
    const ch = await channel({ name: "ordered", kind: "webhook", config: { url: rx.url } });
    rx.script.push({ status: 503 });
    const d = await makeDevice(t.prisma);
    const { alert } = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }) });
    const clock = manualClock();
    const s = sender(clock);
    await s.runOnce();
    await triageAlert(t.prisma, { alertId: alert.id, actorId: admin, patch: { status: "acknowledged" } });
    clock.advance(500);
    expect(await s.runOnce()).toBe(0); // the acknowledgement is due, but the raised message is not yet
    const [raised] = await outbox(ch.id);
    clock.advance(raised!.nextAttemptAt.getTime() - clock.now() + 1);
    await s.runOnce();
    await s.runOnce();
    expect(rx.requests.map((r) => JSON.parse(r.body).event)).toEqual(["alert.raised", "alert.raised", "alert.acknowledged"]);
  });

  it("waits as long as a 429's Retry-After says, and dead-letters after the last try", async () => {
    const ch = await channel({ name: "limited", kind: "webhook", config: { url: rx.url } });
    rx.script.push({ status: 429, headers: { "retry-after": "120" } }, { status: 500 }, { status: 500 }, { status: 500 });
    const d = await makeDevice(t.prisma);
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }) });
    const clock = manualClock();
    const s = sender(clock);
    const t0 = clock.now();
    await s.runOnce();
    let [row] = await outbox(ch.id);
    expect(row!.nextAttemptAt.getTime() - t0).toBe(120_000);
    for (let i = 0; i < 3; i++) {
      clock.advance(row!.nextAttemptAt.getTime() - clock.now() + 1);
      await s.runOnce();
      [row] = await outbox(ch.id);
    }
    expect(row).toMatchObject({ status: "dead", attempts: 4, lastError: expect.stringContaining("500") });
    clock.advance(86_400_000);
    expect(await s.runOnce()).toBe(0);
    expect(rx.requests).toHaveLength(4);
    expect((await t.prisma.notificationChannel.findUniqueOrThrow({ where: { id: ch.id } })).consecutiveFailures).toBe(4);
  });

  it("holds less severe messages during quiet hours until they end, without spending a try; critical ones go at once", async () => {
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const quietEnd = Date.now() + 3_600_000;
    const ch = await channel({ name: "night", kind: "webhook", config: { url: rx.url }, filter: { quietHours: { from: hhmm(Date.now() - 3_600_000), to: hhmm(quietEnd), timezone: "UTC" } } });
    const d = await makeDevice(t.prisma);
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), severity: "high" }) });
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), severity: "critical", dedupKey: `${d.id}:c` }) });
    const clock = manualClock();
    const s = sender(clock);
    await s.runOnce();
    expect(rx.requests.map((r) => JSON.parse(r.body).alert.severity)).toEqual(["critical"]);
    const [held] = await outbox(ch.id);
    expect(held).toMatchObject({ status: "pending", attempts: 0 });
    expect(hhmm(held!.nextAttemptAt.getTime())).toBe(hhmm(quietEnd));
    clock.advance(held!.nextAttemptAt.getTime() - clock.now() + 1);
    await s.runOnce();
    expect(rx.requests.map((r) => JSON.parse(r.body).alert.severity)).toEqual(["critical", "high"]);
  });

  it("gathers low alerts into one digest message at the next digest time; the others go at once", async () => {
    const ch = await channel({ name: "digest", kind: "webhook", config: { url: `${rx.url}/hook` }, filter: { digest: { everyMinutes: 15 } } });
    const slack = await channel({ name: "digest-slack", kind: "slack", secret: `${rx.url}/slack`, filter: { digest: { everyMinutes: 15 } } });
    // PagerDuty opens an incident per alert even at digest time, so it must still hear they were acknowledged
    const pd = await channel({ name: "digest-pd", kind: "pagerduty", config: { url: `${rx.url}/pd` }, secret: "rk", filter: { digest: { everyMinutes: 15 } } });
    const d = await makeDevice(t.prisma);
    const lows = [];
    for (const k of ["a", "b", "c"]) {
      lows.push((await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), severity: "low", score: 3, dedupKey: `${d.id}:${k}` }) })).alert);
    }
    const high = (await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), severity: "high", dedupKey: `${d.id}:h` }) })).alert;
    const queued = await outbox(ch.id);
    const digestAt = queued[0]!.nextAttemptAt.getTime();
    // the next quarter hour (UTC), for all three low ones; the high one is due at once
    expect(digestAt % 900_000).toBe(0);
    expect(digestAt).toBeGreaterThan(Date.now() - 5_000);
    expect(queued.map((r) => r.nextAttemptAt.getTime() === digestAt)).toEqual([true, true, true, false]);
    const clock = manualClock();
    const s = sender(clock);
    await s.runOnce();
    expect(rx.requests.map((r) => r.path).sort()).toEqual(["/hook", "/pd", "/slack"]);
    expect(JSON.parse(rx.requests.find((r) => r.path === "/hook")!.body)).toMatchObject({ event: "alert.raised", alert: { id: high.id } });
    clock.advance(digestAt - clock.now() + 1);
    await s.runOnce();
    const hook = rx.requests.filter((r) => r.path === "/hook").map((r) => JSON.parse(r.body));
    expect(hook[1]).toMatchObject({ event: "alert.digest", alerts: lows.map((a) => ({ id: a.id, severity: "low", url: `${BASE}/alerts/${a.id}` })) });
    const slackBodies = rx.requests.filter((r) => r.path === "/slack").map((r) => JSON.parse(r.body));
    expect(slackBodies).toHaveLength(2);
    expect(slackBodies[1].blocks[0].text.text).toBe("Tidewatch digest: 3 alert(s) raised (low)");
    expect(slackBodies[1].blocks[1].text.text.split("\n")).toHaveLength(3);
    expect((await outbox(ch.id)).map((r) => r.status)).toEqual(["sent", "sent", "sent", "sent"]);
    // a digest announces alerts, not their later changes
    await triageAlert(t.prisma, { alertId: lows[0]!.id, actorId: admin, patch: { status: "acknowledged" } });
    await triageAlert(t.prisma, { alertId: high.id, actorId: admin, patch: { status: "acknowledged" } });
    expect((await outbox(slack.id)).map((r) => r.event)).toEqual(["alert.raised", "alert.raised", "alert.raised", "alert.raised", "alert.acknowledged"]);
    expect((await outbox(pd.id)).map((r) => r.event)).toEqual(["alert.raised", "alert.raised", "alert.raised", "alert.raised", "alert.acknowledged", "alert.acknowledged"]);
    expect(rx.requests.filter((r) => r.path === "/pd").map((r) => JSON.parse(r.body).event_action)).toEqual(["trigger", "trigger", "trigger", "trigger"]);
  });

  it("a 4xx other than 408/429 is dead at once (a bad token does not improve with retries)", async () => {
    const ch = await channel({ name: "bad-token", kind: "webhook", config: { url: rx.url } });
    rx.script.push({ status: 403 });
    const d = await makeDevice(t.prisma);
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }) });
    await sender().runOnce();
    expect(await outbox(ch.id)).toMatchObject([{ status: "dead", attempts: 1 }]);
  });

  it("delivers what was written while no sender ran, and what a sender that died mid-send had claimed, once", async () => {
    const ch = await channel({ name: "after-crash", kind: "webhook", config: { url: rx.url } });
    const d = await makeDevice(t.prisma);
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }) });
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed(), dedupKey: `${d.id}:x` }) });
    const clock = manualClock();
    // a sender claims one row and dies before sending it
    const [orphan] = await claimDeliveries(t.prisma, new Date(clock.now()), 60_000, 1);
    expect(orphan).toBeDefined();
    const s = sender(clock, { lockMs: 60_000 });
    await s.runOnce();
    expect(rx.requests).toHaveLength(1); // the other one; the orphan is still locked
    clock.advance(61_000);
    await s.runOnce();
    expect(rx.requests).toHaveLength(2);
    clock.advance(600_000);
    await s.runOnce();
    expect(rx.requests).toHaveLength(2);
    expect((await outbox(ch.id)).map((r) => r.status)).toEqual(["sent", "sent"]);
    expect(new Set(rx.requests.map((r) => JSON.parse(r.body).alert.id)).size).toBe(2);
  });

  it("the running loop delivers a new alert within a second or so and stops cleanly", async () => {
    await channel({ name: "live", kind: "webhook", config: { url: rx.url } });
    const s = new NotificationSender({ prisma: t.prisma, clock: { now: () => Date.now(), sleep: (ms, sig) => new Promise((r) => { const tm = setTimeout(r, ms); sig?.addEventListener("abort", () => { clearTimeout(tm); r(); }); }) }, log, baseUrl: BASE, pollMs: 100 });
    s.start();
    const d = await makeDevice(t.prisma);
    const started = Date.now();
    await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: observed() }) });
    await rx.waitFor(1, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    await s.stop();
  });
});
