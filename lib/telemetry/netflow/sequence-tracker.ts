// Estimates export loss from header sequence numbers, per exporter + version + domain (v5 engine
// type/id, v9 source id, IPFIX observation domain). v5 and IPFIX sequences count flow records (IPFIX:
// data records), v9 counts export packets, so `lost` is in records for v5/IPFIX and in packets for v9.
//
// Sequences are uint32 and wrap; differences are taken modulo 2^32. A packet behind the expected
// number (by at most the max gap) is late (reordered or duplicated) and counts nothing; a jump larger than `maxGap`, a run of
// packets continuing a lower sequence, or a v5/v9 sysUptime going backwards is an exporter restart:
// the stream resynchronises without counting loss.
import type { FlowVersion } from "@/lib/telemetry/flow-record";
import type { FlowSequenceObservation } from "./flow-decode-result";

export interface SequenceTrackerOptions {
  /** Largest forward gap counted as loss in records (v5/IPFIX); larger jumps are restarts. Default 1,000,000. */
  maxRecordGap?: number;
  /** Same for v9, in export packets. Default 100,000. */
  maxPacketGap?: number;
  /** Streams remembered (the least recently seen forgotten first). Default 20,000. */
  maxStreams?: number;
}

export type SequenceEvent = "first" | "in_order" | "gap" | "late" | "reset" | "resync";

export interface SequenceVerdict {
  /** Records (v5/IPFIX) or packets (v9) estimated lost in this gap. */
  lost: number;
  event: SequenceEvent;
}

interface StreamState {
  expected: number;
  /** The next value if the last packet was late, so a second one continuing it is recognised as a restart. */
  lateNext: number;
  uptime: number;
  exact: boolean;
}

/** sysUptime going back by more than this (ms) means the exporter restarted (reordering is never this late). */
const UPTIME_RESTART_MS = 60_000;

export class SequenceTracker {
  private readonly maxRecordGap: number;
  private readonly maxPacketGap: number;
  private readonly maxStreams: number;
  /** Insertion order = least recently seen first. */
  private readonly states = new Map<string, StreamState>();
  /** Streams forgotten to make room for new ones (forged exporters or domains flooding the budget). */
  evicted = 0;

  constructor(options: SequenceTrackerOptions = {}) {
    this.maxRecordGap = options.maxRecordGap ?? 1_000_000;
    this.maxPacketGap = options.maxPacketGap ?? 100_000;
    this.maxStreams = options.maxStreams ?? 20_000;
  }

  get size(): number {
    return this.states.size;
  }

  observe(exporter: string, version: FlowVersion, obs: FlowSequenceObservation): SequenceVerdict {
    const key = exporter + "|" + version + "|" + obs.domain;
    const next = (obs.value + obs.count) >>> 0;
    const uptime = obs.uptimeMs ?? -1;
    const state = this.states.get(key);
    if (!state) {
      while (this.states.size >= this.maxStreams && this.states.size > 0) {
        const oldest = this.states.keys().next().value!;
        this.states.delete(oldest);
        this.evicted++;
      }
      this.states.set(key, { expected: next, lateNext: -1, uptime, exact: obs.exact });
      return { lost: 0, event: "first" };
    }
    // seen again: the last to be forgotten
    this.states.delete(key);
    this.states.set(key, state);
    const maxGap = version === 9 ? this.maxPacketGap : this.maxRecordGap;
    const restarted = uptime >= 0 && state.uptime >= 0 && ((uptime - state.uptime) | 0) < -UPTIME_RESTART_MS;
    const delta = (obs.value - state.expected) | 0;
    let verdict: SequenceVerdict;
    if (restarted) verdict = { lost: 0, event: "reset" };
    else if (!state.exact) verdict = { lost: 0, event: "resync" };
    else if (delta === 0) verdict = { lost: 0, event: "in_order" };
    else if (delta > 0 && delta <= maxGap) verdict = { lost: delta, event: "gap" };
    else if (delta < 0 && -delta <= maxGap && obs.value !== state.lateNext) {
      // Late (reordered or duplicate): the expected number stays where it is.
      state.lateNext = next;
      return { lost: 0, event: "late" };
    } else verdict = { lost: 0, event: "reset" };
    state.expected = next;
    state.lateNext = -1;
    state.uptime = uptime;
    state.exact = obs.exact;
    return verdict;
  }
}
