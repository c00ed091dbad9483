// Mitigations reach the notification channels through the same durable outbox as alerts: the worker's
// controller proposes one for a critical DDoS alert → a webhook and Slack (local receivers) get
// "proposed, awaiting approval" with the link to the alert's page; the AI gate's verdict and a second
// pass add nothing; an analyst approves → the controller announces it → "active"; the analyst
// withdraws it → "withdrawn", sent by a new sender (as after a worker restart). A channel whose filter
// the alert does not pass hears nothing; every message is one outbox row per channel and state. A /8
// refused by prefix safety on Approve is announced as refused, with the reason.
process.env.TIDEWATCH_SECRET_KEY ??= "integration-tests-notification-key-0123456789";
process.env.INTERNAL_SUBNETS = "10.0.0.0/8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triageSettingsFromEnv } from "../../../lib/ai/triage-service";
import { recordDetection } from "../../../lib/db/alert-recording-queries";
import { createChannel } from "../../../lib/db/notification-channel-queries";
import { env } from "../../../lib/env";
import { createLogger } from "../../../lib/log";
import { DryRunSpeaker } from "../../../lib/mitigation/dry-run-speaker";
import { createMitigation } from "../../../lib/db/mitigation-queries";
import { applyMitigationAction, mitigationSafety } from "../../../lib/mitigation/mitigation-service";
import { routeKey } from "../../../lib/mitigation/route-text";
import { newChannelSchema } from "../../../lib/notify/channel-input";
import { MitigationController, postgresMitigationStore } from "../../../workers/mitigation-controller";
import { NotificationSender } from "../../../workers/notification-sender";
import { makeDetection, makeDevice, makeUser } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { manualClock, startHttpReceiver, type HttpReceiver } from "./receivers";

const BASE = "https://tw.example.test";
const log = createLogger("test:notify", { level: "error" });
let t: TestDatabase;
let rx: HttpReceiver;
let controller: MitigationController;
const speaker = new DryRunSpeaker();

beforeAll(async () => {
  t = await createTestDatabase();
  rx = await startHttpReceiver();
});
afterAll(async () => {
  await controller?.stop();
  await rx?.close();
  await t?.drop();
});

const sender = () => new NotificationSender({ prisma: t.prisma, clock: manualClock(), log, baseUrl: BASE });
const bodies = (path: string) => rx.requests.filter((r) => r.path === path).map((r) => JSON.parse(r.body));

describe("mitigation notifications", () => {
  it("proposed → approved and announced → withdrawn: one message per state change on every matching channel", async () => {
    const admin = await makeUser(t.prisma, "admin");
    const analyst = await makeUser(t.prisma, "analyst");
    const channel = (input: Record<string, unknown>) => createChannel(t.prisma, newChannelSchema.parse(input), admin.id);
    const webhook = await channel({ name: "soc-webhook", kind: "webhook", config: { url: `${rx.url}/hook` } });
    await channel({ name: "slack", kind: "slack", secret: `${rx.url}/services/T/B/X`, filter: { minSeverity: "high", subjects: "campaigns" } });
    // the alert is at site "dc": a channel for another site hears nothing of its mitigation
    await channel({ name: "branch-only", kind: "webhook", config: { url: `${rx.url}/branch` }, filter: { sites: ["branch"] } });

    const device = await makeDevice(t.prisma, "web-1", { site: "dc" });
    await t.prisma.device.update({ where: { id: device.id }, data: { managementIp: "10.2.0.7" } });
    const detection = makeDetection(device.id, {
      detector: "ddos",
      anomalyType: "ddos",
      metric: undefined,
      severity: "critical",
      observed: { value: 1, ts: new Date(Date.now() - 60_000).toISOString() },
      explanation: "flood toward web-1",
      dedupKey: `${device.id}:ddos`,
    });
    const { alert } = await recordDetection(t.prisma, { deviceId: device.id, detection });
    const e = env();
    controller = new MitigationController({
      store: postgresMitigationStore(t.prisma, triageSettingsFromEnv({ ...e, ANTHROPIC_API_KEY: undefined })),
      speaker,
      safety: mitigationSafety(e),
      clock: { now: () => Date.now(), sleep: async () => undefined },
      log,
      dryRun: true,
      maxActive: 10,
      pollMs: 3_600_000,
    });
    await controller.start();
    await controller.idle();
    const m = await t.prisma.mitigation.findFirstOrThrow({ where: { alertId: alert.id } });
    expect(m.status).toBe("proposed");

    // alert.raised goes to the webhook too; the mitigation's messages follow it
    await sender().runOnce();
    await rx.waitFor(3);
    const proposal = bodies("/hook").find((b) => b.event === "mitigation.proposed");
    expect(proposal.mitigation).toMatchObject({ id: m.id, status: "proposed", routeText: "blackhole 10.2.0.7/32 (65535:666)", url: `${BASE}/alerts/${alert.id}` });
    const hookHeaders = rx.requests.find((r) => r.path === "/hook" && r.headers["x-tidewatch-event"] === "mitigation.proposed")!.headers;
    expect(hookHeaders["x-tidewatch-delivery"]).toMatch(/^\d+$/);
    const [slackProposal] = bodies("/services/T/B/X");
    expect(slackProposal.text).toBe("[CRITICAL] Mitigation proposed, awaiting approval: blackhole 10.2.0.7/32 (65535:666) for Volumetric DDoS on web-1");
    expect(slackProposal.blocks.at(-1).elements[0]).toMatchObject({ text: { text: "Approve or deny in Tidewatch" }, url: `${BASE}/alerts/${alert.id}` });

    // the AI gate's verdict was stored meanwhile, and another pass runs: still proposed, nothing new
    await controller.pass();
    expect(await sender().runOnce()).toBe(0);

    const ctx = { userId: analyst.id, userName: analyst.name, now: new Date(), maxTtlMinutes: 1440, safety: mitigationSafety(e) };
    await applyMitigationAction(t.prisma, m.id, "approve", {}, ctx);
    // approved alone says nothing: the announcement does, within the controller's pass
    expect(await sender().runOnce()).toBe(0);
    await controller.pass();
    expect(speaker.requests().map((r) => r.op)).toEqual(["announce"]);
    await sender().runOnce();
    const active = bodies("/hook").find((b) => b.event === "mitigation.active");
    expect(active.mitigation).toMatchObject({ status: "active", dryRun: true, decidedBy: { name: analyst.name } });
    expect(bodies("/services/T/B/X").at(-1).text).toMatch(/^\[CRITICAL\] Mitigation active \(announced\): blackhole 10\.2\.0\.7\/32/);

    await applyMitigationAction(t.prisma, m.id, "withdraw", { reason: "attack over" }, ctx);
    await controller.pass();
    expect(await speaker.listAnnounced()).toEqual([]);
    // a sender started afresh (the worker restarted) finds the withdrawal in the outbox
    await sender().runOnce();
    const withdrawn = bodies("/hook").find((b) => b.event === "mitigation.withdrawn");
    expect(withdrawn.mitigation).toMatchObject({ status: "withdrawn", reason: "withdrawn: attack over", endedBy: { name: analyst.name } });

    expect(bodies("/hook").filter((b) => b.mitigation).map((b) => b.event)).toEqual(["mitigation.proposed", "mitigation.active", "mitigation.withdrawn"]);
    expect(bodies("/services/T/B/X").map((b) => b.text.replace(/:.*/, ""))).toEqual([
      "[CRITICAL] Mitigation proposed, awaiting approval",
      "[CRITICAL] Mitigation active (announced)",
      "[CRITICAL] Mitigation withdrawn",
    ]);
    expect(bodies("/branch")).toEqual([]);
    const rows = await t.prisma.notificationDelivery.findMany({ where: { channelId: webhook.id, subjectKey: `mitigation:${m.id}` }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.event, r.status, r.alertId])).toEqual([
      ["mitigation.proposed", "sent", alert.id],
      ["mitigation.active", "sent", alert.id],
      ["mitigation.withdrawn", "sent", alert.id],
    ]);
  });

  it("a /8 refused on Approve is announced as refused, with the safety guard's reason", async () => {
    const analyst = await makeUser(t.prisma, "analyst");
    const device = await makeDevice(t.prisma, "lb-1", { site: "dc" });
    const detection = makeDetection(device.id, { detector: "ddos", anomalyType: "ddos", metric: undefined, severity: "critical", observed: { value: 1, ts: new Date().toISOString() }, dedupKey: `${device.id}:ddos` });
    const { alert } = await recordDetection(t.prisma, { deviceId: device.id, detection });
    const route = { kind: "blackhole" as const, prefix: "10.0.0.0/8", communities: ["65535:666"] };
    const proposed = (await t.prisma.mitigation.findFirstOrThrow()).gates as never;
    const wide = await createMitigation(t.prisma, {
      alertId: alert.id,
      campaignId: null,
      playbookId: "ddos",
      route,
      routeKey: routeKey(route),
      status: "proposed",
      reason: "wider than any playbook builds",
      gates: proposed,
      automatic: false,
      dryRun: true,
      ttlMinutes: 60,
      expiresAt: new Date(Date.now() + 3_600_000),
      now: new Date(),
    });
    const ctx = { userId: analyst.id, userName: analyst.name, now: new Date(), maxTtlMinutes: 1440, safety: mitigationSafety(env()) };
    await expect(applyMitigationAction(t.prisma, wide!.id, "approve", {}, ctx)).rejects.toThrow(/shorter than \/24/);
    rx.requests.length = 0;
    // the proposal goes first (one subject's messages reach a channel in order), the refusal after it
    for (let i = 0; i < 5 && !bodies("/hook").some((b) => b.event === "mitigation.refused"); i++) await sender().runOnce();
    expect(bodies("/hook").filter((b) => b.mitigation?.id === wide!.id).map((b) => b.event)).toEqual(["mitigation.proposed", "mitigation.refused"]);
    const refused = bodies("/hook").find((b) => b.event === "mitigation.refused");
    expect(refused.mitigation).toMatchObject({ id: wide!.id, status: "refused", reason: expect.stringMatching(/^10\.0\.0\.0\/8 is shorter than \/24/), url: `${BASE}/alerts/${alert.id}` });
    expect(bodies("/services/T/B/X").map((b) => b.text)).toContainEqual("[CRITICAL] Mitigation refused by the safety guard: blackhole 10.0.0.0/8 (65535:666) for Volumetric DDoS on lb-1");
  });
});
