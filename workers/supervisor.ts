// `npm start`: the one place that starts and stops everything.
//   1. build the web app if its sources changed since the last build
//   2. start the embedded PostgreSQL when DATABASE_URL is not set (data under DATA_DIR)
//   3. apply migrations, seed the admin user (and demo devices) into an empty database
//   4. start the worker and the web app as child processes, print the URL and how to log in
// First SIGINT/SIGTERM stops the web app, then the worker (which drains), then Postgres; a second
// signal forces everything down at once. Children run in their own process groups so a terminal
// Ctrl-C reaches only this process and the shutdown order holds.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from "@/lib/db/embedded-postgres";
import { createPrismaClient } from "@/lib/db/client";
import { migrateDeploy } from "@/lib/db/migrate";
import { loadOrCreateSecrets } from "@/lib/db/secrets";
import { EnvError, parseEnv, simulatorEnabled, type Env } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { demoDeviceAddress } from "@/lib/simulator/demo-traffic";
import { seedIfEmpty } from "@/prisma/seed";

const require = createRequire(import.meta.url);
const root = process.cwd();
const log = createLogger("supervisor");

const BUILD_INPUTS = ["app", "components", "lib", "public", "next.config.js", "tsconfig.json", "package-lock.json"];

function hashBuildInputs(): string {
  const hash = crypto.createHash("sha256");
  const visit = (p: string) => {
    const full = path.join(root, p);
    if (!fs.existsSync(full)) return;
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) visit(path.join(p, name));
    } else {
      hash.update(p).update("\0").update(fs.readFileSync(full)).update("\0");
    }
  };
  BUILD_INPUTS.forEach(visit);
  return hash.digest("hex");
}

function nextBin(): string {
  return path.join(path.dirname(require.resolve("next/package.json")), "dist", "bin", "next");
}

/** Builds the web app only when its inputs changed since the last successful build. */
async function ensureWebBuild(): Promise<void> {
  const stampFile = path.join(root, ".next", "tidewatch-build-hash");
  const hash = hashBuildInputs();
  const built = fs.existsSync(path.join(root, ".next", "BUILD_ID"));
  if (built && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === hash) return;
  log.info("building the web app (first start or sources changed; this takes a minute or two)");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin(), "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code})`))));
  });
  fs.writeFileSync(stampFile, hash);
}

interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<void>;
}

function startChild(name: string, args: string[], childEnv: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: childEnv,
    detached: true,
    // The IPC channel lets a child notice that the supervisor died and exit by itself.
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  return { name, proc, exited };
}

async function stopChild(child: Child | undefined, graceMs: number): Promise<void> {
  if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill("SIGTERM");
  const timer = setTimeout(() => {
    log.warn(`${child.name} did not stop in time; killing it`);
    killGroup(child.proc, "SIGKILL");
  }, graceMs);
  await child.exited;
  clearTimeout(timer);
  killGroup(child.proc, "SIGKILL"); // anything the child itself left behind in its group
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // group already gone
  }
}

async function waitForHealth(port: number, web: Child, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (web.proc.exitCode !== null) throw new Error("the web app exited during start");
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the web app did not answer on port ${port} within ${timeoutMs / 1000}s`);
}

async function main(e: Env): Promise<void> {
  let cluster: EmbeddedCluster | undefined;
  let worker: Child | undefined;
  let web: Child | undefined;
  let shuttingDown = false;

  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info("stopping: web app, then worker, then database");
    await stopChild(web, 10_000);
    await stopChild(worker, 20_000);
    await cluster?.stop();
    log.info("stopped");
    process.exit(code);
  };
  // npm forwards the terminal's SIGINT that this process also received directly, so signals within
  // a second of the first count as one.
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (firstSignalAt === 0) {
      firstSignalAt = now;
      log.info(`${signal} received; shutting down cleanly (send again to force)`);
      void shutdown(0);
    } else if (now - firstSignalAt > 1000) {
      log.warn(`${signal} received again; forcing shutdown`);
      for (const c of [web, worker]) if (c) killGroup(c.proc, "SIGKILL");
      if (cluster) void cluster.stop().finally(() => process.exit(1));
      else process.exit(1);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    fs.mkdirSync(e.DATA_DIR, { recursive: true });
    const secrets = loadOrCreateSecrets(e.DATA_DIR);
    await ensureWebBuild();
    if (shuttingDown) return;

    const embedded = !e.DATABASE_URL;
    let databaseUrl = e.DATABASE_URL;
    if (!databaseUrl) {
      cluster = await startEmbeddedPostgres({
        dataDir: path.join(e.DATA_DIR, "postgres"),
        password: secrets.postgresPassword,
        log: log.child("postgres"),
      });
      await ensureDatabase(cluster, "tidewatch");
      databaseUrl = cluster.url("tidewatch");
      log.info("embedded PostgreSQL is up", { port: cluster.port, dataDir: path.join(e.DATA_DIR, "postgres") });
      void cluster.exited.then(() => {
        if (!shuttingDown) {
          log.error("the embedded PostgreSQL exited unexpectedly");
          void shutdown(1);
        }
      });
    }

    log.info("applying database migrations");
    await migrateDeploy(databaseUrl);
    const simulate = simulatorEnabled(e, embedded);
    const prisma = createPrismaClient(databaseUrl, 2);
    const seeded = await seedIfEmpty(prisma, {
      adminEmail: e.ADMIN_EMAIL,
      adminPassword: e.ADMIN_PASSWORD,
      // demo devices live on loopback aliases so their flows, syslog and polls really cross the wire
      devices: simulate
        ? demoFleet(e.DEMO_DEVICES, e.SIM_SEED).map((d, i) => ({ ...d, managementIp: demoDeviceAddress(i), tags: [...d.tags, "demo"] }))
        : undefined,
    });
    await prisma.$disconnect();
    if (seeded.devicesCreated > 0) log.info("created demo devices", { count: seeded.devicesCreated });
    if (shuttingDown) return;

    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      DATA_DIR: e.DATA_DIR,
      NEXTAUTH_SECRET: e.NEXTAUTH_SECRET ?? secrets.nextauthSecret,
      NEXTAUTH_URL: e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`,
      SIMULATE: simulate ? "1" : "0",
      PORT: String(e.PORT),
    };
    worker = startChild("worker", ["--import", "tsx", "workers/main.ts"], childEnv);
    web = startChild("web", [nextBin(), "start", "-p", String(e.PORT)], childEnv);
    for (const c of [worker, web]) {
      void c.exited.then(() => {
        if (!shuttingDown) {
          log.error(`the ${c.name} process exited unexpectedly (code ${c.proc.exitCode ?? c.proc.signalCode})`);
          void shutdown(1);
        }
      });
    }
    await waitForHealth(e.PORT, web);

    const login = seeded.generatedAdminPassword
      ? `password ${seeded.generatedAdminPassword}  (generated now and shown only this once; only its hash is stored)`
      : e.ADMIN_PASSWORD
        ? "the password in ADMIN_PASSWORD"
        : "the password printed when this DATA_DIR was first started";
    const banner = [
      "",
      "  Tidewatch is running",
      `  Open      http://localhost:${e.PORT}`,
      `  Log in    ${e.ADMIN_EMAIL}`,
      `            ${login}`,
      `  Database  ${embedded ? `embedded PostgreSQL, data in ${e.DATA_DIR}` : "external (DATABASE_URL)"}`,
      `  Simulator ${simulate ? "on (demo network)" : "off"}`,
      "  Stop      Ctrl-C",
      "",
    ].join("\n");
    process.stdout.write(banner + "\n");
  } catch (err) {
    log.error("start failed", { error: err instanceof Error ? err.message : String(err) });
    await shutdown(1);
  }
}

let parsed: Env;
try {
  parsed = parseEnv();
} catch (err) {
  if (err instanceof EnvError) {
    process.stderr.write(err.message + "\n");
    process.exit(2);
  }
  throw err;
}
void main(parsed);
