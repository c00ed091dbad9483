// A real worker process killed (SIGKILL) between an alert and its successful delivery: the receiver
// answered the first try with 503, the worker died before retrying; the restarted worker delivers the
// notification, once. Another alert committed while no worker ran is delivered once by the restarted
// worker as well: the outbox, not the worker's memory, holds what is owed.
process.env.TIDEWATCH_SECRET_KEY ??= "integration-tests-notification-key-0123456789";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordDetection } from "../../../lib/db/alert-recording-queries";
import { createChannel } from "../../../lib/db/notification-channel-queries";
import { newChannelSchema } from "../../../lib/notify/channel-input";
import { makeDetection, makeDevice, makeUser } from "../fixtures";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { startProcess, waitForWorker, workerEnv, type Proc } from "../worker/worker-harness";
import { startHttpReceiver, type HttpReceiver } from "./receivers";

let t: TestDatabase;
let rx: HttpReceiver;
let worker: Proc | undefined;
const WORKER = ["--import", "tsx", path.resolve(import.meta.dirname, "../../../workers/main.ts")];

beforeAll(async () => {
  t = await createTestDatabase();
  rx = await startHttpReceiver();
});
afterAll(async () => {
  if (worker && worker.proc.exitCode === null) worker.proc.kill("SIGKILL");
  await rx?.close();
  await t?.drop();
});

const start = async (notPid?: number) => {
  worker = startProcess(WORKER, workerEnv(t.url, { TIDEWATCH_SECRET_KEY: process.env.TIDEWATCH_SECRET_KEY!, PUBLIC_URL: "https://tw.example.test" }));
  return waitForWorker(t.prisma, worker.output, notPid, 60_000);
};

describe("a worker killed before a notification was delivered", () => {
  it("delivers it exactly once after the restart", { timeout: 120_000 }, async () => {
    const admin = await makeUser(t.prisma, "admin");
    await createChannel(t.prisma, newChannelSchema.parse({ name: "hook", kind: "webhook", config: { url: rx.url } }), admin.id);
    const first = await start();
    rx.script.push({ status: 503 });
    const d = await makeDevice(t.prisma);
    const a = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: { value: 97, ts: "2026-12-03T10:00:00Z" } }) });
    await rx.waitFor(1, 20_000);
    // killed once the failed try is recorded, before the retry (a kill mid-send is claimed again
    // after the claim's lock expires: outbox-and-sender.test.ts)
    for (const until = Date.now() + 10_000; Date.now() < until; ) {
      if ((await t.prisma.notificationDelivery.findFirst())?.status === "pending") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    worker!.proc.kill("SIGKILL");
    await worker!.exited;
    // owed: the first alert's retry; committed while no worker ran: a second alert
    const b = await recordDetection(t.prisma, { deviceId: d.id, detection: makeDetection(d.id, { observed: { value: 97, ts: "2026-12-03T10:01:00Z" }, dedupKey: `${d.id}:b` }) });
    expect(await t.prisma.notificationDelivery.findMany({ orderBy: { id: "asc" }, select: { status: true, attempts: true } })).toEqual([
      { status: "pending", attempts: 1 },
      { status: "pending", attempts: 0 },
    ]);
    await t.prisma.workerHeartbeat.deleteMany();
    await start(first.pid);
    // the retry waits out its backoff (5 s ± 20%)
    await rx.waitFor(3, 30_000);
    await new Promise((r) => setTimeout(r, 3_000));
    const bodies = rx.requests.map((r) => JSON.parse(r.body) as { id: string; event: string; alert: { id: number; url: string } });
    expect(bodies.map((x) => x.alert.id).sort()).toEqual([a.alert.id, a.alert.id, b.alert.id].sort());
    expect(rx.requests).toHaveLength(3);
    expect(bodies.every((x) => x.event === "alert.raised")).toBe(true);
    expect(bodies[0]!.alert.url).toBe(`https://tw.example.test/alerts/${a.alert.id}`);
    expect(await t.prisma.notificationDelivery.findMany({ orderBy: { id: "asc" }, select: { status: true, attempts: true } })).toEqual([
      { status: "sent", attempts: 2 },
      { status: "sent", attempts: 1 },
    ]);
  });
});
