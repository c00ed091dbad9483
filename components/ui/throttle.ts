// Runs `fn` at most once per `ms`: the first call runs at once, calls during the pause collapse
// into one run at its end (so the last change is never lost).
export interface Throttled {
  (): void;
  cancel(): void;
}

export function throttle(fn: () => void, ms: number, now: () => number = Date.now): Throttled {
  let lastRun = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    lastRun = now();
    fn();
  };
  const throttled = () => {
    if (timer !== undefined) return;
    const wait = lastRun + ms - now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return throttled;
}
