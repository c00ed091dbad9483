// Per-second rates from two successive readings of an SNMP counter (Counter32 or Counter64).
//
// - Wrap: a counter that went backwards wrapped at 2^32 / 2^64 (delta = cur + 2^bits - prev). For a
//   Counter64 a real wrap takes years; a "wrap" spanning more than half the range is a reset
//   (counter discontinuity without a reboot), not traffic.
// - Reboot: sysUpTime going backwards (other than its own 2^32-tick wrap after ~497 days) means the
//   agent restarted and its counters may have restarted too: no rate for that interval; the current
//   reading becomes the new baseline (the caller keeps it).
// - Interval: from sysUpTime when both readings carry it (measured at the agent, free of network
//   and scheduling jitter), else from the poll times.
// - Implausible: a rate above `maxPerSec` (e.g. the interface's speed, for counters whose wraps are
//   ambiguous) is discarded.
//
// Pure. `counterRate` returns the rate or null; `counterRateDetail` also says why there is none.

export interface CounterReading {
  value: bigint;
  bits: 32 | 64;
  /** The agent's sysUpTime (TimeTicks, 1/100 s) when read; null when unknown. */
  uptimeTicks: number | null;
  /** Poll time, epoch ms. */
  atMs: number;
}

export interface CounterRateOptions {
  /** Highest plausible rate, per second; above it the interval is discarded. */
  maxPerSec?: number;
}

export type CounterRateFailure =
  /** The readings are not apart in time (same poll, or clocks went backwards). */
  | "no_interval"
  /** sysUpTime went backwards: the agent restarted. */
  | "reboot"
  /** One reading is a Counter32 and the other a Counter64. */
  | "width_changed"
  /** A value outside the counter's range. */
  | "bad_value"
  /** The implied rate is impossible (above maxPerSec, or a Counter64 "wrap" of over half its range). */
  | "implausible";

export type CounterRateResult =
  | { ok: true; rate: number; intervalSec: number; wrapped: boolean }
  | { ok: false; reason: CounterRateFailure };

const TICKS_RANGE = 2 ** 32;
/** sysUpTime readings within a day of 2^32 ticks and a day after 0 are taken as its wrap. */
const UPTIME_WRAP_SLACK = 100 * 86_400;

/** Seconds between two readings, or a reason there is no usable interval. */
export function readingInterval(
  prev: { uptimeTicks: number | null; atMs: number },
  cur: { uptimeTicks: number | null; atMs: number },
): { ok: true; seconds: number } | { ok: false; reason: "no_interval" | "reboot" } {
  if (prev.uptimeTicks !== null && cur.uptimeTicks !== null) {
    let ticks = cur.uptimeTicks - prev.uptimeTicks;
    if (ticks < 0) {
      const wrapped = prev.uptimeTicks >= TICKS_RANGE - UPTIME_WRAP_SLACK && cur.uptimeTicks < UPTIME_WRAP_SLACK;
      if (!wrapped) return { ok: false, reason: "reboot" };
      ticks += TICKS_RANGE;
    }
    return ticks > 0 ? { ok: true, seconds: ticks / 100 } : { ok: false, reason: "no_interval" };
  }
  const ms = cur.atMs - prev.atMs;
  return ms > 0 ? { ok: true, seconds: ms / 1000 } : { ok: false, reason: "no_interval" };
}

export function counterRateDetail(prev: CounterReading, cur: CounterReading, options: CounterRateOptions = {}): CounterRateResult {
  if (prev.bits !== cur.bits) return { ok: false, reason: "width_changed" };
  const range = 1n << BigInt(cur.bits);
  if (prev.value < 0n || cur.value < 0n || prev.value >= range || cur.value >= range) return { ok: false, reason: "bad_value" };

  const interval = readingInterval(prev, cur);
  if (!interval.ok) return interval;

  let delta = cur.value - prev.value;
  const wrapped = delta < 0n;
  if (wrapped) {
    delta += range;
    if (cur.bits === 64 && delta > range / 2n) return { ok: false, reason: "implausible" };
  }
  const rate = Number(delta) / interval.seconds;
  if (!Number.isFinite(rate)) return { ok: false, reason: "implausible" };
  if (options.maxPerSec !== undefined && rate > options.maxPerSec) return { ok: false, reason: "implausible" };
  return { ok: true, rate, intervalSec: interval.seconds, wrapped };
}

/** The counter's rate per second between two readings, or null when there is no valid one. */
export function counterRate(prev: CounterReading, cur: CounterReading, options?: CounterRateOptions): number | null {
  const r = counterRateDetail(prev, cur, options);
  return r.ok ? r.rate : null;
}
