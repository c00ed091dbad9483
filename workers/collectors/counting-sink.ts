// Counts what one telemetry source hands to the sink, so the worker's heartbeat can report records
// per source and records per second (the Overview page's ingest health). Counting is a wrapper, not
// a change to each collector: every source is counted the same way.
import type { TelemetrySink } from "./telemetry-sink";

export interface CountingSink {
  sink: TelemetrySink;
  /** Records handed on so far: flow records, syslog messages and metric sample sets (reachability changes are not records); what the sink rejected is not counted. */
  records(): number;
  /** Records per second since the previous call (null on the first call). */
  rate(nowMs: number): number | null;
}

export function countingSink(inner: TelemetrySink): CountingSink {
  let records = 0;
  let previous: { records: number; atMs: number } | undefined;
  return {
    sink: {
      flows(batch) {
        inner.flows(batch);
        records += batch.length;
      },
      syslog(message, sourceAddress) {
        inner.syslog(message, sourceAddress);
        records += 1;
      },
      deviceMetrics(device, ts, values) {
        inner.deviceMetrics(device, ts, values);
        records += 1;
      },
      deviceReachability(device, reachable, at) {
        inner.deviceReachability(device, reachable, at);
      },
      deviceFacts(device, ts, facts) {
        inner.deviceFacts?.(device, ts, facts);
      },
    },
    records: () => records,
    rate(nowMs) {
      const perSec = previous && nowMs > previous.atMs ? ((records - previous.records) * 1000) / (nowMs - previous.atMs) : null;
      previous = { records, atMs: nowMs };
      return perSec;
    },
  };
}
