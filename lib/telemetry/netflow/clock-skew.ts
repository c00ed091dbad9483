// Time sanity for flow records: a record whose times fall outside a window around its arrival
// (default one hour back, five minutes ahead) is dropped as `clock_skew`. Such times come from an
// exporter with a wrong clock or from forged datagrams, and would open device-minutes that are
// either long stored or never reached by the flush. The exporters seen doing it are remembered
// (the most recent few, so forged sources cannot grow the list) to be named in metrics and on the
// Overview. Pure: `now` is given.
import type { FlowRecord } from "@/lib/telemetry/flow-record";

export interface ClockSkewWindow {
  /** How far before its arrival a record may have ended. */
  pastMs: number;
  /** How far after its arrival a record may start or end. */
  futureMs: number;
}

export interface SkewFilterResult {
  /** The records inside the window (the input array itself when nothing was dropped). */
  kept: FlowRecord[];
  dropped: number;
  /** Of the dropped records, the largest distance from `now` (ms, negative = in the past); 0 when none. */
  worstSkewMs: number;
}

export function filterClockSkew(records: FlowRecord[], now: number, window: ClockSkewWindow): SkewFilterResult {
  const earliest = now - window.pastMs;
  const latest = now + window.futureMs;
  let kept: FlowRecord[] | null = null;
  let worst = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const end = Number.isFinite(r.endMs) ? r.endMs : r.startMs;
    // a long flow may have started long ago, but never in the future
    const ok = end >= earliest && end <= latest && !(r.startMs > latest);
    if (ok) {
      if (kept) kept.push(r);
      continue;
    }
    kept ??= records.slice(0, i);
    const skew = end < earliest ? end - now : Math.max(end, r.startMs) - now;
    if (Number.isFinite(skew) && Math.abs(skew) > Math.abs(worst)) worst = skew;
  }
  if (!kept) return { kept: records, dropped: 0, worstSkewMs: 0 };
  return { kept, dropped: records.length - kept.length, worstSkewMs: worst };
}

export interface SkewedExporter {
  exporter: string;
  /** The last dropped datagram's worst skew (s, negative = in the past). */
  skewSec: number;
  /** Records dropped for this exporter while it has been listed. */
  records: number;
  /** When its last skewed record arrived (ISO). */
  lastAt: string;
}

interface SkewState {
  skewMs: number;
  records: number;
  lastAt: number;
}

/** The exporters whose records were dropped for clock skew lately, most recent first. */
export class SkewedExporters {
  /** Insertion order = least recently skewed first. */
  private readonly byExporter = new Map<string, SkewState>();

  /**
   * @param maxListed exporters remembered (the least recently skewed forgotten first)
   * @param forgetAfterMs an exporter not skewed for this long is no longer listed
   */
  constructor(
    private readonly maxListed = 20,
    private readonly forgetAfterMs = 10 * 60_000,
  ) {}

  note(exporter: string, skewMs: number, records: number, now: number): void {
    const state = this.byExporter.get(exporter);
    if (state) this.byExporter.delete(exporter);
    this.byExporter.set(exporter, { skewMs, records: (state?.records ?? 0) + records, lastAt: now });
    while (this.byExporter.size > this.maxListed) {
      const oldest = this.byExporter.keys().next().value!;
      this.byExporter.delete(oldest);
    }
  }

  list(now: number): SkewedExporter[] {
    const out: SkewedExporter[] = [];
    for (const [exporter, s] of this.byExporter) {
      if (now - s.lastAt > this.forgetAfterMs) {
        this.byExporter.delete(exporter);
        continue;
      }
      out.push({ exporter, skewSec: Math.round(s.skewMs / 1000), records: s.records, lastAt: new Date(s.lastAt).toISOString() });
    }
    return out.reverse();
  }
}
