// Heavy hitters in fixed memory (Metwally et al., "Space-Saving"): at most `capacity` counters; a
// new key evicts the smallest and inherits its count as over-estimation error. Keys whose true
// share is above 1/capacity are guaranteed to be kept.
export interface HeavyHitter<K> {
  key: K;
  count: number;
  /** Upper bound on how much of `count` may belong to evicted keys. */
  error: number;
}

export class SpaceSaving<K> {
  private readonly counts = new Map<K, number>();
  /** Only keys that replaced an evicted one carry an error (rare for small device-minutes). */
  private readonly errors = new Map<K, number>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError("SpaceSaving capacity must be >= 1");
  }

  add(key: K, weight = 1): void {
    const count = this.counts.get(key);
    if (count !== undefined) {
      this.counts.set(key, count + weight);
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(key, weight);
      return;
    }
    let minKey: K | undefined;
    let min = Infinity;
    for (const [k, v] of this.counts) {
      if (v < min) {
        min = v;
        minKey = k;
      }
    }
    this.counts.delete(minKey as K);
    this.errors.delete(minKey as K);
    this.counts.set(key, min + weight);
    this.errors.set(key, min);
  }

  top(n: number): HeavyHitter<K>[] {
    return [...this.counts]
      .map(([key, count]) => ({ key, count, error: this.errors.get(key) ?? 0 }))
      .sort((a, b) => b.count - a.count)
      .slice(0, n);
  }
}

/**
 * The same algorithm for a handful of counters (≤ ~32) in one flat array of [key, count, error]
 * triples: a linear scan beats two Maps there, and a device-minute with one peer costs ~60 bytes
 * instead of ~1 KB (one per device-minute adds up over 20,000 hosts).
 */
export class SmallSpaceSaving<K> {
  private entries: (K | number)[] | null = null;

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError("SpaceSaving capacity must be >= 1");
  }

  add(key: K, weight = 1): void {
    const e = this.entries;
    if (!e) {
      // an exact-size literal: most device-minutes never get a second key
      this.entries = [key, weight, 0];
      return;
    }
    let m = 0;
    for (let i = 0; i < e.length; i += 3) {
      if (e[i] === key) {
        (e[i + 1] as number) += weight;
        return;
      }
      if ((e[i + 1] as number) < (e[m + 1] as number)) m = i;
    }
    if (e.length < 3 * this.capacity) {
      e.push(key, weight, 0);
      return;
    }
    const min = e[m + 1] as number;
    e[m] = key;
    e[m + 1] = min + weight;
    e[m + 2] = min;
  }

  top(n: number): HeavyHitter<K>[] {
    const e = this.entries ?? [];
    const out: HeavyHitter<K>[] = [];
    for (let i = 0; i < e.length; i += 3) out.push({ key: e[i] as K, count: e[i + 1] as number, error: e[i + 2] as number });
    return out.sort((a, b) => b.count - a.count).slice(0, n);
  }
}
