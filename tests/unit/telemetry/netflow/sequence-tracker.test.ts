import { describe, expect, it } from "vitest";
import type { FlowVersion } from "@/lib/telemetry/flow-record";
import type { FlowSequenceObservation } from "@/lib/telemetry/netflow/flow-decode-result";
import { SequenceTracker, type SequenceEvent } from "@/lib/telemetry/netflow/sequence-tracker";

type Step = Partial<FlowSequenceObservation> & { value: number; expect: [lost: number, event: SequenceEvent] };

const obs = (s: Step): FlowSequenceObservation => ({ domain: 0, count: 30, exact: true, ...s });

describe("SequenceTracker", () => {
  it.each<{ name: string; version: FlowVersion; steps: Step[] }>([
    {
      name: "v5 in order (sequence counts records)",
      version: 5,
      steps: [
        { value: 100, expect: [0, "first"] },
        { value: 130, expect: [0, "in_order"] },
        { value: 160, count: 7, expect: [0, "in_order"] },
        { value: 167, expect: [0, "in_order"] },
      ],
    },
    {
      name: "v5 gap of two datagrams = 60 records",
      version: 5,
      steps: [
        { value: 0, expect: [0, "first"] },
        { value: 90, expect: [60, "gap"] },
        { value: 120, expect: [0, "in_order"] },
      ],
    },
    {
      name: "wraps around 2^32",
      version: 5,
      steps: [
        { value: 4_294_967_280, expect: [0, "first"] },
        { value: 14, expect: [0, "in_order"] },
        { value: 74, expect: [30, "gap"] },
      ],
    },
    {
      name: "a late (reordered) datagram counts nothing and does not move the expectation",
      version: 5,
      steps: [
        { value: 0, expect: [0, "first"] },
        { value: 60, expect: [30, "gap"] },
        { value: 30, expect: [0, "late"] },
        { value: 90, expect: [0, "in_order"] },
      ],
    },
    {
      name: "a duplicate is late",
      version: 5,
      steps: [
        { value: 0, expect: [0, "first"] },
        { value: 30, expect: [0, "in_order"] },
        { value: 30, expect: [0, "late"] },
        { value: 60, expect: [0, "in_order"] },
      ],
    },
    {
      name: "restart detected by sysUptime going back",
      version: 5,
      steps: [
        { value: 5000, uptimeMs: 3_600_000, expect: [0, "first"] },
        { value: 0, uptimeMs: 1000, expect: [0, "reset"] },
        { value: 30, uptimeMs: 1100, expect: [0, "in_order"] },
      ],
    },
    {
      name: "restart after a short life: a second packet continuing the lower sequence resets",
      version: 5,
      steps: [
        { value: 900, expect: [0, "first"] },
        { value: 0, expect: [0, "late"] },
        { value: 30, expect: [0, "reset"] },
        { value: 60, expect: [0, "in_order"] },
      ],
    },
    {
      name: "uptime wrap is not a restart",
      version: 9,
      steps: [
        { value: 1, count: 1, uptimeMs: 4_294_967_000, expect: [0, "first"] },
        { value: 2, count: 1, uptimeMs: 200, expect: [0, "in_order"] },
      ],
    },
    {
      name: "a jump beyond the max gap is a reset, not loss",
      version: 5,
      steps: [
        { value: 0, expect: [0, "first"] },
        { value: 2_000_000_000, expect: [0, "reset"] },
        { value: 2_000_000_030, expect: [0, "in_order"] },
      ],
    },
    {
      name: "v9 counts export packets",
      version: 9,
      steps: [
        { value: 10, count: 1, expect: [0, "first"] },
        { value: 11, count: 1, expect: [0, "in_order"] },
        { value: 15, count: 1, expect: [3, "gap"] },
      ],
    },
    {
      name: "after an inexact count (IPFIX sets held for a template) the next packet resyncs",
      version: 10,
      steps: [
        { value: 0, count: 10, expect: [0, "first"] },
        { value: 10, count: 0, exact: false, expect: [0, "in_order"] },
        { value: 25, count: 5, expect: [0, "resync"] },
        { value: 35, count: 5, expect: [5, "gap"] },
      ],
    },
  ])("$name", ({ version, steps }) => {
    const tracker = new SequenceTracker();
    for (const step of steps) {
      const verdict = tracker.observe("192.0.2.1", version, obs(step));
      expect([verdict.lost, verdict.event], JSON.stringify(step)).toEqual(step.expect);
    }
  });

  it("tracks exporters, versions and domains separately, and forgets the oldest beyond its limit", () => {
    const tracker = new SequenceTracker({ maxStreams: 3 });
    expect(tracker.observe("a", 5, obs({ value: 0, expect: [0, "first"] })).event).toBe("first");
    expect(tracker.observe("b", 5, obs({ value: 0, expect: [0, "first"] })).event).toBe("first");
    expect(tracker.observe("a", 5, obs({ value: 0, domain: 1, expect: [0, "first"] })).event).toBe("first");
    expect(tracker.observe("a", 5, obs({ value: 30, expect: [0, "in_order"] })).event).toBe("in_order");
    expect(tracker.observe("a", 9, obs({ value: 30, expect: [0, "first"] })).event).toBe("first");
    expect(tracker.size).toBe(3);
  });

  it("survives a flood of forged streams: bounded, evictions counted, an active exporter keeps its state", () => {
    const tracker = new SequenceTracker({ maxStreams: 100 });
    tracker.observe("legit", 5, obs({ value: 0, expect: [0, "first"] }));
    let next = 30;
    for (let i = 0; i < 10_000; i++) {
      tracker.observe(`forged-${i}`, 5, obs({ value: i, expect: [0, "first"] }));
      if (i % 50 === 0) {
        // the real exporter keeps sending in order, so it stays among the most recently seen
        expect(tracker.observe("legit", 5, obs({ value: next, expect: [0, "in_order"] })).event).toBe("in_order");
        next += 30;
      }
    }
    expect(tracker.size).toBe(100);
    expect(tracker.evicted).toBe(10_001 - 100);
    // a real gap is still measured for it
    expect(tracker.observe("legit", 5, obs({ value: next + 60, expect: [60, "gap"] }))).toEqual({ lost: 60, event: "gap" });
  });
});
