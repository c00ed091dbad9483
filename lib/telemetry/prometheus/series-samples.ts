// What the Prometheus puller delivers, once per real sample. Pure.
//
// Prometheus evaluates an expression at each `query_range` step from the latest sample of each series
// up to the lookback delta (5 min by default) back, so a series scraped every 5 minutes and queried in
// 1-minute steps arrives as five copies of each scrape. A plain series selector is therefore not
// evaluated in steps: the puller asks for it as a range vector (`metric{…}[600s]` through the instant
// `/api/v1/query`), which Prometheus answers with the series' raw samples at their own timestamps.
//
// `SeriesCursor` remembers, per series, the timestamp of the last sample delivered, so pulls whose
// windows overlap (they do on purpose: a scrape in flight when one pull asks is stored with its start
// time and found by the next) never deliver a sample twice. For a counter it also keeps the last raw
// value and delivers the per-second rate between successive real samples, at the later one's time:
// - the first sample of a series gives no rate (there is nothing to difference it with);
// - a counter that went down was reset (its process restarted): no rate for that interval, the new
//   value starts the next one (no negative rate, and no rate made of a restart's "increase");
// - a negative counter value is not a counter reading: skipped.
import type { DevicePoint } from "./parse-query-range";

const NAME = String.raw`[a-zA-Z_:][a-zA-Z0-9_:]*`;
const LABEL = String.raw`[a-zA-Z_][a-zA-Z0-9_]*`;
const STRING = String.raw`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`";
const MATCHER = String.raw`${LABEL}\s*(?:=~|!~|!=|=)\s*(?:${STRING})`;
const MATCHERS = String.raw`\{\s*(?:${MATCHER})(?:\s*,\s*(?:${MATCHER}))*\s*,?\s*\}`;
const SELECTOR = new RegExp(String.raw`^\s*(?:${NAME}\s*(?:\{\s*\}|${MATCHERS})?|${MATCHERS})\s*$`);

/**
 * Whether a PromQL query is a plain series selector (`metric`, `metric{job="node"}`, `{__name__=~"x"}`):
 * no function, operator, range, offset or `@`. Such a query is fetched as raw samples.
 */
export function isSeriesSelector(query: string): boolean {
  return SELECTOR.test(query);
}

export interface TakeOptions {
  /** The series are counters: deliver per-second rates between successive samples. */
  counter?: boolean;
  /** Multiplies what is delivered (after the rate, for counters). */
  scale?: number;
}

export interface TakeResult {
  /** New points, in time order per series (values scaled; rates for counters). */
  points: DevicePoint[];
  /** Points at or before the last one already taken of their series (overlapping pulls). */
  repeats: number;
  /** Counter intervals with no rate because the counter went down (reset). */
  resets: number;
  /** Negative counter readings skipped. */
  invalid: number;
}

export class SeriesCursor {
  private readonly last = new Map<string, { tsMs: number; value: number }>();

  /** Takes the points not taken before (any order); see the top of this file for counters. */
  take(points: readonly DevicePoint[], options: TakeOptions = {}): TakeResult {
    const scale = options.scale ?? 1;
    const sorted = [...points].sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : a.tsMs - b.tsMs));
    const out: DevicePoint[] = [];
    let repeats = 0;
    let resets = 0;
    let invalid = 0;
    for (const p of sorted) {
      const prev = this.last.get(p.series);
      if (prev && p.tsMs <= prev.tsMs) {
        repeats++;
        continue;
      }
      if (!options.counter) {
        this.last.set(p.series, { tsMs: p.tsMs, value: p.value });
        out.push({ ...p, value: p.value * scale });
        continue;
      }
      if (p.value < 0) {
        invalid++;
        continue;
      }
      this.last.set(p.series, { tsMs: p.tsMs, value: p.value });
      if (!prev) continue;
      if (p.value < prev.value) {
        resets++;
        continue;
      }
      out.push({ ...p, value: ((p.value - prev.value) / ((p.tsMs - prev.tsMs) / 1000)) * scale });
    }
    return { points: out, repeats, resets, invalid };
  }

  /** Forgets series whose last sample is older than `tsMs` (series that went away). */
  forgetBefore(tsMs: number): void {
    for (const [series, l] of this.last) if (l.tsMs < tsMs) this.last.delete(series);
  }

  /** Series remembered. */
  get size(): number {
    return this.last.size;
  }
}
