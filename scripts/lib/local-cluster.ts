// The pieces of a distributed-mode cluster on one machine, for `npm run cluster:local` and
// `npm run bench:cluster`: Debian's nats-server with JetStream, an embedded Postgres with the
// migrations applied, and Tidewatch processes (collectors, workers, the supervisor with the web app)
// pointed at both. Each runs in its own process group, so a terminal's Ctrl-C reaches only the script,
// which then stops them in order.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ensureDatabase, freePort, startEmbeddedPostgres, type EmbeddedCluster } from "@/lib/db/embedded-postgres";
import { migrateDeploy } from "@/lib/db/migrate";
import type { Logger } from "@/lib/log";
import { findTool } from "./find-tool";

export interface Running {
  name: string;
  proc: ChildProcess;
  output(): string;
  /** Peak resident memory (MB) of the process so far, from /proc (null once it exited). */
  peakRssMb(): number | null;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const c = net.connect(port, "127.0.0.1", () => {
        c.end();
        resolve();
      });
      c.on("error", () => (Date.now() > deadline ? reject(new Error(`nothing listens on port ${port}`)) : setTimeout(attempt, 100)));
    };
    attempt();
  });
}

function track(name: string, proc: ChildProcess, echo: boolean): Running {
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-200_000);
    if (echo) process.stdout.write(d.toString().replace(/^(?=.)/gm, `[${name}] `));
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return {
    name,
    proc,
    output: () => output,
    peakRssMb() {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, "utf8"));
        return m ? Number(m[1]) / 1024 : null;
      } catch {
        return null;
      }
    },
    async stop(signal = "SIGTERM") {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** nats-server with JetStream storing under `dir`, on a free port of 127.0.0.1 (or `port`). */
export async function startNats(dir: string, echo = false, port?: number): Promise<Running & { url: string }> {
  fs.mkdirSync(dir, { recursive: true });
  const p = port ?? (await freePort());
  const proc = spawn(findTool("nats-server", "nats-server"), ["-js", "-sd", dir, "-a", "127.0.0.1", "-p", String(p)], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  const running = track("nats", proc, echo);
  await waitForPort(p, 15_000);
  return { ...running, url: `nats://127.0.0.1:${p}` };
}

/** An embedded Postgres under `dataDir` with database `name` migrated; its URL. */
export async function startPostgres(dataDir: string, name: string, log: Logger): Promise<{ url: string; cluster: EmbeddedCluster }> {
  const cluster = await startEmbeddedPostgres({ dataDir: path.resolve(dataDir), password: "tidewatch-local", log });
  await ensureDatabase(cluster, name);
  const url = cluster.url(name);
  await migrateDeploy(url);
  return { url, cluster };
}

/** A Tidewatch entry point (`workers/main.ts`, `workers/cluster/collector-main.ts`, ...) as a child process. */
export function startTidewatch(name: string, entry: string, env: Record<string, string>, echo = false): Running {
  const proc = spawn(process.execPath, ["--import", "tsx", entry], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  return track(name, proc, echo);
}
