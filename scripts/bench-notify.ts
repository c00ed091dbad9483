// Notification benchmark (not a test): how long from an alert's recording to a webhook receiver's
// `alert.raised`, and how fast the worker's sender empties a burst. Runs the real path: embedded
// PostgreSQL with the migrations, recordDetection (the alert, its event and its outbox row in one
// transaction), the worker's NotificationSender on the wall clock with its production settings, and
// a local HTTP receiver that checks every HMAC signature and counts duplicates.
//
//   node --import tsx scripts/bench-notify.ts [--alerts 1000] [--rate 50]
//
// Phase 1 records --alerts alerts at --rate per second and reports the delay from the start of each
// recording to its arrival (p50/p95/max). Phase 2 records --alerts more with no sender running, then
// starts one and reports how long it takes to deliver them all (sender throughput).
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { recordDetection } from "@/lib/db/alert-recording-queries";
import { createPrismaClient } from "@/lib/db/client";
import { ensureDatabase, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import { createChannel } from "@/lib/db/notification-channel-queries";
import { createUser } from "@/lib/db/user-queries";
import { createLogger } from "@/lib/log";
import { newChannelSchema } from "@/lib/notify/channel-input";
import { systemClock } from "@/workers/clock";
import { NotificationSender } from "@/workers/notification-sender";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ALERTS = arg("alerts", 1000);
const RATE = arg("rate", 50);
const SECRET = "bench-hmac-secret";
process.env.TIDEWATCH_SECRET_KEY ??= "bench-notify-key-0123456789abcdef0123456789";

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const log = createLogger("bench:notify", { level: "warn" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bench-notify-"));
  fs.chmodSync(dir, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "bench-only-password", log });
  try {
    await ensureDatabase(cluster, "bench");
    await migrateDeploy(cluster.url("bench"));
    process.env.DATABASE_URL = cluster.url("bench");
    const prisma = createPrismaClient(cluster.url("bench"), 8);

    // receiver: arrival time per alert id, signature checked, duplicates counted
    const arrived = new Map<number, number>();
    let duplicates = 0;
    let badSignatures = 0;
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const at = performance.now();
        const sig = `sha256=${crypto.createHmac("sha256", SECRET).update(body).digest("hex")}`;
        if (req.headers["x-tidewatch-signature"] !== sig) badSignatures++;
        const id = (JSON.parse(body) as { alert: { id: number } }).alert.id;
        if (arrived.has(id)) duplicates++;
        else arrived.set(id, at);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    const admin = await createUser(prisma, { email: "bench@example.test", name: "bench", role: "admin", password: "bench-password" });
    await createChannel(prisma, newChannelSchema.parse({ name: "bench", kind: "webhook", config: { url }, secret: SECRET }), admin.id);
    const devices = await Promise.all(
      Array.from({ length: 50 }, (_, i) => prisma.device.create({ data: { name: `bench-${i}`, role: "server", site: "hq" } })),
    );
    const sender = new NotificationSender({ prisma, clock: systemClock, log, baseUrl: "http://localhost:3000" });
    sender.start();

    let n = 0;
    const record = async () => {
      const i = n++;
      const device = devices[i % devices.length]!;
      const started = performance.now();
      const { alert } = await recordDetection(prisma, {
        deviceId: device.id,
        detection: {
          detector: "hour-of-week-zscore",
          anomalyType: "metric_spike",
          metric: "cpuPct",
          severity: "high",
          score: 7.5,
          observed: { value: 97, ts: new Date(Date.now() - i).toISOString() },
          expected: { mean: 30, std: 5, low: 10, high: 50 },
          explanation: `bench alert ${i}`,
          dedupKey: `bench:${i}`,
        },
      });
      return { id: alert.id, started };
    };
    const waitAll = async (ids: number[], timeoutMs: number) => {
      const until = performance.now() + timeoutMs;
      while (ids.some((id) => !arrived.has(id)) && performance.now() < until) await sleep(5);
    };

    // Phase 1: steady rate, per-alert delay
    const steady: { id: number; started: number }[] = [];
    const t0 = performance.now();
    for (let i = 0; i < ALERTS; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      steady.push(await record());
    }
    await waitAll(steady.map((s) => s.id), 60_000);
    const delays = steady.filter((s) => arrived.has(s.id)).map((s) => arrived.get(s.id)! - s.started).sort((a, b) => a - b);

    // Phase 2: sender throughput. The sender is stopped while --alerts more are recorded (a backlog, as
    // after a receiver outage or a worker restart), then a fresh one empties the outbox.
    await sender.stop();
    const burst: { id: number; started: number }[] = [];
    for (let i = 0; i < ALERTS; i++) burst.push(await record());
    const drainer = new NotificationSender({ prisma, clock: systemClock, log, baseUrl: "http://localhost:3000" });
    const b0 = performance.now();
    drainer.start();
    await waitAll(burst.map((s) => s.id), 120_000);
    const drainMs = Math.max(...burst.map((s) => arrived.get(s.id) ?? Number.NaN)) - b0;
    const lost = [...steady, ...burst].filter((s) => !arrived.has(s.id)).length;
    await sleep(1000); // a late duplicate would arrive now
    await drainer.stop();

    const outbox = await prisma.notificationDelivery.groupBy({ by: ["status"], _count: { _all: true } });
    const f = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
    console.log(`bench:notify  ${new Date().toISOString()}  ${os.cpus().length} cores, Node ${process.version}, embedded PostgreSQL, webhook on loopback`);
    console.log(`steady: ${ALERTS} alerts at ${RATE}/s  delay recording→receiver p50 ${f(pct(delays, 50))}  p95 ${f(pct(delays, 95))}  max ${f(delays[delays.length - 1]!)}`);
    console.log(`backlog: ${ALERTS} alerts waiting in the outbox delivered in ${f(drainMs)} (${Math.round(ALERTS / (drainMs / 1000))} messages/s, one request each)`);
    console.log(`lost ${lost}  duplicates ${duplicates}  bad signatures ${badSignatures}  outbox ${outbox.map((o) => `${o.status} ${o._count._all}`).join(", ")}`);
    server.close();
    await prisma.$disconnect();
  } finally {
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
