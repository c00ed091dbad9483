// Heavy hitters in fixed memory (Metwally et al., "Space-Saving"): at most `capacity` counters; a
// new key evicts the smallest and inherits its count as over-estimation error. Keys whose true
// share is above 1/capacity are guaranteed to be kept.
//
// A full sketch evicts on nearly every new key (an exporter's talkers sketch on almost every flow), so
// once full the counters sit in a binary min-heap: finding the smallest is O(1) and an update
// O(log capacity) instead of a scan of every counter. Which counter is evicted when counts tie, and the
// order of equal counts in `top`, are unchanged: the heap orders ties by the position the scan of the
// plain algorithm would have met them in (detection results depend on it).
//
// Keys may carry a small integer tag (e.g. a flow's direction): (tag, key) pairs are counted apart as
// a string key `${tag}|${key}` would be, without building that string on every add. Keys are found
// through a small open-addressed table on a 32-bit hash of the key rather than a Map: a full sketch
// deletes and inserts a key on nearly every add, which a Map pays for dearly (tombstones, rehashing);
// callers that already hashed a key (the flow rollup hashes a peer once for all its sketches) pass it.
import { hashInt, hashString } from "../../hash";

/** The hash the sketches expect for a key (`addHashed`). */
export function sketchHash(key: string | number): number {
  return typeof key === "string" ? hashString(key) : hashInt(key);
}

export interface HeavyHitter<K> {
  key: K;
  count: number;
  /** Upper bound on how much of `count` may belong to evicted keys. */
  error: number;
}

/** A heavy hitter with the tag it was added under. */
export interface TaggedHeavyHitter<K> extends HeavyHitter<K> {
  tag: number;
}

/** Below this many keys a linear scan finds a key; from it on, the hash table. */
const TABLE_FROM = 8;

/**
 * Counters in slots, looked up through the hash table; the min-heap is built when the sketch first
 * has to evict, so sketches that never fill pay nothing for it.
 * `appendOnReplace`: a replacing key takes the last place in the tie order (a Map-ordered sketch:
 * delete + set), else it keeps the evicted slot's place (an array-ordered sketch).
 * Weights must not be NaN (a NaN count has no place in any order).
 */
class HeapCounters<K> {
  /** Open addressing with linear probing: slot + 1, 0 when empty; built at TABLE_FROM keys. */
  private table: Int32Array | null = null;
  private readonly hashes: number[] = [];
  private readonly keys: K[] = [];
  private readonly tags: number[] = [];
  private readonly counts: number[] = [];
  private readonly errors: number[] = [];
  /** Tie order: where the plain algorithm's scan would meet each slot (lower first). */
  private readonly order: number[] = [];
  /** Slots by (count, order), smallest first; null until the first eviction. */
  private heap: number[] | null = null;
  /** Slot → its index in `heap`. */
  private readonly at: number[] = [];
  private seq = 0;

  constructor(
    private readonly capacity: number,
    private readonly appendOnReplace: boolean,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  add(key: K, hash: number, weight: number, tag: number): void {
    // the tag mixed in, so the same key under two tags probes from two places
    const h = (hash ^ Math.imul(tag, 0x9e3779b1)) | 0;
    const slot = this.find(key, h, tag);
    if (slot >= 0) {
      this.counts[slot]! += weight;
      if (this.heap) this.fix(this.at[slot]!);
      return;
    }
    const n = this.keys.length;
    if (n < this.capacity) {
      this.hashes.push(h);
      this.keys.push(key);
      this.tags.push(tag);
      this.counts.push(weight);
      this.errors.push(0);
      this.order.push(this.seq++);
      if (this.table) this.insert(n);
      else if (n + 1 >= TABLE_FROM) this.buildTable();
      return;
    }
    const heap = this.heap ?? this.buildHeap();
    const s = heap[0]!;
    const min = this.counts[s]!;
    this.remove(s);
    this.hashes[s] = h;
    this.keys[s] = key;
    this.tags[s] = tag;
    this.counts[s] = min + weight;
    this.errors[s] = min;
    if (this.appendOnReplace) this.order[s] = this.seq++;
    this.insert(s);
    this.down(0);
  }

  private find(key: K, h: number, tag: number): number {
    const table = this.table;
    if (!table) {
      for (let s = 0; s < this.keys.length; s++) if (this.keys[s] === key && this.tags[s] === tag) return s;
      return -1;
    }
    const mask = table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = table[i]!;
      if (e === 0) return -1;
      const s = e - 1;
      if (this.hashes[s] === h && this.keys[s] === key && this.tags[s] === tag) return s;
    }
  }

  private buildTable(): void {
    let size = 16;
    while (size < 2 * this.capacity) size *= 2;
    this.table = new Int32Array(size);
    for (let s = 0; s < this.keys.length; s++) this.insert(s);
  }

  private insert(s: number): void {
    const table = this.table;
    if (!table) return;
    const mask = table.length - 1;
    let i = this.hashes[s]! & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = s + 1;
  }

  /** Takes slot `s` out of the table (backward-shift deletion keeps every probe chain unbroken). */
  private remove(s: number): void {
    const table = this.table;
    if (!table) return;
    const mask = table.length - 1;
    let i = this.hashes[s]! & mask;
    while (table[i] !== s + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashes[table[j]! - 1]! & mask;
      // move j's entry back into the hole at i unless its home lies cyclically in (i, j]
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        table[i] = table[j]!;
        i = j;
      }
    }
    table[i] = 0;
  }

  top(n: number): TaggedHeavyHitter<K>[] {
    const slots = this.keys.map((_, i) => i);
    slots.sort((a, b) => this.counts[b]! - this.counts[a]! || this.order[a]! - this.order[b]!);
    return slots.slice(0, n).map((s) => ({ key: this.keys[s]!, count: this.counts[s]!, error: this.errors[s]!, tag: this.tags[s]! }));
  }

  private less(a: number, b: number): boolean {
    const ca = this.counts[a]!;
    const cb = this.counts[b]!;
    return ca < cb || (ca === cb && this.order[a]! < this.order[b]!);
  }

  private buildHeap(): number[] {
    const heap = this.keys.map((_, i) => i);
    this.heap = heap;
    for (let i = 0; i < heap.length; i++) this.at[i] = i;
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) this.down(i);
    return heap;
  }

  /** Restores the heap after the count at heap index `i` changed (weights may be negative). */
  private fix(i: number): void {
    const heap = this.heap!;
    const s = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.less(s, p)) break;
      heap[i] = p;
      this.at[p] = i;
      i = parent;
    }
    heap[i] = s;
    this.at[s] = i;
    this.down(i);
  }

  private down(i: number): void {
    const heap = this.heap!;
    const n = heap.length;
    const s = heap[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(heap[c + 1]!, heap[c]!)) c++;
      const child = heap[c]!;
      if (!this.less(child, s)) break;
      heap[i] = child;
      this.at[child] = i;
      i = c;
    }
    heap[i] = s;
    this.at[s] = i;
  }
}

/**
 * Both sketches start as one flat array of [key, tag, count, error] quadruples: a linear scan beats any
 * index for a handful of keys, and a device-minute with one peer costs well under 100 bytes instead of
 * ~1 KB (one per device-minute adds up over 50,000 hosts). At `moveAt` keys (no later than full, so the
 * array never evicts) the counters move to HeapCounters, in array order: the tie order so far.
 */
class FlatThenIndexed<K extends string | number> {
  private entries: (K | number)[] | null = null;
  private indexed: HeapCounters<K> | null = null;

  constructor(
    private readonly capacity: number,
    private readonly appendOnReplace: boolean,
    private readonly moveAt: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError("SpaceSaving capacity must be >= 1");
  }

  add(key: K, weight = 1, tag = 0): void {
    if (this.indexed) this.indexed.add(key, sketchHash(key), weight, tag);
    else this.addFlat(key, weight, tag);
  }

  /** As `add`, with the key's `sketchHash` already computed. */
  addHashed(key: K, hash: number, weight: number, tag = 0): void {
    if (this.indexed) this.indexed.add(key, hash, weight, tag);
    else this.addFlat(key, weight, tag);
  }

  private addFlat(key: K, weight: number, tag: number): void {
    const e = this.entries;
    if (!e) {
      // an exact-size literal: most device-minutes never get a second key
      this.entries = [key, tag, weight, 0];
      if (this.moveAt === 1) this.moveToIndexed();
      return;
    }
    for (let i = 0; i < e.length; i += 4) {
      if (e[i] === key && e[i + 1] === tag) {
        (e[i + 2] as number) += weight;
        return;
      }
    }
    e.push(key, tag, weight, 0);
    if (e.length === 4 * this.moveAt) this.moveToIndexed();
  }

  private moveToIndexed(): void {
    const e = this.entries!;
    const indexed = new HeapCounters<K>(this.capacity, this.appendOnReplace);
    for (let i = 0; i < e.length; i += 4) indexed.add(e[i] as K, sketchHash(e[i] as K), e[i + 2] as number, e[i + 1] as number);
    this.indexed = indexed;
    this.entries = null;
  }

  top(n: number): HeavyHitter<K>[] {
    return this.topTagged(n).map(({ key, count, error }) => ({ key, count, error }));
  }

  /** As `top`, with each key's tag. */
  topTagged(n: number): TaggedHeavyHitter<K>[] {
    if (this.indexed) return this.indexed.top(n);
    const e = this.entries ?? [];
    const out: TaggedHeavyHitter<K>[] = [];
    for (let i = 0; i < e.length; i += 4) out.push({ key: e[i] as K, tag: e[i + 1] as number, count: e[i + 2] as number, error: e[i + 3] as number });
    return out.sort((a, b) => b.count - a.count).slice(0, n);
  }
}

/**
 * Ties go to the key inserted first, a replacing key counting as inserted last: the order of the Map
 * this sketch used to keep. Indexed from TABLE_FROM keys on.
 */
export class SpaceSaving<K extends string | number> extends FlatThenIndexed<K> {
  constructor(capacity: number) {
    super(capacity, true, Math.min(TABLE_FROM, capacity));
  }
}

/**
 * For a handful of counters (≤ ~32): flat until full. Ties go to the first smallest in array order,
 * and a replacing key takes the evicted one's place.
 */
export class SmallSpaceSaving<K extends string | number> extends FlatThenIndexed<K> {
  constructor(capacity: number) {
    super(capacity, false, capacity);
  }
}
