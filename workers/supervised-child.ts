// A child process the supervisor keeps running: when it exits without being asked to, it is started
// again after a wait that doubles with each crash in a row (1 s, 2 s, 4 s, ... up to a cap) and
// resets once the child has stayed up for a while. Every crash is logged with the count and the
// wait, and the count reaches the restarted child (TIDEWATCH_RESTARTS), whose heartbeat and
// /api/health show it. An exit code listed as fatal (a configuration error) is not retried.
import type { ChildProcess } from "node:child_process";
import type { Logger } from "@/lib/log";
import { hasExited, signalGroup, stopChildProcess } from "./shutdown";

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** The wait before the restart that follows the `crashesInARow`-th crash in a row (1-based). */
export function restartDelayMs(crashesInARow: number, backoff: Backoff): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, crashesInARow - 1));
}

export interface CrashInfo {
  pid: number | undefined;
  /** "code 1" or "signal SIGKILL". */
  exit: string;
  restarts: number;
  crashesInARow: number;
  delayMs: number;
}

export interface SupervisedChildOptions {
  name: string;
  /** Starts the child; `restarts` and `lastExit` are for its environment. */
  spawn(restarts: number, lastExit: string | undefined): ChildProcess;
  log: Logger;
  backoff: Backoff;
  /** Uptime after which the crash streak (and so the wait) starts over. */
  resetAfterMs: number;
  /** How long a requested stop may take before the child's group is killed. */
  graceMs: number;
  /** Exit codes that mean "starting again will not help": the supervisor is told instead. */
  fatalExitCodes?: readonly number[];
  onFatal?(exit: string): void;
  /** After a crash, before the wait (e.g. marking the worker down at once). */
  onCrash?(info: CrashInfo): void | Promise<void>;
}

export class SupervisedChild {
  private proc: ChildProcess | undefined;
  private startedAt = 0;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private crashesInARow = 0;
  private lastExit: string | undefined;
  /** Restarts after crashes since the supervisor started. */
  restarts = 0;

  constructor(private readonly o: SupervisedChildOptions) {}

  get process(): ChildProcess | undefined {
    return this.proc;
  }

  start(): void {
    this.startedAt = Date.now();
    const proc = this.o.spawn(this.restarts, this.lastExit);
    this.proc = proc;
    proc.once("exit", (code, signal) => void this.onExit(proc, code, signal));
  }

  private async onExit(proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    signalGroup(proc, "SIGKILL"); // what it left behind in its group
    if (this.stopping) return;
    const exit = signal ? `signal ${signal}` : `code ${code}`;
    this.lastExit = exit;
    if (code !== null && this.o.fatalExitCodes?.includes(code)) {
      this.o.log.error(`${this.o.name} exited with ${exit} (a configuration error); not restarting it`);
      this.o.onFatal?.(exit);
      return;
    }
    if (Date.now() - this.startedAt >= this.o.resetAfterMs) this.crashesInARow = 0;
    this.crashesInARow += 1;
    this.restarts += 1;
    const delayMs = restartDelayMs(this.crashesInARow, this.o.backoff);
    const info: CrashInfo = { pid: proc.pid, exit, restarts: this.restarts, crashesInARow: this.crashesInARow, delayMs };
    this.o.log.error(`${this.o.name} exited unexpectedly (${exit}); restarting in ${delayMs / 1000} s`, {
      restarts: this.restarts,
      crashesInARow: this.crashesInARow,
      ...(this.crashesInARow >= 3 ? { crashLoop: true } : {}),
    });
    await Promise.resolve(this.o.onCrash?.(info)).catch((err: unknown) =>
      this.o.log.warn(`after the ${this.o.name} crash`, { error: err instanceof Error ? err.message : String(err) }),
    );
    if (this.stopping) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.start();
    }, delayMs);
  }

  /** Stops it for good (no restart): SIGTERM, then SIGKILL after the grace window. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (this.proc && !hasExited(this.proc)) await stopChildProcess(this.proc, this.o.name, this.o.graceMs, this.o.log);
  }

  /** Kills it at once (forced shutdown). */
  kill(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (this.proc) signalGroup(this.proc, "SIGKILL");
  }
}
