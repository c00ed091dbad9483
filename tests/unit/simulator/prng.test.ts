import { describe, expect, it } from "vitest";
import { hashString, mulberry32, noise, noise3, normalNoise, normalNoise3 } from "@/lib/simulator/prng";

describe("mulberry32", () => {
  it("repeats the same sequence for the same seed", () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const seqA = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(seqA);
  });

  it("gives different sequences for different seeds", () => {
    const a = mulberry32(1);
    const b = mulberry32(2);
    expect(Array.from({ length: 5 }, () => a())).not.toEqual(Array.from({ length: 5 }, () => b()));
  });

  it("stays in [0, 1) and is roughly uniform", () => {
    const rng = mulberry32(99);
    const draws = Array.from({ length: 20_000 }, () => rng());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });
});

describe("noise", () => {
  it("is a pure function of seed and keys", () => {
    expect(noise(5, 1, 28_000_000, 3)).toBe(noise(5, 1, 28_000_000, 3));
    expect(noise3(5, 1, 28_000_000, 3)).toBe(noise(5, 1, 28_000_000, 3));
    expect(normalNoise3(5, 1, 28_000_000, 3)).toBe(normalNoise(5, 1, 28_000_000, 3));
  });

  it.each([
    { name: "seed", a: [1, 10, 20], b: [2, 10, 20] },
    { name: "first key", a: [1, 10, 20], b: [1, 11, 20] },
    { name: "last key", a: [1, 10, 20], b: [1, 10, 21] },
    { name: "key order", a: [1, 10, 20], b: [1, 20, 10] },
    { name: "keys beyond 32 bits", a: [1, 1, 2 ** 32 + 1], b: [1, 1, 1] },
  ])("changes with the $name", ({ a, b }) => {
    const [sa = 0, ...ka] = a;
    const [sb = 0, ...kb] = b;
    expect(noise(sa, ...ka)).not.toBe(noise(sb, ...kb));
  });

  it("is uniform in [0, 1) over consecutive keys (no visible structure by minute)", () => {
    const draws = Array.from({ length: 20_000 }, (_, minute) => noise(1, 3, minute));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const deciles = new Array<number>(10).fill(0);
    for (const x of draws) deciles[Math.floor(x * 10)]! += 1;
    for (const count of deciles) expect(Math.abs(count - 2_000)).toBeLessThan(200);
    // Neighbouring minutes must not be correlated.
    let lag1 = 0;
    for (let i = 1; i < draws.length; i++) lag1 += (draws[i]! - 0.5) * (draws[i - 1]! - 0.5);
    expect(Math.abs(lag1 / draws.length / (1 / 12))).toBeLessThan(0.05);
  });
});

describe("normalNoise", () => {
  const draws = Array.from({ length: 50_000 }, (_, minute) => normalNoise(9, 4, minute));
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1);

  it("has mean ≈ 0 and standard deviation ≈ 1", () => {
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.sqrt(variance)).toBeGreaterThan(0.97);
    expect(Math.sqrt(variance)).toBeLessThan(1.03);
  });

  it("looks bell-shaped: about 68% within 1σ, 95% within 2σ", () => {
    const within = (k: number) => draws.filter((x) => Math.abs(x) <= k).length / draws.length;
    expect(within(1)).toBeGreaterThan(0.64);
    expect(within(1)).toBeLessThan(0.72);
    expect(within(2)).toBeGreaterThan(0.94);
  });

  it("never goes beyond ±3", () => {
    expect(Math.max(...draws.map(Math.abs))).toBeLessThanOrEqual(3);
  });
});

describe("hashString", () => {
  it("is stable and distinguishes strings", () => {
    expect(hashString("ddos-3-20250114T1405")).toBe(hashString("ddos-3-20250114T1405"));
    expect(hashString("a")).not.toBe(hashString("b"));
    expect(Number.isInteger(hashString("x"))).toBe(true);
  });
});
