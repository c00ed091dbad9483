// The real worker process with AI triage pointed at the local fake of the Messages API: an alert
// recorded while it runs is analysed in the background (tokens and cost stored, the key never in its
// logs), and a call that never answers does not hold up its shutdown.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordDetection } from "../../../lib/db/alert-recording-queries";
import { makeDetection, makeDevice } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { startProcess, waitForWorker, workerEnv, type Proc } from "../worker/worker-harness";
import { FakeMessagesApi } from "./fake-messages-api";

const KEY = "sk-ant-worker-test-secret";
const WORKER = ["--import", "tsx", path.resolve(import.meta.dirname, "../../../workers/main.ts")];
let t: TestDatabase;
let fake: FakeMessagesApi;
let worker: Proc | undefined;

beforeAll(async () => {
  t = await createTestDatabase();
  fake = await new FakeMessagesApi().start();
});
afterAll(async () => {
  if (worker && worker.proc.exitCode === null) worker.proc.kill("SIGKILL");
  await fake?.stop();
  await t?.drop();
});

async function until<T>(what: string, f: () => Promise<T | null | undefined>, timeoutMs = 20_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${worker?.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the worker's AI triage", () => {
  it("analyses an alert recorded while it runs, and stops promptly with a call hanging", { timeout: 90_000 }, async () => {
    worker = startProcess(WORKER, workerEnv(t.url, { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, AI_TIMEOUT_SEC: "120", AI_MAX_RETRIES: "0" }));
    await waitForWorker(t.prisma, worker.output, undefined, 60_000);

    const device = await makeDevice(t.prisma);
    const alert = (await recordDetection(t.prisma, { deviceId: device.id, detection: makeDetection(device.id, { severity: "critical" }) })).alert;
    const row = await until("the analysis", () => t.prisma.aiAnalysis.findFirst({ where: { alertId: alert.id, status: "ok" } }));
    expect(row).toMatchObject({ model: "claude-sonnet-5-5", inputTokens: 1800, outputTokens: 420, called: true });
    expect(row.costUsd).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.raw).not.toContain("10.0.0.1");

    // the next call never answers: a SIGTERM still stops the worker within its grace window, and the
    // interrupted call stays pending (a restart marks it failed once it is older than the time limit)
    fake.queue({ kind: "hang" });
    const hung = (await recordDetection(t.prisma, { deviceId: device.id, detection: { ...makeDetection(device.id, { severity: "high" }), dedupKey: "hung" } })).alert;
    await until("the hanging call", async () => fake.requests.length === 2);
    const stopAt = Date.now();
    worker.proc.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(12_000);
    expect((await t.prisma.aiAnalysis.findFirstOrThrow({ where: { alertId: hung.id } })).status).toBe("pending");
    expect(worker.output()).not.toContain(KEY);
  });
});
