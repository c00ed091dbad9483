// `npm start` / the `tidewatch` bin: the one place that starts and stops everything.
//   1. build the web app if its sources changed since the last build
//   2. start the embedded PostgreSQL when DATABASE_URL is not set (data under DATA_DIR)
//   3. apply migrations, seed the admin user (and demo devices) into an empty database
//   4. start the worker and the web app as child processes (TIDEWATCH_SERVICES picks which), print
//      the URL and how to log in
// A child that crashes is restarted with a backoff (supervised-child.ts); the worker's heartbeat is
// cleared at once so /api/health reports it down until the new one beats. First SIGINT/SIGTERM stops
// the web app, then the worker (which drains), then Postgres, and only then does this process exit
// (a service manager waiting on it sees everything down); a second signal forces everything down at
// once (workers/shutdown.ts). Children run in their own process groups so a terminal Ctrl-C reaches
// only this process and the shutdown order holds.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from "@/lib/db/embedded-postgres";
import { createPrismaClient } from "@/lib/db/client";
import { clearHeartbeatsOfPid } from "@/lib/db/worker-heartbeat-queries";
import { migrateDeploy } from "@/lib/db/migrate";
import { loadOrCreateSecrets } from "@/lib/db/secrets";
import { EnvError, parseEnv, simulatorEnabled, type Env } from "@/lib/env";
import { insecureHttpRefusal } from "@/lib/http/public-url";
import { createLogger } from "@/lib/log";
import { demoFleet } from "@/lib/simulator/demo-fleet";
import { demoDeviceAddress } from "@/lib/simulator/demo-traffic";
import { seedIfEmpty } from "@/prisma/seed";
import { enabledCollectors } from "./collectors/registry";
import { installShutdown, type Shutdown } from "./shutdown";
import { SupervisedChild } from "./supervised-child";

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

/** The children's exit code for a configuration error (EnvError): restarting will not help. */
const CONFIG_ERROR_EXIT = 2;
const WEB_GRACE_MS = 10_000;
const WORKER_GRACE_MS = 20_000;

function spawnChild(args: string[], childEnv: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, args, {
    cwd: root,
    env: childEnv,
    detached: true,
    // The IPC channel lets a child notice that the supervisor died and exit by itself.
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/**
 * The banner line for a generated admin password. Only a terminal sees it: when stdout is a pipe or a
 * journal (systemd, docker logs, a CI log), which outlive the terminal, the password is written once to
 * a file only this user can read, and the banner names the file instead.
 */
function showGeneratedPassword(password: string, dataDir: string): string {
  if (process.stdout.isTTY) return `password ${password}  (generated now and shown only this once; only its hash is stored)`;
  const file = path.join(dataDir, "initial-admin-password");
  fs.writeFileSync(file, password + "\n", { mode: 0o600, flag: "w" });
  fs.chmodSync(file, 0o600);
  return `password in ${file}  (generated now, readable only by this user; delete the file once you have signed in)`;
}

async function waitForHealth(port: number, web: SupervisedChild, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (web.restarts > 0) throw new Error("the web app exited during start");
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
  let worker: SupervisedChild | undefined;
  let web: SupervisedChild | undefined;
  const runWeb = e.TIDEWATCH_SERVICES.includes("web");
  const runWorker = e.TIDEWATCH_SERVICES.includes("worker");

  const shutdown: Shutdown = installShutdown({
    log,
    // the children's own windows, then Postgres
    graceMs: WEB_GRACE_MS + WORKER_GRACE_MS + 15_000,
    coalesceMs: 1000,
    async stop() {
      log.info("stopping: web app, then worker, then database");
      await web?.stop();
      await worker?.stop();
      await cluster?.stop();
      log.info("stopped");
      return exitCode;
    },
    async force() {
      web?.kill();
      worker?.kill();
      await cluster?.stop();
    },
  });
  let exitCode = 0;
  const fail = (why: string) => {
    log.error(why);
    exitCode = 1;
    // a failure during a stop already under way only changes the exit code (a second request would force)
    if (!shutdown.stopping) shutdown.request("failure");
  };

  try {
    // the web app would refuse too, but only after the database started, and then be restarted over and over
    const insecure = runWeb ? insecureHttpRefusal(e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`, e.ALLOW_INSECURE_HTTP) : null;
    if (insecure) return fail(insecure);
    fs.mkdirSync(e.DATA_DIR, { recursive: true });
    const secrets = loadOrCreateSecrets(e.DATA_DIR);
    if (runWeb) await ensureWebBuild();
    if (shutdown.stopping) return;

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
        if (!shutdown.stopping) fail("the embedded PostgreSQL exited unexpectedly");
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
    if (shutdown.stopping) return;

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
    const backoff = { initialMs: Math.min(1000, e.RESTART_BACKOFF_MAX_SEC * 1000), maxMs: e.RESTART_BACKOFF_MAX_SEC * 1000 };
    const resetAfterMs = Math.max(10_000, backoff.maxMs);
    const restartEnv = (restarts: number, lastExit: string | undefined): NodeJS.ProcessEnv => ({
      ...childEnv,
      TIDEWATCH_RESTARTS: String(restarts),
      ...(lastExit ? { TIDEWATCH_LAST_EXIT: lastExit } : {}),
    });
    if (runWorker) {
      worker = new SupervisedChild({
        name: "worker",
        spawn: (restarts, lastExit) => spawnChild(["--import", "tsx", "workers/main.ts"], restartEnv(restarts, lastExit)),
        log,
        backoff,
        resetAfterMs,
        graceMs: WORKER_GRACE_MS,
        fatalExitCodes: [CONFIG_ERROR_EXIT],
        onFatal: () => fail("the worker cannot start with this configuration"),
        // its heartbeat would say "up" for another 20 s: health reports it down from now on
        onCrash: async ({ pid }) => {
          if (pid === undefined) return;
          const db = createPrismaClient(databaseUrl, 1);
          try {
            await clearHeartbeatsOfPid(db, pid);
          } finally {
            await db.$disconnect();
          }
        },
      });
      worker.start();
    }
    if (runWeb) {
      web = new SupervisedChild({
        name: "web app",
        spawn: (restarts, lastExit) => spawnChild(["--import", "tsx", "app/_server/web-server.ts"], restartEnv(restarts, lastExit)),
        log,
        backoff,
        resetAfterMs,
        graceMs: WEB_GRACE_MS,
        // it refuses to start on a bad setting (exit 2) too, e.g. production over plain http
        fatalExitCodes: [CONFIG_ERROR_EXIT],
        onFatal: () => fail("the web app cannot start with this configuration"),
      });
      web.start();
    }
    if (web) await waitForHealth(e.PORT, web);

    const login = seeded.generatedAdminPassword
      ? showGeneratedPassword(seeded.generatedAdminPassword, e.DATA_DIR)
      : e.ADMIN_PASSWORD
        ? "the password in ADMIN_PASSWORD"
        : "the password printed when this DATA_DIR was first started";
    const banner = [
      "",
      "  Tidewatch is running",
      runWeb ? `  Open      http://localhost:${e.PORT}` : "  Web app   not started here (TIDEWATCH_SERVICES)",
      `  Log in    ${e.ADMIN_EMAIL}`,
      `            ${login}`,
      `  Database  ${embedded ? `embedded PostgreSQL, data in ${e.DATA_DIR}` : "external (DATABASE_URL)"}`,
      `  Worker    ${runWorker ? `running; simulator ${simulate ? "on (demo network)" : "off"}` : "not started here (TIDEWATCH_SERVICES)"}`,
      "  Stop      Ctrl-C",
      "",
    ].join("\n");
    process.stdout.write(banner + "\n");
  } catch (err) {
    fail(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

let parsed: Env;
try {
  parsed = parseEnv();
  // the worker checks it too; here a wrong name stops the start before anything is started
  if (parsed.TIDEWATCH_SERVICES.includes("worker")) enabledCollectors(parsed.COLLECTORS);
} catch (err) {
  if (err instanceof EnvError) {
    process.stderr.write(err.message + "\n");
    process.exit(2);
  }
  throw err;
}
void main(parsed);
