// Fast-path benchmark (not a test): time from a flood's first flow to its alert in the database, on the
// product's full path: embedded PostgreSQL with the migrations, a worker process (NetFlow collector on
// UDP, fast path, detection pipeline) and UDP floods exported as NetFlow v9 over loopback
// (scripts/lib/flood-to-alert.ts, which the mitigation benchmark reuses).
//
//   node --import tsx scripts/bench-fast-path.ts [--floods 10] [--pps 200000] [--warm 70]
//
// Warm: --floods hosts first receive ordinary traffic for --warm seconds (their baselines past the
// warm-up), then each is flooded in turn until its alert is stored. Cold: as many hosts never seen
// before are flooded (judged against the cold-start minimum). Prints p50/p95/max of each.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPrismaClient } from "@/lib/db/client";
import { ensureDatabase, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import { createLogger } from "@/lib/log";
import { floodToAlert, sendBackground, startFloodWorker, type FloodTiming } from "./lib/flood-to-alert";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const FLOODS = arg("floods", 10);
const PPS = arg("pps", 200_000);
const WARM_SEC = arg("warm", 70);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(label: string, timings: FloodTiming[]): string {
  const ms = timings.map((t) => t.msToAlert).sort((a, b) => a - b);
  const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
  return `${label}: ${ms.length} floods of ${PPS.toLocaleString("en")} pps  first flow → alert row p50 ${s(pct(ms, 50))}  p95 ${s(pct(ms, 95))}  max ${s(ms[ms.length - 1]!)}`;
}

async function main(): Promise<void> {
  const log = createLogger("bench:fast-path", { level: "warn" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-bench-fast-path-"));
  fs.chmodSync(dir, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "bench-only-password", log });
  try {
    await ensureDatabase(cluster, "bench");
    await migrateDeploy(cluster.url("bench"));
    const prisma = createPrismaClient(cluster.url("bench"), 4);
    const worker = await startFloodWorker(prisma, cluster.url("bench"));
    try {
      const warmHosts = Array.from({ length: FLOODS }, (_, i) => `10.70.0.${i + 1}`);
      console.log(`warming ${FLOODS} hosts with ordinary traffic for ${WARM_SEC} s ...`);
      const stopBackground = new AbortController();
      const background = sendBackground(worker.netflowPort, warmHosts, 3_600, stopBackground.signal);
      await sleep(WARM_SEC * 1000);
      const warm: FloodTiming[] = [];
      for (const host of warmHosts) {
        warm.push(await floodToAlert(prisma, worker.netflowPort, { host, pps: PPS }));
        // start the next flood at a different point of the 5 s window
        await sleep(1_000 + Math.random() * 5_000);
      }
      const cold: FloodTiming[] = [];
      for (let i = 0; i < FLOODS; i++) {
        cold.push(await floodToAlert(prisma, worker.netflowPort, { host: `10.71.0.${i + 1}`, pps: PPS }));
        await sleep(1_000 + Math.random() * 5_000);
      }
      stopBackground.abort();
      await background;
      console.log(summary("warm hosts (baseline learnt)", warm));
      console.log(summary("cold hosts (no baseline)", cold));
    } finally {
      await worker.stop();
      await prisma.$disconnect();
    }
  } finally {
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
