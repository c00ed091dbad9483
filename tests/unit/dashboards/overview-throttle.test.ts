// The Overview's refetch throttle: a burst of live events is one refetch now and at most one more
// at the end of the pause, never one per event.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { throttle } from "../../../components/ui/throttle";

describe("throttle", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-11-17T14:00:00.000Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs the first call at once and a burst during the pause once at its end", () => {
    const fn = vi.fn();
    const t = throttle(fn, 2_000);
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(30);
      t();
    }
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2_000);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(10_000);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("runs at once again after a quiet pause", () => {
    const fn = vi.fn();
    const t = throttle(fn, 2_000);
    t();
    vi.advanceTimersByTime(2_500);
    t();
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("never runs after cancel", () => {
    const fn = vi.fn();
    const t = throttle(fn, 2_000);
    t();
    t();
    t.cancel();
    vi.advanceTimersByTime(5_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
