// The worker's per-source counters behind the Overview's records/s: what is counted as a record,
// what is not, and the rate between two heartbeats.
import { describe, expect, it, vi } from "vitest";
import type { FlowRecord } from "../../../lib/telemetry/flow-record";
import type { SyslogMessage } from "../../../lib/telemetry/syslog-message";
import { countingSink } from "../../../workers/collectors/counting-sink";
import type { TelemetrySink } from "../../../workers/collectors/telemetry-sink";

function innerSink(): TelemetrySink {
  return { flows: vi.fn(), syslog: vi.fn(), deviceMetrics: vi.fn(), deviceReachability: vi.fn() };
}

describe("countingSink", () => {
  it("counts flow records, syslog messages and metric sample sets, not reachability changes, and passes everything on", () => {
    const inner = innerSink();
    const counter = countingSink(inner);
    const flows = [{}, {}, {}] as unknown as FlowRecord[];
    counter.sink.flows(flows);
    counter.sink.syslog({} as SyslogMessage, "10.0.0.1");
    counter.sink.deviceMetrics({ name: "sw-1" }, new Date(0), { cpuPct: 5, memoryPct: 7 });
    counter.sink.deviceReachability({ name: "sw-1" }, false, new Date(0));
    expect(counter.records()).toBe(5);
    expect(inner.flows).toHaveBeenCalledWith(flows);
    expect(inner.deviceReachability).toHaveBeenCalledTimes(1);
  });

  it("does not count what the sink rejected", () => {
    const inner = innerSink();
    vi.mocked(inner.syslog).mockImplementation(() => {
      throw new Error("rejected");
    });
    const counter = countingSink(inner);
    expect(() => counter.sink.syslog({} as SyslogMessage, "10.0.0.1")).toThrow("rejected");
    expect(counter.records()).toBe(0);
  });

  it.each([
    { name: "first call", calls: [{ atMs: 1_000, add: 10 }], rate: null },
    { name: "10 records in 5 s", calls: [{ atMs: 0, add: 0 }, { atMs: 5_000, add: 10 }], rate: 2 },
    { name: "nothing new", calls: [{ atMs: 0, add: 4 }, { atMs: 5_000, add: 0 }], rate: 0 },
    { name: "clock did not move", calls: [{ atMs: 5_000, add: 1 }, { atMs: 5_000, add: 1 }], rate: null },
  ])("rate: $name", ({ calls, rate }) => {
    const counter = countingSink(innerSink());
    let last: number | null = null;
    for (const c of calls) {
      for (let i = 0; i < c.add; i++) counter.sink.deviceMetrics({ name: "d" }, new Date(0), { cpuPct: 1 });
      last = counter.rate(c.atMs);
    }
    expect(last).toBe(rate);
  });
});
