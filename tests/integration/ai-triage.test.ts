// AI triage against a local fake of the Messages API (never the real service) and a real database:
// the worker's queue analyses a recorded alert and stores tokens and cost; 429 with retry-after then
// success; 500s and a hanging response fail with a reason; malformed output fails with a reason; a
// spent budget or a missing key makes no call. Then the routes: GET, request now, agree/disagree.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeMessagesApi, DEFAULT_USAGE, validAnalysis } from "./ai/fake-messages-api";
import { createTestDatabase, type TestDatabase } from "./test-database";
import { makeDetection, makeDevice, makeUser } from "./fixtures";

const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("next-auth/next", () => ({
  getServerSession: async () => (session.userId === null ? null : { user: { id: String(session.userId) } }),
}));

// The routes read the settings from the environment: point the SDK at the fake before anything reads it.
const fake = await new FakeMessagesApi().start();
process.env.ANTHROPIC_API_KEY = "sk-ant-test-only";
process.env.ANTHROPIC_BASE_URL = fake.url;
process.env.AI_MAX_RETRIES = "1";

const { AiTriageQueue } = await import("../../workers/ai-triage");
const { systemClock } = await import("../../workers/clock");
const { triageAlert } = await import("../../lib/ai/triage-service");
const { costUsd } = await import("../../lib/ai/cost");
const { recordDetection } = await import("../../lib/db/alert-recording-queries");
const { saveCampaign } = await import("../../lib/db/campaign-queries");
const { listCampaignSummaries } = await import("../../lib/db/campaign-summary-queries");
const { createLogger } = await import("../../lib/log");
const { GET: analysisGet, POST: analysisPost } = await import("../../app/api/alerts/[id]/analysis/route");
const { POST: verdictPost } = await import("../../app/api/alerts/[id]/analysis/verdict/route");
const { GET: overviewGet } = await import("../../app/api/overview/route");
type TriageSettings = import("../../lib/ai/triage-service").TriageSettings;

let t: TestDatabase;
const log = createLogger("test:ai", { level: "error" });
const settings = (over: Partial<TriageSettings> = {}): TriageSettings => ({
  apiKey: "sk-ant-test-only",
  baseURL: fake.url,
  model: "claude-sonnet-5-5",
  callLimit: 100,
  budgetUsd: undefined,
  minSeverity: "high",
  maskInternal: true,
  internalSubnets: ["10.0.0.0/8"],
  timeoutMs: 5_000,
  maxRetries: 2,
  concurrency: 2,
  batchMinSeverity: "off",
  batchIntervalMs: 60_000,
  ...over,
});

async function recordAlert(severity: "low" | "medium" | "high" | "critical" = "high") {
  const device = await makeDevice(t.prisma);
  const detection = makeDetection(device.id, {
    severity,
    evidence: { topTalkers: [{ src: "10.1.2.3", dst: "203.0.113.9", bytes: 9_000_000 }] },
    explanation: "CPU 97.0% on 10.1.2.3 is 223% above the usual 30.0% for Tuesday 14:00 UTC (z = 13.4).",
  });
  return (await recordDetection(t.prisma, { deviceId: device.id, detection })).alert;
}

async function runQueue(s: TriageSettings) {
  const queue = new AiTriageQueue({ prisma: t.prisma, settings: s, clock: systemClock, log, pollMs: 60_000 });
  await queue.start();
  await queue.idle();
  await queue.stop();
}

const rowsOf = (alertId: number) => t.prisma.aiAnalysis.findMany({ where: { alertId }, orderBy: { id: "asc" } });
const now = () => new Date();

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
  await fake.stop();
});
beforeEach(() => fake.reset());

describe("the worker's triage queue", () => {
  it("analyses a recorded alert: the analysis, tokens and cost are stored, internal addresses never leave", async () => {
    const alert = await recordAlert("high");
    await runQueue(settings());

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.apiKey).toBe("sk-ant-test-only");
    expect(sent.body.model).toBe("claude-sonnet-5-5");
    expect(sent.body.system[0]?.cache_control).toEqual({ type: "ephemeral" });
    expect(sent.body.output_config?.format?.type).toBe("json_schema");
    expect(sent.raw).not.toContain("10.1.2.3");
    expect(sent.raw).not.toContain("10.0.0.1");
    expect(sent.raw).toContain("internal-host-");
    expect(sent.raw).toContain("203.0.113.9");

    const [row] = await rowsOf(alert.id);
    expect(row).toMatchObject({
      status: "ok",
      model: "claude-sonnet-5-5",
      inputTokens: DEFAULT_USAGE.input_tokens,
      outputTokens: DEFAULT_USAGE.output_tokens,
      cacheReadTokens: DEFAULT_USAGE.cache_read_input_tokens,
      called: true,
    });
    const expectedCost = costUsd("claude-sonnet-5-5", { inputTokens: 1800, outputTokens: 420, cacheReadTokens: 1200, cacheWriteTokens: 0 });
    expect(row!.costUsd).toBeCloseTo(expectedCost, 10);
    expect(row!.costUsd).toBeGreaterThan(0);
    // the placeholder in Claude's answer is put back for the analyst
    const analysis = row!.analysis as { summary: string; verdict: string };
    expect(analysis.verdict).toBe("likely_legitimate");
    expect(analysis.summary).toMatch(/CPU on 10\.\d+\.\d+\.\d+ is far above/);
    // the alert itself is untouched
    expect((await t.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).explanation).toBe(alert.explanation);
  });

  it("leaves alerts below AI_MIN_SEVERITY alone, and reuses an analysis for an alert with the same fingerprint", async () => {
    const low = await recordAlert("medium");
    await runQueue(settings());
    expect(await rowsOf(low.id)).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);

    const first = await recordAlert("critical");
    await triageAlert(t.prisma, settings(), first.id, { requestedById: null, now, useCache: true });
    const twin = (await recordDetection(t.prisma, { deviceId: first.device.id, detection: { ...makeDetection(first.device.id, { severity: "critical" }), dedupKey: "twin" } })).alert;
    const result = await triageAlert(t.prisma, settings(), twin.id, { requestedById: null, now, useCache: true });
    expect(result.status).toBe("ok");
    expect(result.reason).toMatch(/reused analysis #\d+/);
    expect(fake.requests).toHaveLength(1);
    const [copy] = await rowsOf(twin.id);
    expect(copy).toMatchObject({ status: "ok", called: false, costUsd: 0, inputTokens: 0 });
  });

  it("analyses at most AI_CONCURRENCY alerts at once", async () => {
    for (const concurrency of [1, 3]) {
      fake.reset();
      const alerts = [await recordAlert("high"), await recordAlert("critical"), await recordAlert("high")];
      fake.queue(...alerts.map(() => ({ kind: "answer" as const, delayMs: 300 })));
      await runQueue(settings({ concurrency }));
      expect(fake.requests).toHaveLength(3);
      expect(fake.maxConcurrent).toBe(concurrency);
      for (const a of alerts) expect((await rowsOf(a.id)).map((r) => r.status)).toEqual(["ok"]);
    }
  });

  it("analyses a campaign as a whole on its lead alert, again only once it gains a threat type, and shows it with the campaign", async () => {
    const device = await makeDevice(t.prisma);
    const record = async (severity: "high" | "critical", anomalyType: string, minute: number) =>
      (
        await recordDetection(t.prisma, {
          deviceId: device.id,
          detection: makeDetection(device.id, {
            severity,
            anomalyType,
            metric: undefined,
            explanation: `${anomalyType} on ${device.name}`,
            observed: { value: 1, ts: `2026-11-17T14:0${minute}:00.000Z` },
            dedupKey: `${device.id}:${anomalyType}`,
          }),
        })
      ).alert;
    const ddos = await record("high", "ddos", 1);
    const exfiltration = await record("critical", "exfiltration", 3);
    await runQueue(settings());
    expect(fake.requests).toHaveLength(2); // each alert on its own, before they were correlated
    fake.reset();

    const campaign = (members: { id: number; type: string; severity: "high" | "critical"; minute: number }[]) =>
      saveCampaign(
        t.prisma,
        {
          id: `campaign-${ddos.id}`,
          members: members.map((m) => ({ alertId: m.id, device: device.name, type: m.type, severity: m.severity, confidence: 0.9, ts: new Date(`2026-11-17T14:0${m.minute}:00Z`) })),
          types: members.map((m) => m.type),
          devices: [device.name],
          firstTs: new Date("2026-11-17T14:01:00Z"),
          lastTs: new Date(`2026-11-17T14:0${members.at(-1)!.minute}:00Z`),
          severity: "critical",
          confidence: 0.97,
        },
        [device.id],
      );
    const members = [
      { id: ddos.id, type: "ddos", severity: "high" as const, minute: 1 },
      { id: exfiltration.id, type: "exfiltration", severity: "critical" as const, minute: 3 },
    ];
    const view = await campaign(members);
    fake.queue({ kind: "answer", json: { ...validAnalysis("A flood on the host as cover for data leaving it"), verdict: "likely_attack", confidence: 0.8 } });
    await runQueue(settings());
    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!.raw;
    expect(sent).toContain("Triage this campaign");
    expect(sent).toContain("ddos on ");
    expect(sent).toContain("exfiltration on ");
    // the lead alert is the most severe member; its newest analysis is the campaign's
    const rows = await rowsOf(exfiltration.id);
    expect(rows.map((r) => r.status)).toEqual(["ok", "ok"]);
    const summary = (await listCampaignSummaries(t.prisma)).find((c) => c.id === view.id)!;
    expect(summary.analysis).toMatchObject({ alertId: exfiltration.id, verdict: "likely_attack", confidence: 0.8, summary: "A flood on the host as cover for data leaving it" });

    // nothing new about the campaign: no second call
    await runQueue(settings());
    expect(fake.requests).toHaveLength(1);
    // a third threat type joins: analysed afresh
    const scan = await record("high", "port_scan", 5);
    await runQueue(settings());
    fake.reset();
    await campaign([...members, { id: scan.id, type: "port_scan", severity: "high", minute: 5 }]);
    await runQueue(settings());
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.raw).toContain("port_scan on ");
  });

  it("sends alerts below AI_MIN_SEVERITY down to AI_BATCH_MIN_SEVERITY as one Message Batch, stored at half price", async () => {
    const low = [await recordAlert("medium"), await recordAlert("medium")];
    const queue = new AiTriageQueue({ prisma: t.prisma, settings: settings({ batchMinSeverity: "medium" }), clock: systemClock, log, pollMs: 60_000 });
    await queue.start();
    await queue.idle();
    expect(fake.requests).toHaveLength(0); // no single calls for low-priority alerts
    await queue.runBatches(); // sent; the batch is still in progress
    expect(fake.batches).toHaveLength(1);
    const sentIds = fake.batches[0]!.requests.map((r) => Number(r.custom_id));
    const pending = await t.prisma.aiAnalysis.findMany({ where: { alertId: { in: low.map((a) => a.id) } } });
    expect(pending.map((r) => [r.status, r.batchId])).toEqual([
      ["pending", "msgbatch_fake_1"],
      ["pending", "msgbatch_fake_1"],
    ]);
    expect(sentIds).toEqual(expect.arrayContaining(pending.map((r) => r.id)));
    expect(fake.batches[0]!.requests[0]!.params.system[0]?.cache_control).toEqual({ type: "ephemeral" });
    expect(JSON.stringify(fake.batches[0]!.requests)).not.toContain("10.1.2.3");

    await queue.runBatches(); // ended: the answers are read and stored
    await queue.stop();
    const done = await t.prisma.aiAnalysis.findMany({ where: { alertId: { in: low.map((a) => a.id) } } });
    const full = costUsd("claude-sonnet-5-5", { inputTokens: 1800, outputTokens: 420, cacheReadTokens: 1200, cacheWriteTokens: 0 });
    for (const row of done) {
      expect(row).toMatchObject({ status: "ok", inputTokens: 1800, called: true });
      expect(row.costUsd).toBeCloseTo(full / 2, 10);
      expect((row.analysis as { summary: string }).summary).toMatch(/CPU on 10\.\d+\.\d+\.\d+ is far above/);
    }
  });

  it("retries a 429 after its retry-after, then stores the answer", async () => {
    const alert = await recordAlert();
    fake.queue({ kind: "rate_limited", retryAfterSec: 1 });
    const result = await triageAlert(t.prisma, settings(), alert.id, { requestedById: null, now, useCache: false });
    expect(result.status).toBe("ok");
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(900);
    expect((await rowsOf(alert.id))[0]).toMatchObject({ status: "ok", inputTokens: 1800 });
  });

  it("gives up on repeated 500s after the retries, with the reason", async () => {
    const alert = await recordAlert();
    fake.queue({ kind: "server_error" }, { kind: "server_error" });
    const result = await triageAlert(t.prisma, settings({ maxRetries: 1 }), alert.id, { requestedById: null, now, useCache: false });
    expect(fake.requests).toHaveLength(2);
    expect(result).toMatchObject({ status: "failed" });
    const [row] = await rowsOf(alert.id);
    expect(row).toMatchObject({ status: "failed", analysis: null, costUsd: 0 });
    expect(row!.reason).toContain("HTTP 500");
  });

  it("times out a response that never comes", async () => {
    const alert = await recordAlert();
    fake.queue({ kind: "hang" });
    const started = Date.now();
    const result = await triageAlert(t.prisma, settings({ timeoutMs: 600, maxRetries: 0 }), alert.id, { requestedById: null, now, useCache: false });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.status).toBe("timeout");
    expect((await rowsOf(alert.id))[0]).toMatchObject({ status: "timeout", analysis: null });
  });

  it("fails malformed output with the reason, still recording what the call cost", async () => {
    const alert = await recordAlert();
    fake.queue({ kind: "malformed", text: "## Summary\nCPU is high" }, { kind: "answer", json: { ...validAnalysis(), confidence: "very" } });
    await triageAlert(t.prisma, settings(), alert.id, { requestedById: null, now, useCache: false });
    await triageAlert(t.prisma, settings(), alert.id, { requestedById: null, now, useCache: false });
    const [notJson, wrongShape] = await rowsOf(alert.id);
    expect(notJson).toMatchObject({ status: "failed", analysis: null, inputTokens: 1800 });
    expect(notJson!.reason).toMatch(/^malformed output: .*JSON/);
    expect(notJson!.costUsd).toBeGreaterThan(0);
    expect(wrongShape!.status).toBe("failed");
    expect(wrongShape!.reason).toMatch(/^malformed output: .*confidence/s);
  });

  it("makes no call when the day's budget is spent or there is no key", async () => {
    const alert = await recordAlert();
    const callsToday = await t.prisma.aiAnalysis.count({ where: { called: true } });
    const byCalls = await triageAlert(t.prisma, settings({ callLimit: callsToday }), alert.id, { requestedById: null, now, useCache: false });
    expect(byCalls.status).toBe("budget_exhausted");
    expect(byCalls.reason).toContain("AI_DAILY_CALL_LIMIT");

    const spent = (await t.prisma.aiAnalysis.aggregate({ where: { called: true }, _sum: { costUsd: true } }))._sum.costUsd ?? 0;
    const byDollars = await triageAlert(t.prisma, settings({ budgetUsd: spent + 0.001 }), alert.id, { requestedById: null, now, useCache: false });
    expect(byDollars.status).toBe("budget_exhausted");
    expect(byDollars.reason).toContain("AI_DAILY_BUDGET_USD");

    const noKey = await triageAlert(t.prisma, settings({ apiKey: undefined }), alert.id, { requestedById: null, now, useCache: false });
    expect(noKey.status).toBe("disabled");

    expect(fake.requests).toHaveLength(0);
    expect((await rowsOf(alert.id)).map((r) => [r.status, r.called])).toEqual([
      ["budget_exhausted", false],
      ["budget_exhausted", false],
      ["disabled", false],
    ]);
  });
});

describe("the analysis API", () => {
  const ctx = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
  const get = (path: string) => new Request(`http://localhost:3000${path}`, { headers: { host: "localhost:3000" } });
  const post = (path: string, body: unknown) =>
    new Request(`http://localhost:3000${path}`, { method: "POST", headers: { "content-type": "application/json", host: "localhost:3000" }, body: JSON.stringify(body) });
  let users: { viewer: number; analyst: number };

  beforeAll(async () => {
    users = { viewer: (await makeUser(t.prisma, "viewer")).id, analyst: (await makeUser(t.prisma, "analyst")).id };
  });

  it("says why a low alert has none; an analyst requests one now; viewers read it; agree/disagree is counted and audited", async () => {
    const alert = await recordAlert("low");
    session.userId = users.viewer;
    let res = await analysisGet(get(`/api/alerts/${alert.id}/analysis`), ctx(alert.id));
    expect(res.status).toBe(200);
    let body = await res.json();
    expect(body).toMatchObject({ analysis: null, enabled: true });
    expect(body.reason).toContain("AI_MIN_SEVERITY");

    res = await analysisPost(post(`/api/alerts/${alert.id}/analysis`, {}), ctx(alert.id));
    expect(res.status).toBe(403);
    expect(fake.requests).toHaveLength(0);

    session.userId = users.analyst;
    res = await analysisPost(post(`/api/alerts/${alert.id}/analysis`, {}), ctx(alert.id));
    expect(res.status).toBe(200);
    body = await res.json();
    expect(fake.requests).toHaveLength(1);
    expect(body.analysis).toMatchObject({ status: "ok", inputTokens: 1800, verdicts: { agree: 0, disagree: 0, mine: null } });
    expect(body.analysis.analysis.recommendedActions).toEqual(["Check the backup schedule"]);

    expect(body.latestAttempt).toBeNull();

    // asking again with the day's calls spent keeps the analysis shown and says why there is no newer one
    const analysisId = body.analysis.id;
    const other = await recordAlert("low");
    const callsToday = await t.prisma.aiAnalysis.count({ where: { called: true } });
    await t.prisma.aiAnalysis.createMany({
      data: Array.from({ length: 100 - callsToday }, () => ({ alertId: other.id, fingerprint: "filler", status: "failed" as const, called: true, reason: "filler" })),
    });
    res = await analysisPost(post(`/api/alerts/${alert.id}/analysis`, {}), ctx(alert.id));
    body = await res.json();
    expect(fake.requests).toHaveLength(1);
    expect(body.analysis).toMatchObject({ id: analysisId, status: "ok" });
    expect(body.latestAttempt).toMatchObject({ status: "budget_exhausted", reason: expect.stringContaining("AI_DAILY_CALL_LIMIT") });

    res = await verdictPost(post(`/api/alerts/${alert.id}/analysis/verdict`, { agree: "yes" }), ctx(alert.id));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("agree");

    res = await verdictPost(post(`/api/alerts/${alert.id}/analysis/verdict`, { agree: false }), ctx(alert.id));
    expect(res.status).toBe(200);
    expect((await res.json()).analysis.verdicts).toEqual({ agree: 0, disagree: 1, mine: "disagree" });
    const audit = await t.prisma.auditLog.findFirst({ where: { entityType: "ai_analysis", actorId: users.analyst } });
    expect(audit).toMatchObject({ action: "ai_analysis.verdict", entityId: String(body.analysis.id) });

    session.userId = users.viewer;
    res = await verdictPost(post(`/api/alerts/${alert.id}/analysis/verdict`, { agree: true }), ctx(alert.id));
    expect(res.status).toBe(403);
    res = await analysisGet(get(`/api/alerts/${alert.id}/analysis`), ctx(alert.id));
    expect((await res.json()).analysis.verdicts).toEqual({ agree: 0, disagree: 1, mine: null });

    res = await analysisGet(get(`/api/alerts/999999/analysis`), ctx(999999));
    expect(res.status).toBe(404);

    // the Overview: today's spend against the budget, and the analysts' agreement
    const spent = await t.prisma.aiAnalysis.aggregate({ where: { called: true }, _count: true, _sum: { costUsd: true } });
    const overview = await (await overviewGet(get("/api/overview"), ctx(0))).json();
    expect(overview.aiSpend).toMatchObject({ enabled: true, model: "claude-sonnet-5-5", calls: spent._count, callLimit: 100, budgetUsd: 5, agree7d: 0, disagree7d: 1 });
    expect(overview.aiSpend.costUsd).toBeCloseTo(spent._sum.costUsd ?? 0, 10);
    expect(overview.aiSpend.calls).toBeGreaterThan(5);
  });
});
