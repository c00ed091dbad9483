// Time as the worker's long-running parts see it, injectable so tests can run them on a fake clock.
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/**
 * The demo's clock: the wall clock until a replay starts, then simulated time running `speed`×
 * faster from the replay's start until it has caught up with the wall clock, and the wall clock
 * again from there. Telemetry the simulator sends carries this time, so the parts that bucket and
 * flush telemetry by time (router, collectors) must read it too.
 */
export class ReplayClock implements Clock {
  private simStart: number | undefined;
  private realStart = 0;

  constructor(
    private readonly base: Clock,
    private readonly speed: number,
  ) {}

  startReplay(simStart: number): void {
    this.simStart = simStart;
    this.realStart = this.base.now();
  }

  now(): number {
    const real = this.base.now();
    if (this.simStart === undefined) return real;
    return Math.min(real, this.simStart + (real - this.realStart) * this.speed);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms, signal);
  }
}
