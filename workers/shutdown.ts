// How a Tidewatch process stops, shared by the supervisor and the worker: the first SIGTERM/SIGINT
// starts a clean stop bounded by a grace window; when the window passes, or on another signal, the
// process is forced down. Also how the supervisor stops a child: SIGTERM, then SIGKILL for its whole
// process group after the child's grace window.
import type { ChildProcess } from "node:child_process";
import type { Logger } from "@/lib/log";

export interface ShutdownOptions {
  log: Logger;
  /** How long the clean stop may take before the process is forced down. */
  graceMs: number;
  /** The clean stop; resolves with the exit code. */
  stop(reason: string): Promise<number>;
  /** Brings down at once what the clean stop would have stopped (children, servers); then exit 1. */
  force?(): void | Promise<void>;
  /**
   * Repeats within this window count as one signal: npm forwards the terminal's SIGINT that the
   * process also received directly.
   */
  coalesceMs?: number;
}

export interface Shutdown {
  /** Starts the clean stop (once); later calls force it. */
  request(reason: string): void;
  readonly stopping: boolean;
}

export function installShutdown(o: ShutdownOptions): Shutdown {
  let startedAt = 0;
  let forcing = false;
  const force = async (why: string) => {
    if (forcing) return;
    forcing = true;
    o.log.warn(`${why}; forcing shutdown`);
    try {
      await o.force?.();
    } finally {
      process.exit(1);
    }
  };
  const request = (reason: string) => {
    const now = Date.now();
    if (startedAt !== 0) {
      if (now - startedAt > (o.coalesceMs ?? 0)) void force(`${reason} received again`);
      return;
    }
    startedAt = now;
    o.log.info(`${reason}: stopping cleanly (send again to force)`);
    const timer = setTimeout(() => void force(`not stopped within ${o.graceMs / 1000} s`), o.graceMs);
    timer.unref();
    o.stop(reason).then(
      (code) => process.exit(code),
      (err: unknown) => {
        o.log.error("clean stop failed", { error: err instanceof Error ? err.message : String(err) });
        void force("clean stop failed");
      },
    );
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => request(signal));
  return {
    request,
    get stopping() {
      return startedAt !== 0;
    },
  };
}

/** Signals a child's whole process group (children run detached, in their own groups). */
export function signalGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // group already gone
  }
}

export function hasExited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/** SIGTERM, then SIGKILL to the child's process group after `graceMs`; resolves once it exited. */
export async function stopChildProcess(proc: ChildProcess, name: string, graceMs: number, log: Logger): Promise<void> {
  if (!hasExited(proc)) {
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => {
      log.warn(`${name} did not stop within ${graceMs / 1000} s; killing it`);
      signalGroup(proc, "SIGKILL");
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }
  signalGroup(proc, "SIGKILL"); // anything the child itself left behind in its group
}
