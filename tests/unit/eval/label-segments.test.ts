import { describe, expect, it } from "vitest";
import { LabelSegments } from "@/lib/eval/label-segments";

const STEP = 60_000;

describe("LabelSegments", () => {
  it.each([
    { name: "no row", labels: [] as (0 | 1)[], segments: [] },
    { name: "no labelled row", labels: [0, 0, 0] as (0 | 1)[], segments: [] },
    { name: "one run in the middle", labels: [0, 1, 1, 0] as (0 | 1)[], segments: [[1, 3]] },
    { name: "single-row runs", labels: [1, 0, 1, 0] as (0 | 1)[], segments: [[0, 1], [2, 3]] },
    { name: "a run to the last row", labels: [0, 0, 1, 1] as (0 | 1)[], segments: [[2, 4]] },
  ])("each maximal run of 1 is [first row, last row + interval): $name", ({ labels, segments }) => {
    const s = new LabelSegments();
    labels.forEach((l, i) => s.add(i * STEP, l));
    expect(s.labels("dev", STEP)).toEqual(
      segments.map(([a, b]) => ({ start: new Date(a! * STEP), end: new Date(b! * STEP), device: "dev", target: "dev", type: "degradation" })),
    );
  });

  it("an open run reported early stays open for later rows", () => {
    const s = new LabelSegments();
    s.add(0, 1);
    expect(s.labels("d", STEP).map((l) => l.end.getTime())).toEqual([STEP]);
    s.add(STEP, 1);
    s.add(2 * STEP, 0);
    expect(s.labels("d", STEP).map((l) => [l.start.getTime(), l.end.getTime()])).toEqual([[0, 2 * STEP]]);
  });
});
