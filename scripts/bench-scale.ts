// The dashboards at scale: 1,000,000 alerts and 1,000 devices (scripts/seed-scale.ts) in a throwaway
// embedded Postgres, the app started as `npm start` starts it (built web app + worker, simulator off),
// then:
//   - every list API, timed over HTTP with a real session: p50 / p95 / max of --requests sequential
//     calls after a warm-up (target: p95 < 100 ms);
//   - the Anomalies page in Chromium: from navigation until the first rows are shown and the keyboard
//     cursor answers `j` (target: interactive in under 1.5 s), cold (first load) and warm.
// Usage: node --import tsx scripts/bench-scale.ts [--alerts 1000000] [--devices 1000] [--requests 100] [--keep]
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { chromium } from "@playwright/test";
import { createPrismaClient } from "@/lib/db/client";
import { ensureDatabase, freePort, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import { createUser } from "@/lib/db/user-queries";
import { createLogger } from "@/lib/log";
import { CHROMIUM_LAUNCH } from "@/tests/chromium-launch";
import { seedScale } from "./seed-scale";

const { values: args } = parseArgs({
  options: {
    alerts: { type: "string", default: "1000000" },
    devices: { type: "string", default: "1000" },
    requests: { type: "string", default: "100" },
    keep: { type: "boolean", default: false },
  },
});
const REQUESTS = Number(args.requests);
const ADMIN = { email: "scale-admin@tidewatch.local", password: "scale-admin-password", name: "Scale Admin", role: "admin" as const };

const log = createLogger("bench:scale", { level: "warn" });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidewatch-scale-"));
fs.chmodSync(dir, 0o755);
const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "scale-bench-only", log });
let app: ChildProcess | undefined;

async function main() {
  await ensureDatabase(cluster, "tidewatch");
  const url = cluster.url("tidewatch");
  await migrateDeploy(url);
  const prisma = createPrismaClient(url, 2);
  const admin = await createUser(prisma, ADMIN);
  const judges = [admin.id];
  for (const n of [1, 2]) judges.push((await createUser(prisma, { email: `scale-analyst-${n}@tidewatch.local`, name: `Analyst ${n}`, role: "analyst", password: "scale-analyst-password" })).id);
  await prisma.$disconnect();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const seeded = await seedScale(pool, { devices: Number(args.devices), alerts: Number(args.alerts), now: new Date(), judgeIds: judges });
  const { rows: size } = await pool.query<{ size: string }>("SELECT pg_size_pretty(pg_total_relation_size('alerts')) AS size");
  const { rows: sample } = await pool.query<{ id: number; site: string }>("SELECT id, site FROM devices ORDER BY id OFFSET 500 LIMIT 1");
  await pool.end();
  console.log(`seeded ${seeded.devices} devices, ${seeded.alerts.toLocaleString()} alerts (${size[0]!.size} with indexes), ${seeded.feedback.toLocaleString()} verdicts in ${(seeded.ms / 1000).toFixed(1)} s`);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, ["--import", "tsx", "workers/supervisor.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      DATA_DIR: path.join(dir, "app"),
      SIMULATE: "0",
      NETFLOW_PORT: "0",
      SYSLOG_PORT: "0",
      WORKER_METRICS_PORT: "0",
      SIM_SNMP_PORT: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (i > 1200) throw new Error("the app did not start within 10 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }

  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");

  const get = async (p: string) => {
    const t0 = performance.now();
    const res = await fetch(`${base}${p}`, { headers: { cookie } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
    return performance.now() - t0;
  };
  const json = async <T,>(p: string) => (await (await fetch(`${base}${p}`, { headers: { cookie } })).json()) as T;

  // a cursor 20 pages (1,000 alerts) deep
  let cursor = "";
  for (let i = 0; i < 20; i++) cursor = (await json<{ nextCursor: string }>(`/api/alerts?limit=50${cursor ? `&cursor=${cursor}` : ""}`)).nextCursor;
  const dayAgo = encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString());
  const device = sample[0]!;
  const endpoints: [string, string][] = [
    ["alerts, newest 50", "/api/alerts?limit=50"],
    ["alerts, page 21 (keyset)", `/api/alerts?limit=50&cursor=${cursor}`],
    ["alerts, open + acknowledged", "/api/alerts?limit=50&status=open,acknowledged"],
    ["alerts, critical", "/api/alerts?limit=50&severity=critical"],
    ["alerts, type ddos", "/api/alerts?limit=50&type=ddos"],
    ["alerts, detector flow-port-scan", "/api/alerts?limit=50&detector=flow-port-scan"],
    ["alerts, one device", `/api/alerts?limit=50&deviceId=${device.id}`],
    ["alerts, one site", `/api/alerts?limit=50&site=${device.site}`],
    ["alerts, open + high + site", `/api/alerts?limit=50&status=open&severity=high&site=${device.site}`],
    ["alerts, last 24 h", `/api/alerts?limit=50&from=${dayAgo}`],
    ["alerts, assigned to me", "/api/alerts?limit=50&assignee=me"],
    ["alert counts", "/api/alerts/counts"],
    ["alert filter options", "/api/alerts/filter-options"],
    ["overview", "/api/overview"],
    ["devices", "/api/devices"],
    ["device page", `/api/devices/${device.id}`],
    ["campaigns", "/api/campaigns"],
    ["maintenance windows", "/api/maintenance-windows"],
    ["suppression rules", "/api/suppression-rules"],
    ["business calendar", "/api/calendar"],
    ["detector settings", "/api/detector-settings"],
    ["pending baselines", "/api/baselines/pending"],
    ["clusters", "/api/clusters"],
    ["forecast options", "/api/forecasts/options"],
    ["users", "/api/users"],
  ];
  const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
  console.log(`\n| API | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|`);
  let worst = 0;
  for (const [name, p] of endpoints) {
    for (let i = 0; i < 5; i++) await get(p);
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) times.push(await get(p));
    times.sort((a, b) => a - b);
    worst = Math.max(worst, pct(times, 95));
    console.log(`| ${name} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${times[times.length - 1]!.toFixed(1)} |`);
  }
  console.log(`\nworst p95: ${worst.toFixed(1)} ms over ${endpoints.length} list APIs, ${REQUESTS} requests each`);

  // The Anomalies page: navigation → first rows shown → `j` moves the cursor.
  const loads: number[] = [];
  for (let i = 0; i < 6; i++) {
    const tab = await context.newPage();
    const t0 = Date.now();
    await tab.goto("/anomalies", { waitUntil: "commit" });
    await tab.locator('[data-testid="anomaly-row"]').nth(1).waitFor({ state: "visible" });
    await tab.keyboard.press("j");
    await tab.locator('[data-testid="anomaly-row"][data-active="true"]').nth(0).waitFor();
    const active = await tab.locator('[data-testid="anomaly-row"]').nth(1).getAttribute("data-active");
    if (active !== "true") throw new Error("the keyboard cursor did not move");
    loads.push(Date.now() - t0);
    await tab.close();
  }
  const warm = loads.slice(1).sort((a, b) => a - b);
  console.log(`Anomalies page interactive: first load ${loads[0]} ms, then median ${warm[Math.floor(warm.length / 2)]} ms, worst ${warm[warm.length - 1]} ms (${warm.length} loads)`);
  await browser.close();
}

try {
  await main();
} finally {
  if (app?.pid) {
    const exited = new Promise((r) => app!.once("exit", r));
    process.kill(app.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  }
  await cluster.stop();
  if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
