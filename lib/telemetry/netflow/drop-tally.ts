// Counts drops by reason during one decode without allocating per drop; `toArray()` builds the
// result's `drops` list.
import type { FlowDropReason } from "@/lib/telemetry/flow-record";
import type { FlowDrop } from "./flow-decode-result";

export const FLOW_DROP_REASONS: readonly FlowDropReason[] = [
  "truncated",
  "bad_version",
  "count_overrun",
  "unknown_template",
  "bad_template",
  "bad_field_length",
  "template_expired",
  "pending_overflow",
  "clock_skew",
  "template_overflow",
];

const INDEX: Record<FlowDropReason, number> = {
  truncated: 0,
  bad_version: 1,
  count_overrun: 2,
  unknown_template: 3,
  bad_template: 4,
  bad_field_length: 5,
  template_expired: 6,
  pending_overflow: 7,
  clock_skew: 8,
  template_overflow: 9,
};

export class DropTally {
  /** Allocated on the first drop: most datagrams have none. */
  private counts: Int32Array | null = null;

  add(reason: FlowDropReason, count = 1): void {
    if (count <= 0) return;
    const counts = (this.counts ??= new Int32Array(FLOW_DROP_REASONS.length));
    counts[INDEX[reason]]! += count;
  }

  addAll(drops: readonly FlowDrop[]): void {
    for (const d of drops) this.add(d.reason, d.count);
  }

  get empty(): boolean {
    return this.counts === null;
  }

  toArray(): FlowDrop[] {
    const counts = this.counts;
    if (counts === null) return [];
    const out: FlowDrop[] = [];
    for (let i = 0; i < FLOW_DROP_REASONS.length; i++) {
      const count = counts[i]!;
      if (count > 0) out.push({ reason: FLOW_DROP_REASONS[i]!, count });
    }
    return out;
  }
}
