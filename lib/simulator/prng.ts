// Deterministic randomness. `mulberry32` is a sequential stream for plans; `noise` is stateless, so
// any device-minute can be generated on its own (backfill, resume after restart) and identically.
import { finalizeHash32, hashString } from "../hash";

/** Seeded PRNG returning uniform numbers in [0, 1). Any number works as a seed (taken mod 2³²). */
export function mulberry32(seed: number): () => number {
  let state = toUint32(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [0, 1), a pure function of the seed and integer keys (e.g. device, minute, metric). */
export function noise(seed: number, ...keys: number[]): number {
  let h = toUint32(seed) ^ 0x9e3779b9;
  for (const key of keys) h = mixKey(h, key);
  return toUnit(finalize(h));
}

/**
 * Approximately standard normal (mean 0, sd 1), a pure function of the seed and keys. Built from
 * three uniforms (Irwin–Hall), so tails stop at ±3: simulated "ordinary" minutes then never
 * masquerade as the 4σ outliers a detector is meant to find.
 */
export function normalNoise(seed: number, ...keys: number[]): number {
  let h = toUint32(seed) ^ 0x9e3779b9;
  for (const key of keys) h = mixKey(h, key);
  return irwinHall(h);
}

/** Fixed-arity `noise` for hot loops: no rest-array per call. */
export function noise3(seed: number, a: number, b: number, c: number): number {
  return toUnit(finalize(mixKey(mixKey(mixKey(toUint32(seed) ^ 0x9e3779b9, a), b), c)));
}

/** Fixed-arity `normalNoise` for hot loops; equals `normalNoise(seed, a, b, c)`. */
export function normalNoise3(seed: number, a: number, b: number, c: number): number {
  return irwinHall(mixKey(mixKey(mixKey(toUint32(seed) ^ 0x9e3779b9, a), b), c));
}

/** A 32-bit hash of a string, for turning names or ids into noise keys and seeds. */
export { hashString };

function irwinHall(h: number): number {
  // Three decorrelated draws from one hash; the sum of 3 uniforms has variance 1/4, hence the × 2.
  const a = toUnit(finalize(h ^ 0x85ebca6b));
  const b = toUnit(finalize(h ^ 0xc2b2ae35));
  const c = toUnit(finalize(h ^ 0x27d4eb2f));
  return (a + b + c - 1.5) * 2;
}

// MurmurHash3-style mixing of one key; keys beyond 32 bits contribute their high part too.
function mixKey(h: number, key: number): number {
  const lo = key | 0;
  const hi = (key - lo) / 4294967296;
  h = mixWord(h, lo);
  return hi === 0 ? h : mixWord(h, hi | 0);
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

const finalize = finalizeHash32;

function toUnit(u32: number): number {
  return u32 / 4294967296;
}

function toUint32(seed: number): number {
  if (!Number.isFinite(seed)) return 0;
  // Keep integer seeds beyond 2³² distinct from their low bits.
  const int = Math.trunc(seed);
  return (int ^ Math.trunc(int / 4294967296)) >>> 0;
}
