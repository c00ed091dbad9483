import { describe, expect, it } from "vitest";
import { counterRate, counterRateDetail, readingInterval, type CounterReading } from "@/lib/telemetry/snmp/counter-rate";

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const C64 = 2n ** 64n;
const C32 = 2n ** 32n;

function r(value: bigint, uptimeTicks: number | null, atMs: number, bits: 32 | 64 = 64): CounterReading {
  return { value, bits, uptimeTicks, atMs };
}

describe("counterRate", () => {
  it.each<{ name: string; prev: CounterReading; cur: CounterReading; max?: number; expected: number | null }>([
    { name: "steady 64-bit counter, interval from sysUpTime", prev: r(1_000n, 10_000, T0), cur: r(7_000n, 16_000, T0 + 60_000), expected: 100 },
    {
      name: "sysUpTime interval wins over poll-time jitter",
      prev: r(0n, 10_000, T0),
      cur: r(6_000n, 16_000, T0 + 61_500), // the poll ran 1.5 s late; the agent measured 60 s
      expected: 100,
    },
    { name: "no sysUpTime: poll times", prev: r(0n, null, T0), cur: r(3_000n, null, T0 + 30_000), expected: 100 },
    { name: "one reading without sysUpTime: poll times", prev: r(0n, 5, T0), cur: r(3_000n, null, T0 + 30_000), expected: 100 },
    { name: "identical readings, time passed: zero rate", prev: r(42n, 100, T0), cur: r(42n, 6_100, T0 + 60_000), expected: 0 },
    { name: "identical readings, same instant: no rate", prev: r(42n, 100, T0), cur: r(42n, 100, T0), expected: null },
    { name: "no sysUpTime and same poll time: no rate", prev: r(1n, null, T0), cur: r(2n, null, T0), expected: null },
    { name: "32-bit wrap", prev: r(C32 - 1_000n, 0, T0, 32), cur: r(5_000n, 6_000, T0 + 60_000, 32), expected: 100 },
    { name: "64-bit wrap", prev: r(C64 - 2_000n, 0, T0), cur: r(4_000n, 6_000, T0 + 60_000), expected: 100 },
    { name: "64-bit counter going back by a lot is a reset, not a wrap", prev: r(10n ** 12n, 0, T0), cur: r(500n, 6_000, T0 + 60_000), expected: null },
    { name: "agent rebooted (sysUpTime back): no rate", prev: r(9_000_000n, 8_640_000, T0), cur: r(1_000n, 3_000, T0 + 60_000), expected: null },
    {
      name: "reboot detected even when the counter moved forward",
      prev: r(1_000n, 500_000, T0),
      cur: r(5_000n, 2_000, T0 + 60_000),
      expected: null,
    },
    {
      name: "sysUpTime wrapping at 2^32 ticks (~497 days) is not a reboot",
      prev: r(0n, 2 ** 32 - 3_000, T0),
      cur: r(6_000n, 3_000, T0 + 60_000),
      expected: 100,
    },
    { name: "rate above the ceiling (e.g. interface speed) is discarded", prev: r(0n, 0, T0, 32), cur: r(4_000_000_000n, 6_000, T0 + 60_000, 32), max: 12_500_000, expected: null },
    { name: "rate at the ceiling is kept", prev: r(0n, 0, T0, 32), cur: r(750_000_000n, 6_000, T0 + 60_000, 32), max: 12_500_000, expected: 12_500_000 },
    { name: "Counter32 then Counter64 (agent changed): no rate", prev: r(5n, 0, T0, 32), cur: r(10n, 100, T0 + 1_000, 64), expected: null },
    { name: "value outside the 32-bit range: no rate", prev: r(0n, 0, T0, 32), cur: r(C32, 100, T0 + 1_000, 32), expected: null },
    { name: "large 64-bit values keep precision enough", prev: r(2n ** 62n, 0, T0), cur: r(2n ** 62n + 125_000_000_000n, 10_000, T0 + 100_000), expected: 1_250_000_000 },
  ])("$name", ({ prev, cur, max, expected }) => {
    const rate = counterRate(prev, cur, max === undefined ? undefined : { maxPerSec: max });
    if (expected === null) expect(rate).toBeNull();
    else expect(rate).toBeCloseTo(expected, 6);
  });

  it.each([
    { prev: r(1n, 100, T0), cur: r(1n, 100, T0), reason: "no_interval" },
    { prev: r(1n, 500_000, T0), cur: r(1n, 100, T0 + 60_000), reason: "reboot" },
    { prev: r(10n ** 12n, 0, T0), cur: r(5n, 6_000, T0 + 60_000), reason: "implausible" },
    { prev: r(1n, 0, T0, 32), cur: r(2n, 100, T0 + 1_000, 64), reason: "width_changed" },
    { prev: r(-1n, 0, T0), cur: r(2n, 100, T0 + 1_000), reason: "bad_value" },
  ] as const)("says why: $reason", ({ prev, cur, reason }) => {
    expect(counterRateDetail(prev, cur)).toEqual({ ok: false, reason });
  });

  it("reports wraps", () => {
    expect(counterRateDetail(r(C32 - 1n, 0, T0, 32), r(99n, 100, T0 + 1_000, 32))).toEqual({ ok: true, rate: 100, intervalSec: 1, wrapped: true });
  });
});

describe("readingInterval", () => {
  it("prefers sysUpTime, falls back to poll time, flags a restart", () => {
    expect(readingInterval({ uptimeTicks: 100, atMs: T0 }, { uptimeTicks: 1_100, atMs: T0 + 12_000 })).toEqual({ ok: true, seconds: 10 });
    expect(readingInterval({ uptimeTicks: null, atMs: T0 }, { uptimeTicks: 1_100, atMs: T0 + 12_000 })).toEqual({ ok: true, seconds: 12 });
    expect(readingInterval({ uptimeTicks: 5_000, atMs: T0 }, { uptimeTicks: 100, atMs: T0 + 12_000 })).toEqual({ ok: false, reason: "reboot" });
  });
});
