// How the supervisor keeps a child running (workers/supervised-child.ts), with real child processes:
// a child that keeps crashing is restarted after waits that double up to the cap, a child that stayed
// up long enough starts the streak over, a configuration error is not retried, and a stop that the
// child ignores ends in SIGKILL after the grace window.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../lib/log";
import { SupervisedChild, type CrashInfo } from "../../../workers/supervised-child";

const log = createLogger("test:supervised", { level: "error" });
const node = (code: string) => spawn(process.execPath, ["-e", code], { detached: true, stdio: "ignore" });

describe("SupervisedChild", () => {
  it("restarts a crashing child after doubling waits, capped, and passes it the restart count", { timeout: 20_000 }, async () => {
    const starts: { at: number; restarts: number }[] = [];
    const crashes: CrashInfo[] = [];
    const child = new SupervisedChild({
      name: "crasher",
      spawn: (restarts) => {
        starts.push({ at: Date.now(), restarts });
        return node("process.exit(3)");
      },
      log,
      backoff: { initialMs: 200, maxMs: 800 },
      resetAfterMs: 10_000,
      graceMs: 1000,
      onCrash: (info) => void crashes.push(info),
    });
    child.start();
    await expect.poll(() => starts.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(5);
    await child.stop();
    expect(crashes.slice(0, 4).map((c) => c.delayMs)).toEqual([200, 400, 800, 800]);
    expect(crashes[0]).toMatchObject({ exit: "code 3", restarts: 1, crashesInARow: 1 });
    expect(starts.slice(0, 5).map((s) => s.restarts)).toEqual([0, 1, 2, 3, 4]);
    // each restart came no sooner than its wait
    for (let i = 1; i < 5; i++) expect(starts[i]!.at - starts[i - 1]!.at).toBeGreaterThanOrEqual(crashes[i - 1]!.delayMs);
    const count = starts.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(starts.length).toBe(count); // stopped means stopped: no restart after stop()
  });

  it("starts the streak over after a child stayed up longer than the reset time", { timeout: 20_000 }, async () => {
    const crashes: CrashInfo[] = [];
    let n = 0;
    const child = new SupervisedChild({
      name: "flaky",
      // crashes at once twice, then runs 5 s before crashing (node itself can take a second or two to
      // start on a loaded machine, hence the margins)
      spawn: () => node(n++ < 2 ? "process.exit(1)" : "setTimeout(() => process.exit(1), 5000)"),
      log,
      backoff: { initialMs: 100, maxMs: 1000 },
      resetAfterMs: 4000,
      graceMs: 1000,
      onCrash: (info) => void crashes.push(info),
    });
    child.start();
    await expect.poll(() => crashes.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await child.stop();
    expect(crashes.slice(0, 3).map((c) => [c.crashesInARow, c.delayMs])).toEqual([
      [1, 100],
      [2, 200],
      [1, 100],
    ]);
  });

  it("does not restart a child that exits with a configuration error", { timeout: 10_000 }, async () => {
    let starts = 0;
    const fatal: string[] = [];
    const child = new SupervisedChild({
      name: "misconfigured",
      spawn: () => (starts++, node("process.exit(2)")),
      log,
      backoff: { initialMs: 50, maxMs: 50 },
      resetAfterMs: 10_000,
      graceMs: 1000,
      fatalExitCodes: [2],
      onFatal: (exit) => fatal.push(exit),
    });
    child.start();
    await expect.poll(() => fatal, { timeout: 5_000 }).toEqual(["code 2"]);
    await new Promise((r) => setTimeout(r, 300));
    expect(starts).toBe(1);
  });

  it("kills a child that ignores SIGTERM once the grace window is over", { timeout: 10_000 }, async () => {
    let ready!: () => void;
    const handlerInstalled = new Promise<void>((r) => (ready = r));
    const child = new SupervisedChild({
      name: "stubborn",
      spawn: () => {
        const proc = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"], {
          detached: true,
          stdio: ["ignore", "pipe", "ignore"],
        });
        proc.stdout!.once("data", () => ready());
        return proc;
      },
      log,
      backoff: { initialMs: 50, maxMs: 50 },
      resetAfterMs: 10_000,
      graceMs: 500,
    });
    child.start();
    await handlerInstalled;
    const started = Date.now();
    await child.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(child.process!.signalCode).toBe("SIGKILL");
  });
});
