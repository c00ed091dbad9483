// The labelled segments of a row series (KPI datasets, NAB-style CSV series), found as its rows stream
// past: each maximal run of rows labelled 1 is one segment [first row's time, last row's time + the
// series' row interval) on the series' device.
import type { Label, LabelType } from "@/lib/eval/scenario";

/**
 * The segments carry no type. Scored with SEGMENT_MATCHING any alert type matches, so the type is never
 * consulted; "degradation" (a service's metrics leaving normal) is the nearest of the vocabulary.
 */
const SEGMENT_LABEL_TYPE: LabelType = "degradation";

export class LabelSegments {
  private readonly runs: [number, number][] = [];
  private open: number | undefined;
  private last: number | undefined;

  /** The next row: its time (epoch ms, rows in order) and label. */
  add(ts: number, label: 0 | 1): void {
    if (label === 1) this.open ??= ts;
    else if (this.open !== undefined) {
      this.runs.push([this.open, this.last!]);
      this.open = undefined;
    }
    this.last = ts;
  }

  /** The segments so far as labels on `device`, a run still open ending at the last row. */
  labels(device: string, rowIntervalMs: number): Label[] {
    const runs = this.open === undefined ? this.runs : [...this.runs, [this.open, this.last!] as const];
    return runs.map(([first, last]) => ({
      start: new Date(first),
      end: new Date(last + rowIntervalMs),
      device,
      target: device,
      type: SEGMENT_LABEL_TYPE,
    }));
  }
}
